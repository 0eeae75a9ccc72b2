"""Subsidy schemes: a year's rates and budget, from draft to published to closed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.core.principal import Principal
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page
from app.subsidies.rules import Rate, Tier, calculate, cap_for_household, validate_rate
from app.subsidies.schemas import (
    PreviewLine,
    PreviewTotal,
    RateIn,
    SchemeCreate,
    SchemeOut,
    SchemePreview,
)

_SCHEME = """
SELECT s.*,
       coalesce((SELECT sum(v.amount) FROM voucher v WHERE v.scheme = s.id AND v.status <> 'cancelled'), 0) AS approved,
       coalesce((SELECT json_agg(json_build_object('industry', i.code, 'unit', r.unit, 'min_quantity', r.min_quantity,
                                                   'cap', r.cap, 'tiers', r.tiers) ORDER BY i.code)
                 FROM scheme_rate r JOIN industry i ON i.id = r.industry WHERE r.scheme = s.id), '[]') AS rates
FROM subsidy_scheme s
"""


def scheme_out(row: Any) -> SchemeOut:
    approved = Decimal(row["approved"]).quantize(Decimal("0.01"))
    # numbers inside json_agg come back as JSON numbers: read them as Decimals, never floats
    rates = json.loads(row["rates"], parse_float=Decimal, parse_int=Decimal)
    return to_struct(SchemeOut, {**dict(row), "approved": approved, "left": row["budget"] - approved,
                                 "rates": rates})


def rate_from_row(industry: str, row: Any) -> Rate:
    """A stored rate as the calculator's ``Rate`` (Decimals throughout)."""
    tiers = json.loads(row["tiers"]) if isinstance(row["tiers"], str) else row["tiers"]
    return Rate(
        industry=industry, unit=row["unit"], min_quantity=row["min_quantity"], cap=row["cap"],
        tiers=tuple(Tier(None if t["up_to"] is None else Decimal(t["up_to"]), Decimal(t["rate"])) for t in tiers),
    )


def _check_rates(rates: list[RateIn]) -> None:
    for i, r in enumerate(rates):
        try:
            validate_rate(Rate(r.industry, r.unit, r.min_quantity, r.cap,
                               tuple(Tier(t.up_to, t.rate) for t in r.tiers)))
        except (ValueError, TypeError) as exc:
            raise Refused(str(exc), extra={"field": f"rates[{i}].tiers"}) from None


async def _write_rates(scheme_id: int, rates: list[RateIn]) -> None:
    codes = [r.industry for r in rates]
    known = {r["code"]: r["id"] for r in await fetch("SELECT id, code FROM industry WHERE code = ANY ($1::text[])", codes)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise Refused(f"unknown industry: {', '.join(unknown)}", extra={"field": "rates"})
    await fetch("DELETE FROM scheme_rate WHERE scheme = $1", scheme_id)
    await fetch(
        "INSERT INTO scheme_rate (scheme, industry, unit, min_quantity, cap, tiers)"
        " SELECT $1, i, u, m, c, t::jsonb FROM unnest($2::int[], $3::text[], $4::numeric[], $5::numeric[], $6::text[])"
        " AS s(i, u, m, c, t)",
        scheme_id, [known[r.industry] for r in rates], [r.unit for r in rates], [r.min_quantity for r in rates],
        [r.cap for r in rates],
        [json.dumps([{"up_to": None if t.up_to is None else str(t.up_to), "rate": str(t.rate)} for t in r.tiers])
         for r in rates],
    )


async def create_scheme(actor: Principal, data: SchemeCreate) -> SchemeOut:
    _check_rates(data.rates)
    async with transaction():
        if await fetchrow("SELECT 1 FROM subsidy_scheme WHERE year = $1 AND name = $2", data.year, data.name):
            raise Conflict(f"{data.year} already has a scheme named {data.name}", extra={"field": "name"})
        row = await fetchrow(
            "INSERT INTO subsidy_scheme (year, name, budget, household_cap, exited_eligible_until, status, created_at)"
            " VALUES ($1, $2, $3, $4, $5, 'draft', now()) RETURNING id",
            data.year, data.name, data.budget, data.household_cap, data.exited_eligible_until,
        )
        await _write_rates(row["id"], data.rates)
        scheme = await get_scheme(row["id"])
        await audit.record(actor, "create", "subsidy_scheme", scheme.id, after=scheme)
    return scheme


async def get_scheme(scheme_id: int) -> SchemeOut:
    row = await fetchrow(_SCHEME + " WHERE s.id = $1", scheme_id)
    if row is None:
        raise NotFound(f"subsidy scheme {scheme_id} does not exist")
    return scheme_out(row)


async def list_schemes(page: PageParams, *, year: int | None, status: str | None) -> Page[SchemeOut]:
    return await fetch_page(
        _SCHEME + " WHERE ($1::int IS NULL OR s.year = $1) AND ($2::text IS NULL OR s.status = $2)",
        [year, status], page, "id", scheme_out,
    )


async def lock_scheme(scheme_id: int) -> Any:
    """The scheme row, locked: approvals in one scheme take their turn here (budget and caps)."""
    row = await fetchrow("SELECT * FROM subsidy_scheme WHERE id = $1 FOR UPDATE", scheme_id)
    if row is None:
        raise NotFound(f"subsidy scheme {scheme_id} does not exist")
    return row


async def replace_rates(actor: Principal, scheme_id: int, rates: list[RateIn]) -> SchemeOut:
    _check_rates(rates)
    async with transaction():
        row = await lock_scheme(scheme_id)
        if row["status"] != "draft":
            raise Conflict(f"the scheme is {row['status']}: a published scheme's rates cannot change")
        before = await get_scheme(scheme_id)
        await _write_rates(scheme_id, rates)
        after = await get_scheme(scheme_id)
        await audit.record(actor, "replace_rates", "subsidy_scheme", scheme_id, before=before.rates, after=after.rates)
    return after


async def move_scheme(actor: Principal, scheme_id: int, target: str) -> SchemeOut:
    """draft → published → closed, one way."""
    expected = {"published": "draft", "closed": "published"}[target]
    async with transaction():
        row = await lock_scheme(scheme_id)
        if row["status"] != expected:
            raise Conflict(f"the scheme is {row['status']}; only a {expected} scheme can be {target}")
        if target == "published" and not await fetchrow("SELECT 1 FROM scheme_rate WHERE scheme = $1", scheme_id):
            raise Conflict("a scheme needs at least one rate before it is published")
        stamp = "published_at" if target == "published" else "closed_at"
        await fetch(f"UPDATE subsidy_scheme SET status = $2, {stamp} = now() WHERE id = $1", scheme_id, target)
        after = await get_scheme(scheme_id)
        await audit.record(actor, target, "subsidy_scheme", scheme_id, before={"status": expected},
                           after={"status": target})
    return after


async def preview(scheme_id: int) -> SchemePreview:
    """What every claim gets (approved) or would get if approved now, totalled against the budget.

    One query brings the claims with their rates and each household's approved sum; the
    calculator then runs in memory, once per claim, with no further round trips.
    """
    scheme = await fetchrow("SELECT * FROM subsidy_scheme WHERE id = $1", scheme_id)
    if scheme is None:
        raise NotFound(f"subsidy scheme {scheme_id} does not exist")
    rows = await fetch(
        """
        WITH approved AS (
            SELECT household, sum(amount) AS amount FROM voucher
            WHERE scheme = $1 AND status <> 'cancelled' GROUP BY household
        )
        SELECT c.id AS claim_id, c.household AS household_id, v.town AS town_id, t.name AS town_name,
               i.code AS industry, c.status, c.verified_quantity, c.declared_quantity,
               vo.amount AS voucher_amount, coalesce(a.amount, 0) AS household_approved,
               r.unit, r.min_quantity, r.cap, r.tiers
        FROM subsidy_claim c
        JOIN household h ON h.id = c.household
        JOIN village v ON v.id = h.village
        JOIN town t ON t.id = v.town
        JOIN industry i ON i.id = c.industry
        JOIN scheme_rate r ON r.scheme = c.scheme AND r.industry = c.industry
        LEFT JOIN voucher vo ON vo.claim = c.id AND vo.status <> 'cancelled'
        LEFT JOIN approved a ON a.household = c.household
        WHERE c.scheme = $1 AND c.status <> 'rejected'
        ORDER BY c.id
        """,
        scheme_id,
    )
    rates: dict[str, Rate] = {}
    lines: list[PreviewLine] = []
    approved = pending = Decimal("0.00")
    by_industry: dict[str, list[Decimal]] = {}
    by_town: dict[str, list[Decimal]] = {}
    for r in rows:
        quantity = r["verified_quantity"] if r["verified_quantity"] is not None else r["declared_quantity"]
        if r["voucher_amount"] is not None:
            amount = r["voucher_amount"]
            approved += amount
        else:
            rate = rates.get(r["industry"]) or rates.setdefault(r["industry"], rate_from_row(r["industry"], r))
            calc = calculate(rate, quantity, verified=r["verified_quantity"] is not None)
            amount = cap_for_household(calc, scheme["household_cap"], r["household_approved"]).amount
            pending += amount
        lines.append(PreviewLine(claim_id=r["claim_id"], household_id=r["household_id"], town_id=r["town_id"],
                                 industry=r["industry"], status=r["status"], quantity=quantity, amount=amount))
        by_industry.setdefault(r["industry"], []).append(amount)
        by_town.setdefault(r["town_name"], []).append(amount)
    total = approved + pending

    def totals(groups: dict[str, list[Decimal]]) -> list[PreviewTotal]:
        return [PreviewTotal(key=k, claims=len(v), amount=sum(v, Decimal("0.00"))) for k, v in sorted(groups.items())]

    return SchemePreview(
        scheme_id=scheme_id, budget=scheme["budget"], approved=approved, pending=pending, total=total,
        over_budget=max(Decimal("0.00"), total - scheme["budget"]),
        by_industry=totals(by_industry), by_town=totals(by_town), claims=lines,
    )
