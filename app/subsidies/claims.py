"""Claims: filed and field-verified by town officers, decided by finance within budget and caps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec

from app import audit
from app.core.errors import Conflict, DomainError, Forbidden, NotFound, Refused
from app.core.principal import Principal, Role, ensure_town_scope
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page
from app.registry.access import load_household
from app.subsidies.rules import Calculation, calculate, cap_for_household, is_eligible
from app.subsidies.schemas import (
    Cancellation,
    ClaimCreate,
    ClaimDetail,
    ClaimOut,
    Rejection,
    Verification,
    VoucherOut,
)
from app.subsidies.schemes import lock_scheme, rate_from_row
from app.subsidies.vouchers import get_voucher, get_voucher_by_claim, voucher_number

_CLAIM = """
SELECT c.*, c.scheme AS scheme_id, c.household AS household_id, h.registry_no, v.town AS town_id,
       i.code AS industry, c.base AS base_id, c.link AS link_id
FROM subsidy_claim c
JOIN household h ON h.id = c.household
JOIN village v ON v.id = h.village
JOIN industry i ON i.id = c.industry
"""


def _claim(row: Any) -> ClaimOut:
    return to_struct(ClaimOut, row)


async def _approved_for_household(scheme_id: int, household_id: int, *, excluding_claim: int | None = None) -> Decimal:
    row = await fetchrow(
        "SELECT coalesce(sum(amount), 0) AS n FROM voucher WHERE scheme = $1 AND household = $2"
        " AND status <> 'cancelled' AND ($3::int IS NULL OR claim <> $3)",
        scheme_id, household_id, excluding_claim,
    )
    return Decimal(row["n"])


async def _rate_for(scheme_id: int, industry_code: str) -> Any:
    return await fetchrow(
        "SELECT r.* FROM scheme_rate r JOIN industry i ON i.id = r.industry WHERE r.scheme = $1 AND i.code = $2",
        scheme_id, industry_code,
    )


async def _calculation(claim: Any, scheme: Any) -> Calculation:
    rate = await _rate_for(claim["scheme_id"], claim["industry"])
    verified = claim["verified_quantity"] is not None
    quantity = claim["verified_quantity"] if verified else claim["declared_quantity"]
    calc = calculate(rate_from_row(claim["industry"], rate), quantity, verified=verified)
    already = await _approved_for_household(claim["scheme_id"], claim["household_id"], excluding_claim=claim["id"])
    return cap_for_household(calc, scheme["household_cap"], already)


async def file_claim(actor: Principal, data: ClaimCreate) -> ClaimDetail:
    async with transaction():
        scheme = await fetchrow("SELECT * FROM subsidy_scheme WHERE id = $1", data.scheme_id)
        if scheme is None:
            raise Refused(f"subsidy scheme {data.scheme_id} does not exist", extra={"field": "scheme_id"})
        if scheme["status"] != "published":
            raise Conflict(f"the scheme is {scheme['status']}; claims are filed in a published scheme")
        household = await _household_for_claim(actor, data.household_id)
        ok, reason = is_eligible(household["status"], scheme["year"], household["exited_year"],
                                 scheme["exited_eligible_until"])
        if not ok:
            raise Refused(reason, extra={"field": "household_id"})
        rate = await _rate_for(data.scheme_id, data.industry)
        if rate is None:
            raise Refused(f"the scheme pays nothing for {data.industry}", extra={"field": "industry"})
        await _check_base_and_link(data)
        existing = await fetchrow(
            "SELECT c.id FROM subsidy_claim c JOIN industry i ON i.id = c.industry"
            " WHERE c.scheme = $1 AND c.household = $2 AND i.code = $3",
            data.scheme_id, data.household_id, data.industry,
        )
        if existing:
            raise Conflict(f"claim {existing['id']} already covers this household and industry in the scheme",
                           extra={"existing_claim_id": existing["id"]})
        row = await fetchrow(
            "INSERT INTO subsidy_claim (scheme, household, industry, base, link, declared_quantity, status, filed_by,"
            " filed_at) VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, now()) RETURNING id",
            data.scheme_id, data.household_id, rate["industry"], data.base_id, data.link_id,
            data.declared_quantity, actor.account_id,
        )
        claim = await claim_detail(actor, row["id"])
        await audit.record(actor, "file", "subsidy_claim", claim.id, after=_claim_view(claim))
    return claim


async def _household_for_claim(actor: Principal, household_id: int) -> Any:
    try:
        return await load_household(actor, household_id)
    except NotFound:
        raise Refused(f"household {household_id} does not exist", extra={"field": "household_id"}) from None


async def _check_base_and_link(data: ClaimCreate) -> None:
    if data.link_id is not None:
        link = await fetchrow("SELECT household, base FROM link WHERE id = $1", data.link_id)
        if link is None or link["household"] != data.household_id:
            raise Refused("the link does not belong to this household", extra={"field": "link_id"})
        if data.base_id is not None and link["base"] != data.base_id:
            raise Refused("the link is not on this base", extra={"field": "base_id"})
    if data.base_id is not None:
        base = await fetchrow(
            "SELECT i.code FROM base b JOIN industry i ON i.id = b.industry WHERE b.id = $1", data.base_id
        )
        if base is None:
            raise Refused(f"base {data.base_id} does not exist", extra={"field": "base_id"})
        if base["code"] != data.industry:
            raise Refused(f"base {data.base_id} is a {base['code']} base", extra={"field": "base_id"})


async def _load_claim(actor: Principal, claim_id: int, *, lock: bool = False) -> Any:
    row = await fetchrow(_CLAIM + " WHERE c.id = $1" + (" FOR UPDATE OF c" if lock else ""), claim_id)
    if row is None:
        raise NotFound(f"subsidy claim {claim_id} does not exist")
    ensure_town_scope(actor, row["town_id"])
    if actor.role is Role.operator:
        raise Forbidden("operators do not read subsidy claims")
    return row


async def claim_detail(actor: Principal, claim_id: int) -> ClaimDetail:
    row = await _load_claim(actor, claim_id)
    voucher = await get_voucher_by_claim(claim_id)
    if voucher is not None:
        amount, lines = voucher.amount, voucher.explanation
    else:
        scheme = await fetchrow("SELECT * FROM subsidy_scheme WHERE id = $1", row["scheme_id"])
        calc = await _calculation(row, scheme)
        amount, lines = calc.amount, list(calc.lines)
        if row["status"] == "rejected":
            lines.append(f"rejected: {row['reject_reason']}")
    return to_struct(ClaimDetail, {**dict(row), "amount": amount, "explanation": lines,
                                   "voucher": None if voucher is None else msgspec.structs.asdict(voucher)})


def _claim_view(c: ClaimOut) -> dict[str, Any]:
    return {
        "status": c.status.value, "declared_quantity": c.declared_quantity, "verified_quantity": c.verified_quantity,
        "inspector": c.inspector, "verified_on": c.verified_on, "reject_reason": c.reject_reason,
    }


def list_query(actor: Principal, *, scheme_id: int | None, status: str | None, town_id: int | None,
               industry: str | None, household_id: int | None) -> tuple[str, list[Any]]:
    """The claims a caller may read under the filters (for lists and exports)."""
    if actor.role is Role.town_officer:
        town_id = actor.town_id
    return (
        _CLAIM + " WHERE ($1::int IS NULL OR c.scheme = $1) AND ($2::text IS NULL OR c.status = $2)"
        " AND ($3::int IS NULL OR v.town = $3) AND ($4::text IS NULL OR i.code = $4)"
        " AND ($5::int IS NULL OR c.household = $5)",
        [scheme_id, status, town_id, industry, household_id],
    )


async def list_claims(actor: Principal, page: PageParams, **filters: Any) -> Page[ClaimOut]:
    return await fetch_page(*list_query(actor, **filters), page, "id", _claim)


async def verify_claim(actor: Principal, claim_id: int, data: Verification) -> ClaimDetail:
    async with transaction():
        row = await _load_claim(actor, claim_id, lock=True)
        if row["status"] != "filed":
            raise Conflict(f"the claim is {row['status']}; only a filed claim is field-verified")
        await fetch(
            "UPDATE subsidy_claim SET verified_quantity = $2, inspector = $3, verified_on = $4,"
            " verification_note = $5, verified_by = $6, status = 'verified' WHERE id = $1",
            claim_id, data.verified_quantity, data.inspector, data.verified_on, data.note, actor.account_id,
        )
        after = await claim_detail(actor, claim_id)
        await audit.record(actor, "verify", "subsidy_claim", claim_id, before=_claim_view(_claim(row)),
                           after=_claim_view(after))
    return after


def _ensure_independent(actor: Principal, claim: Any) -> None:
    """Four eyes: whoever filed or verified a claim does not decide it."""
    if actor.account_id is not None and actor.account_id in (claim["filed_by"], claim["verified_by"]):
        raise Forbidden("the account that filed or verified a claim cannot decide it")


async def approve_claim(actor: Principal, claim_id: int) -> VoucherOut:
    async with transaction():
        found = await fetchrow("SELECT scheme FROM subsidy_claim WHERE id = $1", claim_id)
        if found is None:
            raise NotFound(f"subsidy claim {claim_id} does not exist")
        # one approval at a time per scheme: the budget and the household caps are read and spent under this lock
        scheme = await lock_scheme(found["scheme"])
        claim = await _load_claim(actor, claim_id, lock=True)
        if scheme["status"] != "published":
            raise Conflict(f"the scheme is {scheme['status']}; approvals happen in a published scheme")
        if claim["status"] != "verified":
            raise Conflict(f"the claim is {claim['status']}; only a field-verified claim is approved")
        _ensure_independent(actor, claim)
        household = await fetchrow("SELECT status, exited_year FROM household WHERE id = $1", claim["household_id"])
        ok, reason = is_eligible(household["status"], scheme["year"], household["exited_year"],
                                 scheme["exited_eligible_until"])
        if not ok:
            raise Conflict(f"the household is no longer eligible: {reason}")
        calc = await _calculation(claim, scheme)
        if calc.amount <= 0:
            raise Conflict(f"the claim would get 0.00 ({calc.lines[-1]}); reject it instead",
                           extra={"explanation": list(calc.lines)})
        spent = (await fetchrow(
            "SELECT coalesce(sum(amount), 0) AS n FROM voucher WHERE scheme = $1 AND status <> 'cancelled'",
            scheme["id"],
        ))["n"]
        left = scheme["budget"] - spent
        if calc.amount > left:
            raise Conflict(f"the budget has {left:.2f} left; the claim needs {calc.amount:.2f}",
                           extra={"budget_left": f"{left:.2f}"})
        seq = (await fetchrow(
            "UPDATE subsidy_scheme SET voucher_seq = voucher_seq + 1 WHERE id = $1 RETURNING voucher_seq", scheme["id"]
        ))["voucher_seq"]
        number = voucher_number(scheme["year"], seq)
        quantity = claim["verified_quantity"]
        await fetch(
            "INSERT INTO voucher (number, scheme, claim, household, quantity, amount, explanation, status, approved_by,"
            " approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'issued', $8, now())",
            number, scheme["id"], claim_id, claim["household_id"], quantity, calc.amount,
            json.dumps(list(calc.lines), ensure_ascii=False), actor.account_id,
        )
        await fetch(
            "UPDATE subsidy_claim SET status = 'approved', decided_by = $2, decided_at = now() WHERE id = $1",
            claim_id, actor.account_id,
        )
        voucher = await get_voucher_by_claim(claim_id)
        await audit.record(actor, "approve", "subsidy_claim", claim_id, before={"status": "verified"},
                           after={"status": "approved", "voucher": number, "amount": calc.amount,
                                  "explanation": list(calc.lines)})
    return voucher


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    """One claim of a bulk approval: its voucher, or the refusal that stopped it."""

    claim_id: int
    voucher: VoucherOut | None = None
    refusal: DomainError | None = None


async def approve_many(actor: Principal, claim_ids: list[int]) -> list[ClaimDecision]:
    """Each claim in its own transaction: one refusal does not undo the others."""
    decisions = []
    for claim_id in claim_ids:
        try:
            voucher = await approve_claim(actor, claim_id)
        except DomainError as refusal:
            decisions.append(ClaimDecision(claim_id, refusal=refusal))
        else:
            decisions.append(ClaimDecision(claim_id, voucher=voucher))
    return decisions


async def reject_claim(actor: Principal, claim_id: int, data: Rejection) -> ClaimDetail:
    async with transaction():
        claim = await _load_claim(actor, claim_id, lock=True)
        if claim["status"] not in ("filed", "verified"):
            raise Conflict(f"the claim is {claim['status']}; only an undecided claim is rejected")
        _ensure_independent(actor, claim)
        await fetch(
            "UPDATE subsidy_claim SET status = 'rejected', reject_reason = $2, decided_by = $3, decided_at = now()"
            " WHERE id = $1",
            claim_id, data.reason, actor.account_id,
        )
        after = await claim_detail(actor, claim_id)
        await audit.record(actor, "reject", "subsidy_claim", claim_id, before=_claim_view(_claim(claim)),
                           after=_claim_view(after))
    return after


async def cancel_voucher(actor: Principal, number: str, data: Cancellation) -> VoucherOut:
    """Undo an approval that was a mistake: the voucher is cancelled (kept), the claim awaits a new decision."""
    async with transaction():
        voucher = await fetchrow("SELECT * FROM voucher WHERE number = $1", number.upper())
        if voucher is None:
            raise NotFound(f"voucher {number} does not exist")
        await lock_scheme(voucher["scheme"])
        voucher = await fetchrow("SELECT * FROM voucher WHERE id = $1 FOR UPDATE", voucher["id"])
        if voucher["status"] != "issued":
            raise Conflict(f"voucher {number} is {voucher['status']}; only an issued voucher not sent for payment"
                           " can be cancelled")
        await fetch(
            "UPDATE voucher SET status = 'cancelled', cancelled_by = $2, cancelled_at = now(), cancel_reason = $3"
            " WHERE id = $1",
            voucher["id"], actor.account_id, data.reason,
        )
        await fetch(
            "UPDATE subsidy_claim SET status = 'verified', decided_by = NULL, decided_at = NULL WHERE id = $1",
            voucher["claim"],
        )
        out = await get_voucher(voucher["number"])
        await audit.record(actor, "cancel", "voucher", voucher["number"],
                           before={"status": "issued", "amount": voucher["amount"]},
                           after={"status": "cancelled", "reason": data.reason, "at": datetime.now(UTC)})
    return out
