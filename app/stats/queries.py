"""The stats app's SQL: set-based reads over every domain's tables (stats writes nothing), typed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.uow import Db
from app.stats.schemas import AmountByType


class PlaceCounts(msgspec.Struct, frozen=True, kw_only=True):
    towns: int
    poor_villages_registered: int
    poor_villages_exited: int


class PeopleCounts(msgspec.Struct, frozen=True, kw_only=True):
    households_registered: int
    people_registered: int
    people_exited: int
    people_removed: int
    people_added_after_first_round: int


class PairedCounts(msgspec.Struct, frozen=True, kw_only=True):
    enterprises: int
    poor_villages: int


class SubsidyTotals(msgspec.Struct, frozen=True, kw_only=True):
    approved: Decimal
    approved_count: int
    paid: Decimal
    paid_count: int


class MonthAmount(msgspec.Struct, frozen=True, kw_only=True):
    """The amount of one month (1-12) under one key (an income type, an industry's name)."""

    month: int
    key: str
    amount: Decimal


class TownSubsidies(msgspec.Struct, frozen=True, kw_only=True):
    town: str
    approved: Decimal
    paid: Decimal


async def places(db: Db, year: int) -> PlaceCounts:
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM town) AS towns,"
        " (SELECT count(*) FROM village WHERE is_poor_village AND registered_year <= $1) AS poor_villages_registered,"
        " (SELECT count(*) FROM village WHERE exited_year <= $1) AS poor_villages_exited",
        year,
    )
    return msgspec.convert(dict(row or {}), PlaceCounts)


# each household's status at the end of the day, read back from its events
_STATUS_AS_OF = """
WITH status_at AS (
    SELECT DISTINCT ON (e.household) e.household, e.to_status AS status
    FROM household_event e
    WHERE e.to_status IS NOT NULL AND e.at < $1
    ORDER BY e.household, e.at DESC, e.id DESC
), people AS (
    SELECT household, count(*) AS n FROM member WHERE member_counted_on(left_on, $1::date) GROUP BY household
)
SELECT
    count(*) FILTER (WHERE household_on_register(s.status)) AS households_registered,
    coalesce(sum(p.n) FILTER (WHERE household_on_register(s.status)), 0) AS people_registered,
    coalesce(sum(p.n) FILTER (WHERE s.status = 'exited'), 0) AS people_exited,
    coalesce(sum(p.n) FILTER (WHERE s.status = 'removed'), 0) AS people_removed,
    coalesce(sum(p.n) FILTER (WHERE household_on_register(s.status) AND h.late_addition), 0)
        AS people_added_after_first_round
FROM status_at s JOIN household h ON h.id = s.household JOIN people p ON p.household = s.household
"""


async def people_before(db: Db, end: date) -> PeopleCounts:
    """Households and people by their status at the start of ``end`` (the day after the one reported)."""
    row = await db.fetchrow(_STATUS_AS_OF, end)
    assert row is not None  # an aggregate always answers
    return PeopleCounts(
        households_registered=row["households_registered"] or 0,
        people_registered=int(row["people_registered"]),
        people_exited=int(row["people_exited"]),
        people_removed=int(row["people_removed"]),
        people_added_after_first_round=int(row["people_added_after_first_round"]),
    )


async def paired_on(db: Db, day: date) -> PairedCounts:
    row = await db.fetchrow(
        "SELECT count(DISTINCT p.enterprise) AS enterprises,"
        " count(DISTINCT p.village) FILTER (WHERE v.is_poor_village AND v.registered_year <= $2) AS poor_villages"
        " FROM pairing p JOIN village v ON v.id = p.village"
        " WHERE p.start_date <= $1 AND (p.end_date IS NULL OR p.end_date >= $1)",
        day,
        day.year,
    )
    return msgspec.convert(dict(row or {}), PairedCounts)


async def payouts_by_type_until(db: Db, day: date) -> list[AmountByType]:
    # the ledger's daily totals (kept with it, by trigger): the same sums, at any ledger size
    rows = await db.fetch(
        "SELECT income_type, sum(payouts)::int AS payouts, sum(amount) AS amount"
        " FROM payout_day WHERE paid_on <= $1 GROUP BY income_type ORDER BY income_type",
        day,
    )
    return [AmountByType(income_type=r["income_type"], payouts=r["payouts"], amount=r["amount"]) for r in rows]


async def subsidies(db: Db, end: date, day: date) -> SubsidyTotals:
    """Vouchers approved before ``end`` and not cancelled by then; vouchers paid on or before ``day``."""
    row = await db.fetchrow(
        "SELECT coalesce(sum(amount) FILTER (WHERE approved_at < $1 AND (cancelled_at IS NULL OR cancelled_at >= $1)), 0)"
        "   AS approved,"
        " count(*) FILTER (WHERE approved_at < $1 AND (cancelled_at IS NULL OR cancelled_at >= $1)) AS approved_count,"
        " coalesce(sum(amount) FILTER (WHERE status = 'paid' AND paid_on <= $2), 0) AS paid,"
        " count(*) FILTER (WHERE status = 'paid' AND paid_on <= $2) AS paid_count"
        " FROM voucher",
        end,
        day,
    )
    return msgspec.convert(dict(row or {}), SubsidyTotals)


async def monthly_by_income_type(db: Db, year: int, region: str | None = None) -> list[MonthAmount]:
    """``region``: of the counties under it only."""
    args: list[Any] = [year]
    rows = await db.fetch(
        "SELECT extract(month FROM paid_on)::int AS month, income_type AS key, sum(amount) AS amount"
        " FROM payout_day WHERE paid_on BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)"
        + county_clause("county_code", region, args)
        + " GROUP BY 1, 2 ORDER BY 1, 2",
        *args,
    )
    return [msgspec.convert(dict(r), MonthAmount) for r in rows]


async def monthly_by_industry(db: Db, year: int, region: str | None = None) -> list[MonthAmount]:
    args: list[Any] = [year]
    rows = await db.fetch(
        "SELECT extract(month FROM p.paid_on)::int AS month, i.name_zh AS key, sum(p.amount) AS amount"
        " FROM payout p JOIN link l ON l.id = p.link JOIN base b ON b.id = l.base JOIN industry i ON i.id = b.industry"
        " WHERE p.paid_on BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)"
        + county_clause("p.county_code", region, args)
        + " GROUP BY 1, 2 ORDER BY 1, 2",
        *args,
    )
    return [msgspec.convert(dict(r), MonthAmount) for r in rows]


async def subsidies_by_town(db: Db, region: str | None = None) -> list[TownSubsidies]:
    args: list[Any] = []
    rows = await db.fetch(
        "SELECT t.name AS town, coalesce(sum(v.amount) FILTER (WHERE v.status <> 'cancelled'), 0) AS approved,"
        " coalesce(sum(v.amount) FILTER (WHERE v.status = 'paid'), 0) AS paid"
        " FROM voucher v JOIN household h ON h.id = v.household JOIN village vi ON vi.id = h.village"
        " JOIN town t ON t.id = vi.town"
        + county_clause("v.county_code", region, args, keyword="WHERE")
        + " GROUP BY t.id, t.name ORDER BY t.id",
        *args,
    )
    return [msgspec.convert(dict(r), TownSubsidies) for r in rows]


async def last_payout_day(db: Db) -> date | None:
    return await db.fetchval("SELECT max(paid_on) FROM payout_day")


# ---- the same figures per county (a region's overview): one statement per figure family, grouped by the
# county a village belongs to (village.county_id, indexed), for the counties a region's code prefix covers


class CountyPlaces(PlaceCounts, frozen=True, kw_only=True):
    county: int


class CountyPeople(PeopleCounts, frozen=True, kw_only=True):
    county: int


class CountyPaired(PairedCounts, frozen=True, kw_only=True):
    county: int


class CountySubsidies(SubsidyTotals, frozen=True, kw_only=True):
    county: int


class CountyAmountByType(msgspec.Struct, frozen=True, kw_only=True):
    county: int
    income_type: str
    payouts: int
    amount: Decimal


async def places_by_county(db: Db, counties: list[int], year: int) -> list[CountyPlaces]:
    rows = await db.fetch(
        "SELECT c.county, coalesce(t.n, 0) AS towns, coalesce(v.registered, 0) AS poor_villages_registered,"
        " coalesce(v.exited, 0) AS poor_villages_exited"
        " FROM unnest($1::int[]) AS c(county)"
        " LEFT JOIN (SELECT county_id, count(*) AS n FROM town WHERE county_id = ANY ($1::int[]) GROUP BY county_id) t"
        "   ON t.county_id = c.county"
        " LEFT JOIN (SELECT county_id,"
        "   count(*) FILTER (WHERE is_poor_village AND registered_year <= $2) AS registered,"
        "   count(*) FILTER (WHERE exited_year <= $2) AS exited"
        "   FROM village WHERE county_id = ANY ($1::int[]) GROUP BY county_id) v ON v.county_id = c.county",
        counties,
        year,
    )
    return [msgspec.convert(dict(r), CountyPlaces) for r in rows]


# Each table is read by its own county column (the index leading with it), not through the households of
# the counties' villages: at province scale the join made the planner misjudge one county's share of the
# events and members (and cross the JIT threshold), 4-6x slower than the same county alone; see
# docs/benchmarks.md, "Province".
_STATUS_AS_OF_BY_COUNTY = """
WITH counties AS (
    SELECT id AS county, code FROM region WHERE id = ANY ($2::int[])
), in_counties AS (
    SELECT h.id AS household, c.county, h.late_addition
    FROM household h JOIN counties c ON c.code = h.county_code
), status_at AS (
    SELECT DISTINCT ON (e.household) e.household, e.to_status AS status
    FROM household_event e JOIN counties c ON c.code = e.county_code
    WHERE e.to_status IS NOT NULL AND e.at < $1
    ORDER BY e.household, e.at DESC, e.id DESC
), people AS (
    SELECT m.household, count(*) AS n FROM member m JOIN counties c ON c.code = m.county_code
    WHERE member_counted_on(m.left_on, $1::date) GROUP BY m.household
)
SELECT
    i.county,
    count(*) FILTER (WHERE household_on_register(s.status)) AS households_registered,
    coalesce(sum(p.n) FILTER (WHERE household_on_register(s.status)), 0) AS people_registered,
    coalesce(sum(p.n) FILTER (WHERE s.status = 'exited'), 0) AS people_exited,
    coalesce(sum(p.n) FILTER (WHERE s.status = 'removed'), 0) AS people_removed,
    coalesce(sum(p.n) FILTER (WHERE household_on_register(s.status) AND i.late_addition), 0)
        AS people_added_after_first_round
FROM status_at s JOIN in_counties i ON i.household = s.household JOIN people p ON p.household = s.household
GROUP BY i.county
"""


async def people_before_by_county(db: Db, end: date, counties: list[int]) -> list[CountyPeople]:
    """``people_before`` per county (counties without a household on record are absent)."""
    rows = await db.fetch(_STATUS_AS_OF_BY_COUNTY, end, counties)
    return [
        CountyPeople(
            county=r["county"],
            households_registered=r["households_registered"] or 0,
            people_registered=int(r["people_registered"]),
            people_exited=int(r["people_exited"]),
            people_removed=int(r["people_removed"]),
            people_added_after_first_round=int(r["people_added_after_first_round"]),
        )
        for r in rows
    ]


async def paired_on_by_county(db: Db, day: date, counties: list[int]) -> list[CountyPaired]:
    """``paired_on`` per county of the paired village (an enterprise paired in two counties counts in each)."""
    rows = await db.fetch(
        "SELECT v.county_id AS county, count(DISTINCT p.enterprise) AS enterprises,"
        " count(DISTINCT p.village) FILTER (WHERE v.is_poor_village AND v.registered_year <= $2) AS poor_villages"
        " FROM pairing p JOIN village v ON v.id = p.village"
        " WHERE p.start_date <= $1 AND (p.end_date IS NULL OR p.end_date >= $1) AND v.county_id = ANY ($3::int[])"
        " GROUP BY v.county_id",
        day,
        day.year,
        counties,
    )
    return [msgspec.convert(dict(r), CountyPaired) for r in rows]


async def payouts_by_type_until_by_county(db: Db, day: date, counties: list[int]) -> list[CountyAmountByType]:
    """``payouts_by_type_until`` per county of the household paid, from the daily totals per county (kept
    with the ledger by its trigger): reversals count in the amount and not as payouts."""
    rows = await db.fetch(
        "SELECT r.id AS county, d.income_type, sum(d.payouts)::int AS payouts, sum(d.amount) AS amount"
        " FROM region r JOIN payout_day d ON d.county_code = r.code"
        " WHERE r.id = ANY ($2::int[]) AND d.paid_on <= $1"
        " GROUP BY r.id, d.income_type ORDER BY r.id, d.income_type",
        day,
        counties,
    )
    return [msgspec.convert(dict(r), CountyAmountByType) for r in rows]


async def subsidies_by_county(db: Db, end: date, day: date, counties: list[int]) -> list[CountySubsidies]:
    """``subsidies`` per county of the household the voucher is for."""
    rows = await db.fetch(
        "SELECT vi.county_id AS county,"
        " coalesce(sum(v.amount) FILTER (WHERE v.approved_at < $1 AND (v.cancelled_at IS NULL OR v.cancelled_at >= $1)),"
        "   0) AS approved,"
        " count(*) FILTER (WHERE v.approved_at < $1 AND (v.cancelled_at IS NULL OR v.cancelled_at >= $1))"
        "   AS approved_count,"
        " coalesce(sum(v.amount) FILTER (WHERE v.status = 'paid' AND v.paid_on <= $2), 0) AS paid,"
        " count(*) FILTER (WHERE v.status = 'paid' AND v.paid_on <= $2) AS paid_count"
        " FROM voucher v JOIN household h ON h.id = v.household JOIN village vi ON vi.id = h.village"
        " WHERE vi.county_id = ANY ($3::int[]) GROUP BY vi.county_id",
        end,
        day,
        counties,
    )
    return [msgspec.convert(dict(r), CountySubsidies) for r in rows]
