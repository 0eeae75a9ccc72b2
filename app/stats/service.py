"""The city overview as of a day: every figure one set-based query over the ledgers and the event history
(payouts through their daily totals, which the database keeps with the ledger)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from app.core.errors import Invalid, NotFound
from app.core.messages import N_, message
from app.core.money import round_fen
from app.core.principal import Principal, ensure_region_scope, list_region
from app.core.uow import reading_replica
from app.regions import service as regions
from app.stats import queries
from app.stats.schemas import AmountByType, CountyFigures, Overview


async def overview(as_of: date) -> Overview:
    """The figures of the whole database (``region_overview``: of the counties under a region code)."""
    end = as_of + timedelta(days=1)  # "as of" a day includes the whole day
    async with reading_replica() as db:
        places = await queries.places(db, as_of.year)
        people = await queries.people_before(db, end)
        paired = await queries.paired_on(db, as_of)
        by_type = await queries.payouts_by_type_until(db, as_of)
        subsidies = await queries.subsidies(db, end, as_of)
    return Overview(as_of=as_of, **_figures(places, people, paired, by_type, subsidies))


def _figures(
    places: queries.PlaceCounts,
    people: queries.PeopleCounts,
    paired: queries.PairedCounts,
    by_type: list[AmountByType],
    subsidies: queries.SubsidyTotals,
) -> dict[str, Any]:
    return {
        "towns": places.towns,
        "poor_villages_registered": places.poor_villages_registered,
        "poor_villages_exited": places.poor_villages_exited,
        "households_registered": people.households_registered,
        "people_registered": people.people_registered,
        "people_exited": people.people_exited,
        "people_removed": people.people_removed,
        "people_added_after_first_round": people.people_added_after_first_round,
        "enterprises_paired": paired.enterprises,
        "poor_villages_paired": paired.poor_villages,
        "payouts_by_type": by_type,
        "payouts_total": sum((t.amount for t in by_type), Decimal("0.00")),
        "subsidies_approved": round_fen(subsidies.approved),
        "subsidies_approved_count": subsidies.approved_count,
        "subsidies_paid": round_fen(subsidies.paid),
        "subsidies_paid_count": subsidies.paid_count,
    }


_NO_PLACES = queries.PlaceCounts(towns=0, poor_villages_registered=0, poor_villages_exited=0)
_NO_PEOPLE = queries.PeopleCounts(
    households_registered=0, people_registered=0, people_exited=0, people_removed=0, people_added_after_first_round=0
)
_NO_PAIRED = queries.PairedCounts(enterprises=0, poor_villages=0)
_NO_SUBSIDIES = queries.SubsidyTotals(approved=Decimal("0"), approved_count=0, paid=Decimal("0"), paid_count=0)
# the figures a region's total adds up from its counties' (every one of them: counts and amounts)
_ADDED = (
    "towns",
    "poor_villages_registered",
    "poor_villages_exited",
    "households_registered",
    "people_registered",
    "people_exited",
    "people_removed",
    "people_added_after_first_round",
    "enterprises_paired",
    "poor_villages_paired",
    "payouts_total",
    "subsidies_approved",
    "subsidies_approved_count",
    "subsidies_paid",
    "subsidies_paid_count",
)


def check_region(code: str) -> str:
    """A region code as the overview takes it: a province's (2 digits), a city's (4) or a county's (6)."""
    if not code.isascii() or not code.isdigit() or len(code) not in (2, 4, 6):
        raise Invalid("region", message(N_("must be a province's (2 digits), a city's (4) or a county's (6) code")))
    return code


async def region_overview(as_of: date, region: str) -> Overview:
    """The figures summed over the counties under ``region`` (a province's, a city's or a county's code),
    each county's own figures side by side in ``counties``: one statement per figure family, grouped by
    county. A malformed code is Invalid (400, naming ``region``); one with no county under it NotFound."""
    check_region(region)
    end = as_of + timedelta(days=1)
    async with reading_replica() as db:
        counties = await regions.counties_under(db, region)
        if not counties:
            raise NotFound(message(N_("no county lies under region {region}"), region=region))
        ids = [c.id for c in counties]
        places = {r.county: r for r in await queries.places_by_county(db, ids, as_of.year)}
        people = {r.county: r for r in await queries.people_before_by_county(db, end, ids)}
        paired = {r.county: r for r in await queries.paired_on_by_county(db, as_of, ids)}
        by_type: dict[int, list[AmountByType]] = {}
        for t in await queries.payouts_by_type_until_by_county(db, as_of, ids):
            by_type.setdefault(t.county, []).append(
                AmountByType(income_type=t.income_type, payouts=t.payouts, amount=t.amount)
            )
        subsidies = {r.county: r for r in await queries.subsidies_by_county(db, end, as_of, ids)}
    rows = [
        CountyFigures(
            code=c.code,
            name=c.name,
            **_figures(
                places.get(c.id, _NO_PLACES),
                people.get(c.id, _NO_PEOPLE),
                paired.get(c.id, _NO_PAIRED),
                by_type.get(c.id, []),
                subsidies.get(c.id, _NO_SUBSIDIES),
            ),
        )
        for c in counties
    ]
    totals: dict[str, Any] = {f: sum(getattr(r, f) for r in rows) for f in _ADDED}
    types: dict[str, AmountByType] = {}
    for r in rows:
        for typed in r.payouts_by_type:
            seen = types.setdefault(
                typed.income_type, AmountByType(income_type=typed.income_type, payouts=0, amount=Decimal(0))
            )
            seen.payouts += typed.payouts
            seen.amount += typed.amount
    return Overview(
        as_of=as_of,
        region=region,
        counties=rows,
        payouts_by_type=[types[k] for k in sorted(types)],
        **totals,
    )


async def overview_for(principal: Principal, as_of: date, region: str | None = None) -> Overview:
    """The overview a principal asked for: of ``region`` when named (it must lie within the principal's
    region: 403 otherwise), else of the principal's own region, else (an unscoped principal, an operator)
    of the whole deployment."""
    if region is None:
        region = list_region(principal)
        if region is None:
            return await overview(as_of)
    check_region(region)
    ensure_region_scope(principal, region)
    return await region_overview(as_of, region)


# The console's charts read these rows by key (r["month"]); they stay mappings until it reads attributes.


async def monthly_payouts(principal: Principal, year: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Payouts of a year per month, in the caller's region: by income type (from the daily totals) and by
    industry."""
    region = list_region(principal)
    async with reading_replica() as db:
        by_type = await queries.monthly_by_income_type(db, year, region)
        by_industry = await queries.monthly_by_industry(db, year, region)
    return [msgspec.structs.asdict(m) for m in by_type], [msgspec.structs.asdict(m) for m in by_industry]


async def subsidies_by_town(principal: Principal) -> list[dict[str, Any]]:
    """Subsidies approved and paid per town, of the towns in the caller's region."""
    async with reading_replica() as db:
        return [msgspec.structs.asdict(t) for t in await queries.subsidies_by_town(db, list_region(principal))]


async def latest_payout_year() -> int:
    async with reading_replica() as db:
        last = await queries.last_payout_day(db)
    return last.year if last else date.today().year
