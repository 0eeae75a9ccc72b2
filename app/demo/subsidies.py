"""The 2017 subsidy scheme with claims at every stage: filed, verified, rejected, approved, sent, paid."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from app.subsidies.rules import Rate, Tier, calculate, cap_for_household
from app.subsidies.vouchers import voucher_number

HOUSEHOLD_CAP = Decimal("5000.00")
SCHEME = {
    "year": 2017,
    "name": "2017年特色种植养殖补贴",
    "budget": Decimal("5000000.00"),
    "household_cap": HOUSEHOLD_CAP,
    "exited_eligible_until": 2020,
}
RATES = {
    "crayfish_rice": Rate(
        "crayfish_rice",
        "mu",
        Decimal("1"),
        Decimal("3000.00"),
        (Tier(Decimal("10"), Decimal("300.00")), Tier(None, Decimal("150.00"))),
    ),
    "soybean": Rate("soybean", "mu", Decimal("2"), Decimal("2000.00"), (Tier(None, Decimal("100.00")),)),
    "pinellia": Rate("pinellia", "mu", Decimal("0.5"), Decimal("4000.00"), (Tier(None, Decimal("500.00")),)),
    "vegetables": Rate(
        "vegetables",
        "mu",
        Decimal("1"),
        Decimal("2500.00"),
        (Tier(Decimal("5"), Decimal("200.00")), Tier(None, Decimal("100.00"))),
    ),
}
CLAIMS = 2000
STAGES = ["filed", "verified", "rejected", "issued", "in_payment", "paid", "paid", "paid", "paid", "paid"]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def rate_rows(industry_ids: dict[str, int], scheme: int = 1):
    return [
        (
            scheme,
            industry_ids[code],
            r.unit,
            r.min_quantity,
            r.cap,
            json.dumps([{"up_to": None if t.up_to is None else str(t.up_to), "rate": str(t.rate)} for t in r.tiers]),
        )
        for code, r in RATES.items()
    ]


def claims(
    candidates: list[tuple[int, str, int, int, str | None]],
    industry_ids: dict[str, int],
    officer: int,
    finance: int,
    *,
    scheme: int = 1,
    after: tuple[int, int, int, int] = (0, 0, 0, 0),
):
    """``candidates``: (household, industry code, base, link, bank card) of linked households; ``scheme``:
    the county's scheme; ``after``: the last claim, voucher, batch and line ids taken by the counties loaded
    before (voucher numbers follow the voucher's id, so they stay distinct across the counties' schemes).

    Returns claim, voucher, payment batch and payment line rows."""
    first_claim, first_voucher, first_batch, first_line = after
    claim_rows: list[tuple[Any, ...]] = []
    vouchers: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    paid_batch, sent_batch = first_batch + 1, first_batch + 2
    for j, (household, industry, base, link, bank_card) in enumerate(candidates[:CLAIMS]):
        claim_id = first_claim + j + 1
        stage = STAGES[j % 10]
        declared = Decimal(2 + j % 15) + Decimal("0.5")
        verified = None if stage == "filed" else max(Decimal("0.5"), declared - Decimal("0.5") * (j % 3))
        status = {"filed": "filed", "verified": "verified", "rejected": "rejected"}.get(stage, "approved")
        amount = None
        if status == "approved" and verified is not None:
            calc = cap_for_household(
                calculate(RATES[industry], verified, verified=True), HOUSEHOLD_CAP, Decimal("0.00")
            )
            if calc.amount > 0:
                amount, lines_ = calc.amount, list(calc.lines)
            else:
                status = "rejected"
        reject_reason = "核实面积不足起补标准" if status == "rejected" else None
        claim_rows.append(
            (
                claim_id,
                scheme,
                household,
                industry_ids[industry],
                base,
                link,
                declared,
                verified,
                None if verified is None else "乡镇核查组",
                None if verified is None else date(2017, 8, 15),
                None,
                None if verified is None else officer,
                status,
                reject_reason,
                officer,
                _at(date(2017, 5, 20)),
                finance if status in ("approved", "rejected") else None,
                _at(date(2017, 10, 20)) if status in ("approved", "rejected") else None,
            )
        )
        if amount is None:
            continue
        voucher_id = first_voucher + len(vouchers) + 1
        v_status = stage if bank_card else "issued"
        batch = {"in_payment": sent_batch, "paid": paid_batch}.get(v_status)
        vouchers.append(
            (
                voucher_id,
                voucher_number(2017, voucher_id),
                scheme,
                claim_id,
                household,
                verified,
                amount,
                json.dumps(lines_, ensure_ascii=False),
                v_status,
                finance,
                _at(date(2017, 10, 20)),
                batch,
                date(2017, 11, 15) if v_status == "paid" else None,
                f"NX2017{voucher_id:06d}" if v_status == "paid" else None,
            )
        )
        if batch is not None:
            lines.append(
                (
                    first_line + len(lines) + 1,
                    batch,
                    voucher_id,
                    "",
                    bank_card,
                    amount,
                    "paid" if v_status == "paid" else "pending",
                    f"NX2017{voucher_id:06d}" if v_status == "paid" else None,
                    _at(date(2017, 11, 15)) if v_status == "paid" else None,
                )
            )
    batches = []
    for batch_id, status, created, reconciled in (
        (paid_batch, "reconciled", date(2017, 11, 1), date(2017, 11, 15)),
        (sent_batch, "sent", date(2017, 12, 1), None),
    ):
        mine = [ln for ln in lines if ln[1] == batch_id]
        batches.append(
            (
                batch_id,
                scheme,
                status,
                len(mine),
                sum((ln[5] for ln in mine), Decimal("0.00")),
                finance,
                _at(created),
                None if reconciled is None else _at(reconciled),
            )
        )
    return claim_rows, vouchers, batches, lines


CLAIM_COLUMNS = (
    "id",
    "scheme",
    "household",
    "industry",
    "base",
    "link",
    "declared_quantity",
    "verified_quantity",
    "inspector",
    "verified_on",
    "verification_note",
    "verified_by",
    "status",
    "reject_reason",
    "filed_by",
    "filed_at",
    "decided_by",
    "decided_at",
)
VOUCHER_COLUMNS = (
    "id",
    "number",
    "scheme",
    "claim",
    "household",
    "quantity",
    "amount",
    "explanation",
    "status",
    "approved_by",
    "approved_at",
    "payment_batch",
    "paid_on",
    "bank_reference",
)
BATCH_COLUMNS = ("id", "scheme", "status", "vouchers", "total", "created_by", "created_at", "reconciled_at")
LINE_COLUMNS = ("id", "batch", "voucher", "payee", "bank_card", "amount", "result", "bank_reference", "resolved_at")
