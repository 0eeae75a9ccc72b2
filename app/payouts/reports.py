"""What the ledger says: household income, enterprise summaries, dividends owed. Set-based SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


from app import audit
from app.core.errors import NotFound
from app.core.principal import Principal, Role, ensure_enterprise_scope
from app.core.database import fetch, fetchrow, transaction
from app.core.pagination import Page, PageParams
from app.payouts.report_schemas import (
    Arrear,
    EnterpriseSummary,
    HouseholdIncome,
    IncomeLine,
    KindCount,
    PovertyLineIn,
    PovertyLineOut,
    VillageSummary,
)
from app.payouts.rules import dividend_due, per_capita_income
from app.registry.access import load_household


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


async def _income_lines(household_id: int, year: int) -> list[Any]:
    """Payouts under links, and subsidies the bank paid (by the day paid), by type."""
    first, last = _year(year)
    return await fetch(
        "SELECT income_type, sum(amount) AS amount, count(*) FILTER (WHERE reverses IS NULL) AS payouts"
        " FROM payout WHERE household = $1 AND paid_on BETWEEN $2 AND $3 GROUP BY income_type"
        " UNION ALL"
        " SELECT 'subsidy', sum(amount), count(*) FROM voucher"
        " WHERE household = $1 AND status = 'paid' AND paid_on BETWEEN $2 AND $3 HAVING count(*) > 0"
        " ORDER BY income_type",
        household_id, first, last,
    )


async def ledger_income(household_id: int, year: int) -> Decimal:
    """What the ledgers say a household received in a year (no access check: callers do it)."""
    return sum((r["amount"] for r in await _income_lines(household_id, year)), Decimal("0.00"))


async def household_income(principal: Principal, household_id: int, year: int) -> HouseholdIncome:
    await load_household(principal, household_id)
    lines = await _income_lines(household_id, year)
    facts = await fetchrow(
        "SELECT (SELECT count(*) FROM member WHERE household = $1"
        "        AND (left_on IS NULL OR left_on >= make_date($2, 1, 1))) AS members,"
        " (SELECT amount FROM poverty_line WHERE year = $2) AS line",
        household_id, year,
    )
    total = sum((r["amount"] for r in lines), Decimal("0.00"))
    pc = per_capita_income(total, facts["members"], facts["line"])
    return HouseholdIncome(
        household_id=household_id, year=year,
        by_type=[IncomeLine(income_type=r["income_type"], amount=r["amount"], payouts=r["payouts"]) for r in lines],
        total=total, members=facts["members"], per_capita=pc.per_capita, poverty_line=facts["line"],
        ratio_to_line=pc.ratio_to_line,
    )


async def enterprise_summary(principal: Principal, enterprise_id: int, year: int) -> EnterpriseSummary:
    ensure_enterprise_scope(principal, enterprise_id)
    if not await fetchrow("SELECT 1 FROM enterprise WHERE id = $1", enterprise_id):
        raise NotFound(f"enterprise {enterprise_id} does not exist")
    first, last = _year(year)
    in_year = "daterange(l.start_date, l.end_date, '[]') && daterange($2::date, $3::date, '[]')"
    kinds = await fetch(
        f"SELECT l.kind, count(DISTINCT l.household) AS households, count(*) AS links FROM link l"
        f" WHERE l.enterprise = $1 AND {in_year} GROUP BY l.kind ORDER BY l.kind",
        enterprise_id, first, last,
    )
    linked = await fetchrow(
        f"SELECT count(DISTINCT l.household) AS n FROM link l WHERE l.enterprise = $1 AND {in_year}",
        enterprise_id, first, last,
    )
    types = await fetch(
        "SELECT income_type, sum(amount) AS amount, count(*) FILTER (WHERE reverses IS NULL) AS payouts FROM payout"
        " WHERE enterprise = $1 AND paid_on BETWEEN $2 AND $3 GROUP BY income_type ORDER BY income_type",
        enterprise_id, first, last,
    )
    villages = await fetch(
        f"""
        WITH linked AS (
            SELECT DISTINCT l.household FROM link l WHERE l.enterprise = $1 AND {in_year}
        ), paid AS (
            SELECT household, sum(amount) AS amount FROM payout
            WHERE enterprise = $1 AND paid_on BETWEEN $2 AND $3 GROUP BY household
        )
        SELECT v.id AS village_id, v.name AS village_name, count(DISTINCT linked.household) AS households,
               coalesce(sum(paid.amount), 0) AS paid
        FROM (SELECT household FROM linked UNION SELECT household FROM paid) hh
        JOIN household h ON h.id = hh.household
        JOIN village v ON v.id = h.village
        LEFT JOIN linked ON linked.household = hh.household
        LEFT JOIN paid ON paid.household = hh.household
        GROUP BY v.id, v.name ORDER BY v.id
        """,
        enterprise_id, first, last,
    )
    by_type = [IncomeLine(income_type=r["income_type"], amount=r["amount"], payouts=r["payouts"]) for r in types]
    return EnterpriseSummary(
        enterprise_id=enterprise_id, year=year,
        households_by_kind=[KindCount(kind=r["kind"], households=r["households"], links=r["links"]) for r in kinds],
        households_linked=linked["n"],
        payouts_by_type=by_type,
        total_paid=sum((t.amount for t in by_type), Decimal("0.00")),
        per_village=[VillageSummary(village_id=r["village_id"], village_name=r["village_name"],
                                    households=r["households"], paid=Decimal(r["paid"]).quantize(Decimal("0.01")))
                     for r in villages],
    )


async def dividend_arrears(principal: Principal, year: int, page: PageParams,
                           enterprise_id: int | None = None) -> Page[Arrear]:
    """Share links with a guaranteed rate whose dividends paid in ``year`` fall short of what was promised."""
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    town_id = principal.town_id if principal.role is Role.town_officer else None
    first, last = _year(year)
    rows = await fetch(
        "SELECT l.id, l.enterprise, l.household, h.registry_no, l.share_capital, l.dividend_rate, l.start_date,"
        " l.end_date, coalesce(sum(p.amount) FILTER (WHERE p.income_type = 'dividend'), 0) AS paid"
        " FROM link l JOIN household h ON h.id = l.household JOIN village v ON v.id = h.village"
        " LEFT JOIN payout p ON p.link = l.id AND p.paid_on BETWEEN $1 AND $2"
        " WHERE l.kind = 'share' AND l.dividend_rate > 0"
        " AND daterange(l.start_date, l.end_date, '[]') && daterange($1::date, $2::date, '[]')"
        " AND ($3::int IS NULL OR l.enterprise = $3) AND ($4::int IS NULL OR v.town = $4)"
        " GROUP BY l.id, h.registry_no ORDER BY l.id",
        first, last, enterprise_id, town_id,
    )
    arrears = []
    for r in rows:
        due = dividend_due(r["share_capital"], r["dividend_rate"], r["start_date"], r["end_date"], year)
        paid = Decimal(r["paid"]).quantize(Decimal("0.01"))
        if paid < due.expected:
            arrears.append(Arrear(
                link_id=r["id"], enterprise_id=r["enterprise"], household_id=r["household"],
                registry_no=r["registry_no"], share_capital=r["share_capital"], dividend_rate=r["dividend_rate"],
                days_in_force=due.days, expected=due.expected, paid=paid, shortfall=due.expected - paid,
            ))
    return Page(items=arrears[page.offset:page.offset + page.limit], total=len(arrears),
                limit=page.limit, offset=page.offset)


async def list_poverty_lines() -> list[PovertyLineOut]:
    rows = await fetch("SELECT year, amount FROM poverty_line ORDER BY year")
    return [PovertyLineOut(year=r["year"], amount=r["amount"]) for r in rows]


async def set_poverty_line(actor: Principal, year: int, data: PovertyLineIn) -> PovertyLineOut:
    async with transaction():
        before = await fetchrow("SELECT year, amount FROM poverty_line WHERE year = $1 FOR UPDATE", year)
        await fetch(
            "INSERT INTO poverty_line (year, amount, created_at) VALUES ($1, $2, now())"
            " ON CONFLICT (year) DO UPDATE SET amount = excluded.amount",
            year, data.amount,
        )
        out = PovertyLineOut(year=year, amount=data.amount)
        await audit.record(actor, "set", "poverty_line", year,
                           before=None if before is None else dict(before), after=out)
    return out
