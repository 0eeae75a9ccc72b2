"""The subsidies app's SQL: schemes and their rates, claims, vouchers and payment batches.

Every function takes the connection or unit of work it runs on; none opens a transaction.
Filters are parameters (``$n IS NULL OR ...``), never text spliced into the statement.
Writes touch only this app's tables; reads join the household, village, town, industry,
member and account tables where one set-based statement needs them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

from app.core.counties import county_clause
from app.core.money import round_fen
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db, stream_rows
from app.subsidies.rules import Rate, Tier
from app.subsidies.schemas import ClaimOut, PaymentBatchOut, SchemeOut, VoucherOut

T = TypeVar("T")


def _as(struct_type: type[T], row: Mapping[str, Any]) -> T:
    return msgspec.convert(dict(row), struct_type)


def _rate(industry: str, unit: str, min_quantity: Decimal, cap: Decimal | None, tiers: Any) -> Rate:
    """A stored rate as the calculator's ``Rate`` (Decimals throughout; tiers are stored as text)."""
    steps = json.loads(tiers) if isinstance(tiers, str) else tiers
    return Rate(
        industry=industry,
        unit=unit,
        min_quantity=min_quantity,
        cap=cap,
        tiers=tuple(Tier(None if t["up_to"] is None else Decimal(t["up_to"]), Decimal(t["rate"])) for t in steps),
    )


def tiers_json(tiers: tuple[Tier, ...]) -> str:
    """Tiers as stored: amounts as strings, so no float ever comes near them."""
    return json.dumps([{"up_to": None if t.up_to is None else str(t.up_to), "rate": str(t.rate)} for t in tiers])


# ---------------------------------------------------------------------------------------------
# Schemes and rates
# ---------------------------------------------------------------------------------------------

_SCHEME = """
SELECT s.id, s.county_id, s.county_code, s.year, s.name, s.budget, s.household_cap, s.exited_eligible_until, s.notice_days, s.status, s.created_at,
       s.published_at, s.closed_at,
       coalesce((SELECT sum(v.amount) FROM voucher v WHERE v.scheme = s.id AND v.status <> 'cancelled'), 0) AS approved,
       coalesce((SELECT json_agg(json_build_object('industry', i.code, 'unit', r.unit, 'min_quantity', r.min_quantity,
                                                   'cap', r.cap, 'tiers', r.tiers) ORDER BY i.code)
                 FROM scheme_rate r JOIN industry i ON i.id = r.industry WHERE r.scheme = s.id), '[]') AS rates
FROM subsidy_scheme s
"""


class SchemeFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What decisions in a scheme are checked against."""

    id: int
    county_code: str
    year: int
    status: str
    budget: Decimal
    household_cap: Decimal | None
    exited_eligible_until: int | None
    notice_days: int


class NewScheme(msgspec.Struct, frozen=True, kw_only=True):
    county_id: int
    year: int
    name: str
    budget: Decimal
    household_cap: Decimal | None
    exited_eligible_until: int | None
    notice_days: int = 0


class NewRate(msgspec.Struct, frozen=True, kw_only=True):
    industry_id: int
    unit: str
    min_quantity: Decimal
    cap: Decimal | None
    tiers: tuple[Tier, ...]


class StoredRate(msgspec.Struct, frozen=True, kw_only=True):
    industry_id: int
    rate: Rate


def _scheme(row: Mapping[str, Any]) -> SchemeOut:
    approved = round_fen(row["approved"])
    # numbers inside json_agg come back as JSON numbers: read them as Decimals, never floats
    rates = json.loads(row["rates"], parse_float=Decimal, parse_int=Decimal)
    return _as(SchemeOut, {**dict(row), "approved": approved, "left": row["budget"] - approved, "rates": rates})


async def scheme_by_id(db: Db, scheme_id: int) -> SchemeOut | None:
    row = await db.fetchrow(_SCHEME + " WHERE s.id = $1", scheme_id)
    return None if row is None else _scheme(row)


async def scheme_page(
    db: Db, page: PageParams, *, year: int | None, status: str | None, region: str | None = None
) -> Page[SchemeOut]:
    args: list[Any] = [year, status]
    return await fetch_page(
        _SCHEME
        + " WHERE ($1::int IS NULL OR s.year = $1) AND ($2::text IS NULL OR s.status = $2)"
        + county_clause("s.county_code", region, args),
        args,
        page,
        "id",
        _scheme,
        db=db,
    )


async def scheme_facts(db: Db, scheme_id: int, *, lock: bool = False) -> SchemeFacts | None:
    """``lock`` holds the scheme row: approvals in one scheme take their turn there (budget and caps)."""
    sql = (
        "SELECT id, county_code, year, status, budget, household_cap, exited_eligible_until, notice_days"
        " FROM subsidy_scheme"
        " WHERE id = $1"
    )
    row = await db.fetchrow(sql + " FOR UPDATE" if lock else sql, scheme_id)
    return None if row is None else _as(SchemeFacts, row)


async def scheme_name_taken(db: Db, county_id: int, year: int, name: str) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM subsidy_scheme WHERE county_id = $1 AND year = $2 AND name = $3)",
            county_id,
            year,
            name,
        )
    )


async def insert_scheme(db: Db, new: NewScheme) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO subsidy_scheme (county_id, year, name, budget, household_cap, exited_eligible_until, status,"
            " created_at, notice_days) VALUES ($6, $1, $2, $3, $4, $5, 'draft', now(), $7) RETURNING id",
            new.year,
            new.name,
            new.budget,
            new.household_cap,
            new.exited_eligible_until,
            new.county_id,
            new.notice_days,
        )
    )


async def industry_ids(db: Db, codes: list[str]) -> dict[str, int]:
    rows = await db.fetch("SELECT id, code FROM industry WHERE code = ANY ($1::text[])", codes)
    return {r["code"]: r["id"] for r in rows}


async def replace_rates(db: Db, scheme_id: int, rates: list[NewRate]) -> None:
    await db.execute("DELETE FROM scheme_rate WHERE scheme = $1", scheme_id)
    await db.execute(
        "INSERT INTO scheme_rate (scheme, industry, unit, min_quantity, cap, tiers)"
        " SELECT $1, i, u, m, c, t::jsonb FROM unnest($2::int[], $3::text[], $4::numeric[], $5::numeric[], $6::text[])"
        " AS s(i, u, m, c, t)",
        scheme_id,
        [r.industry_id for r in rates],
        [r.unit for r in rates],
        [r.min_quantity for r in rates],
        [r.cap for r in rates],
        [tiers_json(r.tiers) for r in rates],
    )


async def has_rates(db: Db, scheme_id: int) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM scheme_rate WHERE scheme = $1)", scheme_id))


async def set_scheme_status(db: Db, scheme_id: int, status: str) -> None:
    """Move the scheme on, stamping when it was published or closed."""
    await db.execute(
        "UPDATE subsidy_scheme SET status = $2::text,"
        " published_at = CASE WHEN $2::text = 'published' THEN now() ELSE published_at END,"
        " closed_at = CASE WHEN $2::text = 'closed' THEN now() ELSE closed_at END"
        " WHERE id = $1",
        scheme_id,
        status,
    )


async def next_voucher_seq(db: Db, scheme_id: int) -> int:
    """The next voucher number of the scheme's year: numbers (BT2017-000123) are unique across the whole
    database, so schemes of one year share one sequence. Approvals of one year's schemes wait for each other
    on a transaction lock here; each scheme keeps the year's last number it issued."""
    year = await db.fetchval("SELECT year FROM subsidy_scheme WHERE id = $1", scheme_id)
    await db.execute("SELECT pg_advisory_xact_lock(hashtext('voucher_seq'), $1)", year)
    return int(
        await db.fetchval(
            "UPDATE subsidy_scheme SET voucher_seq ="
            " (SELECT max(voucher_seq) FROM subsidy_scheme WHERE year = $2) + 1"
            " WHERE id = $1 RETURNING voucher_seq",
            scheme_id,
            year,
        )
    )


async def rate_for(db: Db, scheme_id: int, industry: str) -> StoredRate | None:
    row = await db.fetchrow(
        "SELECT r.industry, r.unit, r.min_quantity, r.cap, r.tiers FROM scheme_rate r"
        " JOIN industry i ON i.id = r.industry WHERE r.scheme = $1 AND i.code = $2",
        scheme_id,
        industry,
    )
    if row is None:
        return None
    return StoredRate(
        industry_id=row["industry"], rate=_rate(industry, row["unit"], row["min_quantity"], row["cap"], row["tiers"])
    )


class PreviewRow(msgspec.Struct, frozen=True, kw_only=True):
    """A claim as the preview explains it: its voucher (amount and lines), or its rate and the household's
    approved sum for the calculator."""

    claim_id: int
    household_id: int
    town_id: int
    industry: str
    status: str
    verified_quantity: Decimal | None
    declared_quantity: Decimal
    voucher_amount: Decimal | None
    voucher_explanation: list[str] | None
    household_approved: Decimal
    rate: Rate


# The SQL twin of the calculator (rules.calculate, cap_for_household and payable_quantity), set-based:
# each claim meets the one tier its quantity q falls in (lower <= q < upper, or the last tier), and pays
# what the tiers below it pay in full (base) plus its own rate on the part of q in that tier (up to the
# tier's upper limit when the last tier is bounded); nothing below the threshold; the sum rounded to the
# fen once (round() on a numeric is half away from zero, the same as half-up on amounts that are never
# negative), then the rate's cap, then what is left of the household's cap after its live vouchers.
# least() ignores a NULL cap (no cap); greatest() would ignore one too, hence the CASE. A claim with a
# live voucher is priced at the voucher's amount. tests/api/test_rule_twins.py holds the two together.
_PRICED = """
WITH bound AS (
    SELECT r.industry, r.min_quantity, r.cap, t.n, t.n = jsonb_array_length(r.tiers) AS last,
           (t.e->>'rate')::numeric AS rate, (t.e->>'up_to')::numeric AS upper,
           coalesce(lag((t.e->>'up_to')::numeric) OVER (PARTITION BY r.industry ORDER BY t.n), 0) AS lower
    FROM scheme_rate r CROSS JOIN LATERAL jsonb_array_elements(r.tiers) WITH ORDINALITY AS t(e, n)
    WHERE r.scheme = $1
), tier AS (
    SELECT industry, min_quantity, cap, last, rate, upper, lower,
           coalesce(sum((upper - lower) * rate) OVER (PARTITION BY industry ORDER BY n
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base
    FROM bound
), approved AS (
    SELECT household, sum(amount) AS amount FROM voucher
    WHERE scheme = $1 AND status <> 'cancelled' GROUP BY household
), claim AS (
    SELECT id, household, industry, least(declared_quantity, coalesce(verified_quantity, declared_quantity)) AS q
    FROM subsidy_claim WHERE scheme = $1 AND status <> 'rejected'
), priced AS (
    SELECT c.id, c.household, c.industry, vo.amount AS approved,
           CASE WHEN vo.amount IS NULL THEN
               least(
                   CASE WHEN c.q < t.min_quantity THEN 0.00
                        ELSE least(round(t.base + (least(c.q, coalesce(t.upper, c.q)) - t.lower) * t.rate, 2), t.cap)
                   END,
                   CASE WHEN $2::numeric IS NOT NULL THEN greatest($2::numeric - coalesce(a.amount, 0.00), 0.00) END)
           END AS pending
    FROM claim c
    JOIN tier t ON t.industry = c.industry AND c.q >= t.lower AND (t.last OR c.q < t.upper)
    LEFT JOIN voucher vo ON vo.claim = c.id AND vo.status <> 'cancelled'
    LEFT JOIN approved a ON a.household = c.household
)
"""

_PREVIEW_TOTALS = (
    _PRICED
    + """
SELECT grouping(i.code) = 0 AS by_industry, grouping(t.name) = 0 AS by_town, i.code AS industry, t.name AS town,
       count(*) AS claims, coalesce(sum(p.approved), 0.00) AS approved, coalesce(sum(p.pending), 0.00) AS pending
FROM priced p
JOIN industry i ON i.id = p.industry
JOIN household h ON h.id = p.household
JOIN village v ON v.id = h.village
JOIN town t ON t.id = v.town
GROUP BY GROUPING SETS ((), (i.code), (t.name))
"""
)


class PreviewSum(msgspec.Struct, frozen=True, kw_only=True):
    claims: int
    approved: Decimal
    pending: Decimal


class PreviewTotals(msgspec.Struct, frozen=True, kw_only=True):
    """A scheme's preview in sums: all its claims, by industry code and by town name."""

    all: PreviewSum
    by_industry: dict[str, PreviewSum]
    by_town: dict[str, PreviewSum]


async def preview_totals(db: Db, scheme_id: int, household_cap: Decimal | None) -> PreviewTotals:
    """Every claim of the scheme not rejected priced in SQL and summed, overall, by industry and by town:
    one statement, whatever the number of claims."""
    everything = PreviewSum(claims=0, approved=Decimal("0.00"), pending=Decimal("0.00"))
    by_industry: dict[str, PreviewSum] = {}
    by_town: dict[str, PreviewSum] = {}
    for r in await db.fetch(_PREVIEW_TOTALS, scheme_id, household_cap):
        s = PreviewSum(claims=r["claims"], approved=r["approved"], pending=r["pending"])
        if r["by_industry"]:
            by_industry[r["industry"]] = s
        elif r["by_town"]:
            by_town[r["town"]] = s
        else:
            everything = s
    return PreviewTotals(all=everything, by_industry=by_industry, by_town=by_town)


async def priced_claims(db: Db, scheme_id: int, household_cap: Decimal | None) -> dict[int, Decimal]:
    """Each claim's amount as the preview's totals price it (the SQL twin of the calculator), by claim id."""
    rows = await db.fetch(
        _PRICED + " SELECT id, coalesce(approved, pending) AS amount FROM priced", scheme_id, household_cap
    )
    return {r["id"]: r["amount"] for r in rows}


_PREVIEW_PAGE = """
SELECT c.id AS claim_id, c.household AS household_id, v.town AS town_id,
       i.code AS industry, c.status, c.verified_quantity, c.declared_quantity,
       vo.amount AS voucher_amount, vo.explanation AS voucher_explanation,
       (SELECT coalesce(sum(a.amount), 0) FROM voucher a
        WHERE a.scheme = c.scheme AND a.household = c.household AND a.status <> 'cancelled') AS household_approved,
       r.unit, r.min_quantity, r.cap, r.tiers
FROM subsidy_claim c
JOIN household h ON h.id = c.household
JOIN village v ON v.id = h.village
JOIN industry i ON i.id = c.industry
JOIN scheme_rate r ON r.scheme = c.scheme AND r.industry = c.industry
LEFT JOIN voucher vo ON vo.claim = c.id AND vo.status <> 'cancelled'
WHERE c.scheme = $1 AND c.status <> 'rejected'
ORDER BY c.id
LIMIT $2 OFFSET $3
"""


async def preview_page(db: Db, scheme_id: int, page: PageParams) -> list[PreviewRow]:
    """One page of the scheme's claims not rejected (in claim order), with what explaining them needs."""
    rates: dict[str, Rate] = {}  # one rate per industry in a scheme: read each once
    out = []
    for r in await db.fetch(_PREVIEW_PAGE, scheme_id, page.limit, page.offset):
        rate = rates.get(r["industry"]) or rates.setdefault(
            r["industry"], _rate(r["industry"], r["unit"], r["min_quantity"], r["cap"], r["tiers"])
        )
        explanation = r["voucher_explanation"]
        out.append(
            PreviewRow(
                claim_id=r["claim_id"],
                household_id=r["household_id"],
                town_id=r["town_id"],
                industry=r["industry"],
                status=r["status"],
                verified_quantity=r["verified_quantity"],
                declared_quantity=r["declared_quantity"],
                voucher_amount=r["voucher_amount"],
                voucher_explanation=None if explanation is None else json.loads(explanation),
                household_approved=r["household_approved"],
                rate=rate,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------

_CLAIM = """
SELECT c.id, c.scheme AS scheme_id, c.household AS household_id, h.registry_no, v.town AS town_id,
       i.code AS industry, c.base AS base_id, c.link AS link_id, c.declared_quantity, c.verified_quantity,
       c.inspector, c.verified_on, c.verification_note, c.status, c.reject_reason, c.filed_by, c.verified_by,
       c.decided_by, c.filed_at, c.decided_at, c.county_code
FROM subsidy_claim c
JOIN household h ON h.id = c.household
JOIN village v ON v.id = h.village
JOIN industry i ON i.id = c.industry
"""


class ClaimQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which claims a list or an export reads (the caller's scope already applied)."""

    scheme_id: int | None = None
    status: str | None = None
    town_id: int | None = None
    industry: str | None = None
    household_id: int | None = None
    region: str | None = None  # the caller's region: a county prefix


_CLAIM_LIST = (
    _CLAIM + " WHERE ($1::int IS NULL OR c.scheme = $1) AND ($2::text IS NULL OR c.status = $2)"
    " AND ($3::int IS NULL OR v.town = $3) AND ($4::text IS NULL OR i.code = $4)"
    " AND ($5::int IS NULL OR c.household = $5)"
)


def _claim_list(q: ClaimQuery) -> tuple[str, list[Any]]:
    args: list[Any] = [q.scheme_id, q.status, q.town_id, q.industry, q.household_id]
    return _CLAIM_LIST + county_clause("c.county_code", q.region, args), args


def _claim(row: Mapping[str, Any]) -> ClaimOut:
    return _as(ClaimOut, row)


class PlacedClaim(msgspec.Struct, frozen=True, kw_only=True):
    """A claim with its county (what a scope check reads)."""

    claim: ClaimOut
    county_code: str


async def claim_by_id(db: Db, claim_id: int, *, lock: bool = False) -> PlacedClaim | None:
    sql = _CLAIM + " WHERE c.id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE OF c" if lock else sql, claim_id)
    return None if row is None else PlacedClaim(claim=_claim(row), county_code=row["county_code"])


async def claim_page(db: Db, q: ClaimQuery, page: PageParams) -> Page[ClaimOut]:
    sql, args = _claim_list(q)
    return await fetch_page(sql, args, page, "id", _claim, db=db)


async def stream_claims(q: ClaimQuery) -> AsyncIterator[ClaimOut]:
    """Every claim of the query in id order, from a cursor (for exports)."""
    sql, args = _claim_list(q)
    async for row in stream_rows(sql + " ORDER BY c.id", args):
        yield _claim(row)


async def claim_scheme_id(db: Db, claim_id: int) -> int | None:
    return await db.fetchval("SELECT scheme FROM subsidy_claim WHERE id = $1", claim_id)


class LinkPlace(msgspec.Struct, frozen=True, kw_only=True):
    household_id: int
    base_id: int


async def link_place(db: Db, link_id: int) -> LinkPlace | None:
    row = await db.fetchrow("SELECT household AS household_id, base AS base_id FROM link WHERE id = $1", link_id)
    return None if row is None else _as(LinkPlace, row)


async def base_industry(db: Db, base_id: int) -> str | None:
    """The industry code of a base; None when there is no such base."""
    return await db.fetchval("SELECT i.code FROM base b JOIN industry i ON i.id = b.industry WHERE b.id = $1", base_id)


async def claim_covering(db: Db, scheme_id: int, household_id: int, industry: str) -> int | None:
    """The claim already filed for this household and industry in the scheme, if any."""
    return await db.fetchval(
        "SELECT c.id FROM subsidy_claim c JOIN industry i ON i.id = c.industry"
        " WHERE c.scheme = $1 AND c.household = $2 AND i.code = $3",
        scheme_id,
        household_id,
        industry,
    )


class NewClaim(msgspec.Struct, frozen=True, kw_only=True):
    scheme_id: int
    household_id: int
    industry_id: int
    base_id: int | None
    link_id: int | None
    declared_quantity: Decimal
    filed_by: int | None


async def insert_claim(db: Db, new: NewClaim) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO subsidy_claim (scheme, household, industry, base, link, declared_quantity, status, filed_by,"
            " filed_at) VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, now()) RETURNING id",
            new.scheme_id,
            new.household_id,
            new.industry_id,
            new.base_id,
            new.link_id,
            new.declared_quantity,
            new.filed_by,
        )
    )


async def record_verification(
    db: Db,
    claim_id: int,
    quantity: Decimal,
    inspector: str,
    verified_on: date,
    note: str | None,
    verified_by: int | None,
) -> None:
    await db.execute(
        "UPDATE subsidy_claim SET verified_quantity = $2, inspector = $3, verified_on = $4,"
        " verification_note = $5, verified_by = $6, status = 'verified' WHERE id = $1",
        claim_id,
        quantity,
        inspector,
        verified_on,
        note,
        verified_by,
    )


async def mark_claim_approved(db: Db, claim_id: int, decided_by: int | None) -> None:
    await db.execute(
        "UPDATE subsidy_claim SET status = 'approved', decided_by = $2, decided_at = now() WHERE id = $1",
        claim_id,
        decided_by,
    )


async def mark_claim_rejected(db: Db, claim_id: int, reason: str, decided_by: int | None) -> None:
    await db.execute(
        "UPDATE subsidy_claim SET status = 'rejected', reject_reason = $2, decided_by = $3, decided_at = now()"
        " WHERE id = $1",
        claim_id,
        reason,
        decided_by,
    )


async def reopen_claim(db: Db, claim_id: int) -> None:
    """Back to verified, awaiting a new decision (its voucher was cancelled)."""
    await db.execute(
        "UPDATE subsidy_claim SET status = 'verified', decided_by = NULL, decided_at = NULL WHERE id = $1", claim_id
    )


async def approved_for_household(
    db: Db, scheme_id: int, household_id: int, *, excluding_claim: int | None = None
) -> Decimal:
    """The household's live vouchers in the scheme, summed (its cap is spent against this)."""
    return Decimal(
        await db.fetchval(
            "SELECT coalesce(sum(amount), 0) FROM voucher WHERE scheme = $1 AND household = $2"
            " AND status <> 'cancelled' AND ($3::int IS NULL OR claim <> $3)",
            scheme_id,
            household_id,
            excluding_claim,
        )
    )


async def approved_in_scheme(db: Db, scheme_id: int) -> Decimal:
    """The scheme's live vouchers, summed (its budget is spent against this)."""
    return Decimal(
        await db.fetchval(
            "SELECT coalesce(sum(amount), 0) FROM voucher WHERE scheme = $1 AND status <> 'cancelled'", scheme_id
        )
    )


# ---------------------------------------------------------------------------------------------
# Vouchers
# ---------------------------------------------------------------------------------------------

_VOUCHER = """
SELECT vo.number, vo.scheme AS scheme_id, s.year AS scheme_year, s.name AS scheme_name, vo.claim AS claim_id,
       vo.household AS household_id, h.registry_no, hd.name AS payee, t.name AS town_name, vi.name AS village_name,
       i.code AS industry, i.name_zh AS industry_name, r.unit, vo.quantity, vo.amount, vo.explanation, vo.status,
       vo.approved_by, a.name AS approver_name, vo.approved_at, vo.payment_batch AS payment_batch_id, vo.paid_on,
       vo.bank_reference, vo.cancelled_at, vo.cancel_reason, vi.town AS town_id, vo.county_code
FROM voucher vo
JOIN subsidy_scheme s ON s.id = vo.scheme
JOIN subsidy_claim c ON c.id = vo.claim
JOIN industry i ON i.id = c.industry
JOIN scheme_rate r ON r.scheme = vo.scheme AND r.industry = c.industry
JOIN household h ON h.id = vo.household
JOIN village vi ON vi.id = h.village
JOIN town t ON t.id = vi.town
LEFT JOIN member hd ON hd.household = h.id AND hd.relation = 'head' AND hd.left_on IS NULL
LEFT JOIN account a ON a.id = vo.approved_by
"""


class TownVoucher(msgspec.Struct, frozen=True, kw_only=True):
    """A voucher with the town and county of its household, for the reader's scope."""

    voucher: VoucherOut
    town_id: int
    county_code: str


def _voucher(row: Mapping[str, Any]) -> VoucherOut:
    return _as(VoucherOut, {**dict(row), "explanation": json.loads(row["explanation"])})


async def voucher_by_number(db: Db, number: str) -> TownVoucher | None:
    row = await db.fetchrow(_VOUCHER + " WHERE vo.number = $1", number)
    if row is None:
        return None
    return TownVoucher(voucher=_voucher(row), town_id=row["town_id"], county_code=row["county_code"])


async def live_voucher_of_claim(db: Db, claim_id: int) -> VoucherOut | None:
    row = await db.fetchrow(_VOUCHER + " WHERE vo.claim = $1 AND vo.status <> 'cancelled'", claim_id)
    return None if row is None else _voucher(row)


class VoucherFacts(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    number: str
    scheme_id: int
    claim_id: int
    status: str
    amount: Decimal
    county_code: str


_VOUCHER_FACTS = "SELECT id, number, scheme AS scheme_id, claim AS claim_id, status, amount, county_code FROM voucher"


async def voucher_facts_by_number(db: Db, number: str) -> VoucherFacts | None:
    row = await db.fetchrow(_VOUCHER_FACTS + " WHERE number = $1", number)
    return None if row is None else _as(VoucherFacts, row)


async def lock_voucher(db: Db, voucher_id: int) -> VoucherFacts:
    row = await db.fetchrow(_VOUCHER_FACTS + " WHERE id = $1 FOR UPDATE", voucher_id)
    assert row is not None  # vouchers are never deleted
    return _as(VoucherFacts, row)


class NewVoucher(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    scheme_id: int
    claim_id: int
    household_id: int
    quantity: Decimal
    amount: Decimal
    explanation: list[str]
    approved_by: int | None


async def insert_voucher(db: Db, new: NewVoucher) -> None:
    await db.execute(
        "INSERT INTO voucher (number, scheme, claim, household, quantity, amount, explanation, status, approved_by,"
        " approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'issued', $8, now())",
        new.number,
        new.scheme_id,
        new.claim_id,
        new.household_id,
        new.quantity,
        new.amount,
        json.dumps(new.explanation, ensure_ascii=False),
        new.approved_by,
    )


async def cancel_voucher(db: Db, voucher_id: int, cancelled_by: int | None, reason: str) -> None:
    await db.execute(
        "UPDATE voucher SET status = 'cancelled', cancelled_by = $2, cancelled_at = now(), cancel_reason = $3"
        " WHERE id = $1",
        voucher_id,
        cancelled_by,
        reason,
    )


# ---------------------------------------------------------------------------------------------
# Payment batches
# ---------------------------------------------------------------------------------------------

_BATCH = """
SELECT b.id, b.scheme AS scheme_id, b.status, b.vouchers, b.total, b.created_at, b.reconciled_at, b.county_code,
       count(l.id) FILTER (WHERE l.result = 'paid') AS paid,
       count(l.id) FILTER (WHERE l.result = 'failed') AS failed,
       count(l.id) FILTER (WHERE l.result = 'pending') AS pending
FROM payment_batch b LEFT JOIN payment_line l ON l.batch = b.id
"""


def _batch(row: Mapping[str, Any]) -> PaymentBatchOut:
    return _as(PaymentBatchOut, row)


class PlacedBatch(msgspec.Struct, frozen=True, kw_only=True):
    """A payment batch with its county (its scheme's), for the reader's scope."""

    batch: PaymentBatchOut
    county_code: str


async def batch_by_id(db: Db, batch_id: int) -> PlacedBatch | None:
    row = await db.fetchrow(_BATCH + " WHERE b.id = $1 GROUP BY b.id", batch_id)
    return None if row is None else PlacedBatch(batch=_batch(row), county_code=row["county_code"])


async def batch_page(
    db: Db, page: PageParams, scheme_id: int | None, *, newest_first: bool, region: str | None = None
) -> Page[PaymentBatchOut]:
    args: list[Any] = [scheme_id]
    within = county_clause("b.county_code", region, args)
    return await fetch_page(
        _BATCH + " WHERE ($1::int IS NULL OR b.scheme = $1)" + within + " GROUP BY b.id",
        args,
        page,
        "id DESC" if newest_first else "id",
        _batch,
        db=db,
    )


async def issued_without_card(db: Db, scheme_id: int) -> int:
    """Issued vouchers of the scheme a batch cannot take: their household has no bank card."""
    return int(
        await db.fetchval(
            "SELECT count(*) FROM voucher v JOIN household h ON h.id = v.household"
            " WHERE v.scheme = $1 AND v.status = 'issued' AND h.bank_card IS NULL",
            scheme_id,
        )
    )


async def open_payment_batch(db: Db, scheme_id: int, created_by: int | None) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO payment_batch (scheme, status, vouchers, total, created_by, created_at)"
            " VALUES ($1, 'sent', 0, 0, $2, now()) RETURNING id",
            scheme_id,
            created_by,
        )
    )


class BatchFilled(msgspec.Struct, frozen=True, kw_only=True):
    vouchers: int
    total: Decimal


async def fill_payment_batch(db: Db, scheme_id: int, batch_id: int) -> BatchFilled:
    """Every issued voucher of the scheme whose household has a bank card goes into the batch, in one statement."""
    row = await db.fetchrow(
        "WITH picked AS ("
        "  UPDATE voucher v SET status = 'in_payment', payment_batch = $2 FROM household h"
        "  WHERE h.id = v.household AND v.scheme = $1 AND v.status = 'issued' AND h.bank_card IS NOT NULL"
        "  RETURNING v.id, v.household, v.amount, h.bank_card"
        "), inserted AS ("
        "  INSERT INTO payment_line (batch, voucher, payee, bank_card, amount, result)"
        "  SELECT $2, p.id, coalesce(hd.name, ''), p.bank_card, p.amount, 'pending' FROM picked p"
        "  LEFT JOIN member hd ON hd.household = p.household AND hd.relation = 'head' AND hd.left_on IS NULL"
        "  RETURNING amount"
        ") SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM inserted",
        scheme_id,
        batch_id,
    )
    assert row is not None  # an aggregate always answers
    return BatchFilled(vouchers=row["n"], total=row["total"])


async def set_batch_totals(db: Db, batch_id: int, filled: BatchFilled) -> None:
    await db.execute(
        "UPDATE payment_batch SET vouchers = $2, total = $3 WHERE id = $1", batch_id, filled.vouchers, filled.total
    )


class BankFileLine(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    registry_no: str
    payee: str
    bank_card: str
    amount: Decimal


async def bank_file_lines(db: Db, batch_id: int) -> list[BankFileLine]:
    rows = await db.fetch(
        "SELECT v.number, h.registry_no, l.payee, l.bank_card, l.amount FROM payment_line l"
        " JOIN voucher v ON v.id = l.voucher JOIN household h ON h.id = v.household"
        " WHERE l.batch = $1 ORDER BY v.number",
        batch_id,
    )
    return [_as(BankFileLine, r) for r in rows]


class LockedBatch(msgspec.Struct, frozen=True, kw_only=True):
    made_on: date
    """The day it was made (and exported for the bank)."""
    county_code: str


async def lock_batch(db: Db, batch_id: int) -> LockedBatch | None:
    """Hold the batch to the end of the transaction; None when there is no such batch."""
    row = await db.fetchrow(
        "SELECT created_at::date AS made_on, county_code FROM payment_batch WHERE id = $1 FOR UPDATE", batch_id
    )
    return None if row is None else _as(LockedBatch, row)


async def line_results(db: Db, batch_id: int, numbers: list[str]) -> dict[str, str]:
    """voucher number → its line's result (pending, paid, failed), for the named vouchers in the batch."""
    rows = await db.fetch(
        "SELECT v.number, l.result FROM payment_line l JOIN voucher v ON v.id = l.voucher"
        " WHERE l.batch = $1 AND v.number = ANY ($2::text[])",
        batch_id,
        numbers,
    )
    return {r["number"]: r["result"] for r in rows}


class BankAnswer(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    result: str
    bank_reference: str | None
    paid_on: date


async def apply_bank_answers(db: Db, batch_id: int, answers: list[BankAnswer]) -> None:
    """Lines take the bank's result; paid vouchers are paid, failed ones issued again for a later batch."""
    await db.execute(
        "WITH answer AS ("
        "  SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[]) AS a(number, result, ref, paid_on)"
        "), lines AS ("
        "  UPDATE payment_line l SET result = a.result, bank_reference = a.ref, resolved_at = now()"
        "  FROM answer a, voucher v WHERE v.id = l.voucher AND v.number = a.number AND l.batch = $1"
        "  RETURNING l.voucher, a.result, a.ref, a.paid_on"
        ")"
        " UPDATE voucher v SET"
        "  status = CASE WHEN lines.result = 'paid' THEN 'paid' ELSE 'issued' END,"
        "  paid_on = CASE WHEN lines.result = 'paid' THEN lines.paid_on END,"
        "  bank_reference = CASE WHEN lines.result = 'paid' THEN lines.ref END,"
        "  payment_batch = CASE WHEN lines.result = 'paid' THEN v.payment_batch END"
        " FROM lines WHERE v.id = lines.voucher",
        batch_id,
        [a.number for a in answers],
        [a.result for a in answers],
        [a.bank_reference for a in answers],
        [a.paid_on for a in answers],
    )


async def close_batch_if_settled(db: Db, batch_id: int) -> None:
    """A batch with no pending line left is reconciled."""
    await db.execute(
        "UPDATE payment_batch SET status = 'reconciled', reconciled_at = now() WHERE id = $1"
        " AND NOT EXISTS (SELECT 1 FROM payment_line WHERE batch = $1 AND result = 'pending')",
        batch_id,
    )


class NoticeClaim(msgspec.Struct, frozen=True, kw_only=True):
    """A verified claim as its village notice posts it: what it would get if approved now."""

    claim_id: int
    household_id: int
    industry: str
    industry_name: str
    unit: str
    declared_quantity: Decimal
    verified_quantity: Decimal | None
    amount: Decimal


# a scheme's verified (not yet decided) claims of one village ($3), priced by the calculator's SQL twin with
# the scheme's household cap ($2): one statement for the village's whole notice
_NOTICE_CLAIMS = (
    _PRICED
    + """
SELECT p.id AS claim_id, c.household AS household_id, i.code AS industry, i.name_zh AS industry_name, r.unit,
       c.declared_quantity, c.verified_quantity, p.pending AS amount
FROM priced p JOIN subsidy_claim c ON c.id = p.id JOIN household h ON h.id = c.household
JOIN industry i ON i.id = c.industry JOIN scheme_rate r ON r.scheme = $1 AND r.industry = c.industry
WHERE c.status = 'verified' AND h.village = $3 ORDER BY p.id
"""
)


async def verified_claims_in_village(
    db: Db, scheme_id: int, household_cap: Decimal | None, village_id: int
) -> list[NoticeClaim]:
    """A scheme's verified claims of one village's households, in id order, each priced as if approved now."""
    rows = await db.fetch(_NOTICE_CLAIMS, scheme_id, household_cap, village_id)
    return [_as(NoticeClaim, r) for r in rows]
