"""What the ledger says: household income, enterprise summaries, dividends owed. Set-based SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.core.errors import Invalid, NotFound
from app.core.money import round_fen
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_enterprise_scope, list_region
from app.core.uow import Db, reading_replica
from app.enterprises import service as enterprises
from app.links.rules import effective_end
from app.payouts import report_queries as queries
from app.payouts.report_schemas import (
    Arrear,
    EnterpriseSummary,
    HouseholdIncome,
    VillageSummary,
)
from app.payouts.rules import dividend_due, per_capita_income
from app.regions import service as regions
from app.registry import household_service as households
from app.registry import poverty_lines
from app.registry.access import load_household


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


async def ledger_income(db: Db, household_id: int, year: int) -> Decimal:
    """What the ledgers say a household received in a year (no access check: callers do it), read on the
    caller's connection or unit of work, so an assessment sees the ledger of its own transaction."""
    lines = await queries.household_income_lines(db, household_id, *_year(year))
    return sum((line.amount for line in lines), Decimal("0.00"))


async def household_income(principal: Principal, household_id: int, year: int) -> HouseholdIncome:
    household = await load_household(principal, household_id)
    async with reading_replica() as db:
        lines = await queries.household_income_lines(db, household_id, *_year(year))
        members = await households.people_counted_in_year(db, household_id, year)
        line = await poverty_lines.poverty_line(db, year, county_id=household.county_id)
    total = sum((r.amount for r in lines), Decimal("0.00"))
    pc = per_capita_income(total, members, line)
    return HouseholdIncome(
        household_id=household_id,
        year=year,
        by_type=lines,
        total=total,
        members=members,
        per_capita=pc.per_capita,
        poverty_line=line,
        ratio_to_line=pc.ratio_to_line,
    )


async def enterprise_summary(principal: Principal, enterprise_id: int, year: int) -> EnterpriseSummary:
    ensure_enterprise_scope(principal, enterprise_id)
    first, last = _year(year)
    async with reading_replica() as db:
        if not await enterprises.enterprise_exists(db, enterprise_id):
            raise NotFound(f"enterprise {enterprise_id} does not exist")
        # a region's accounts read the summaries of the enterprises registered in it; an operator its own
        ensure_county_scope(
            principal, await enterprises.county_of_enterprise(db, enterprise_id), enterprise_id=enterprise_id
        )
        # and see of it only its work in their region: an enterprise's bases may be in other counties
        region = list_region(principal)
        kinds = await queries.links_by_kind(db, enterprise_id, first, last, region)
        linked = await queries.households_linked(db, enterprise_id, first, last, region)
        by_type = await queries.enterprise_payouts_by_type(db, enterprise_id, first, last, region)
        villages = await queries.enterprise_per_village(db, enterprise_id, first, last, region)
    return EnterpriseSummary(
        enterprise_id=enterprise_id,
        year=year,
        households_by_kind=kinds,
        households_linked=linked,
        payouts_by_type=by_type,
        total_paid=sum((t.amount for t in by_type), Decimal("0.00")),
        per_village=[
            VillageSummary(
                village_id=v.village_id, village_name=v.village_name, households=v.households, paid=round_fen(v.paid)
            )
            for v in villages
        ],
    )


async def dividend_arrears(
    principal: Principal, year: int, page: PageParams, enterprise_id: int | None = None
) -> Page[Arrear]:
    """Share links with a guaranteed rate whose dividends paid in ``year`` fall short of what was promised:
    for a year that has ended, the whole year's due; for the current year, what is due to today."""
    today = date.today()
    if year > today.year:
        raise Invalid("year", f"{year} has not begun: arrears are reported for past years and this one to date")
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    town_id = principal.town_id if principal.role is Role.town_officer else None
    async with reading_replica() as db:
        links = await queries.share_links_paid(
            db, *_year(year), enterprise_id=enterprise_id, town_id=town_id, region=list_region(principal)
        )
        policies = await regions.county_policies(db)
    arrears = []
    for link in links:
        # an exited household's link runs (and owes) to the end of its policy continuation at the latest
        end = effective_end(
            link.end_date, link.household_status, link.exited_year, policies.of(link.county_id).continuation_years
        )
        end = end if year < today.year else min(end or today, today)
        due = dividend_due(link.share_capital, link.dividend_rate, link.start_date, end, year)
        paid = round_fen(link.paid)
        if paid < due.expected:
            arrears.append(
                Arrear(
                    link_id=link.id,
                    enterprise_id=link.enterprise_id,
                    household_id=link.household_id,
                    registry_no=link.registry_no,
                    share_capital=link.share_capital,
                    dividend_rate=link.dividend_rate,
                    days_in_force=due.days,
                    expected=due.expected,
                    paid=paid,
                    shortfall=due.expected - paid,
                )
            )
    return Page(
        items=arrears[page.offset : page.offset + page.limit], total=len(arrears), limit=page.limit, offset=page.offset
    )
