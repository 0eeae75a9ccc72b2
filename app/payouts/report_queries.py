"""The SQL of the ledger's reports: set-based reads over payouts, links and vouchers, returning typed values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.uow import Db
from app.payouts.report_schemas import IncomeLine, KindCount


class VillageTotal(msgspec.Struct, frozen=True, kw_only=True):
    village_id: int
    village_name: str
    households: int
    paid: Decimal


class ShareLinkPaid(msgspec.Struct, frozen=True, kw_only=True):
    """A share link with a guaranteed rate, in force in the period, and the dividends paid under it."""

    id: int
    enterprise_id: int
    household_id: int
    registry_no: str
    share_capital: Decimal
    dividend_rate: Decimal
    start_date: date
    end_date: date | None
    paid: Decimal
    household_status: str
    exited_year: int | None
    county_id: int | None


def _lines(rows: Sequence[Mapping[str, Any]]) -> list[IncomeLine]:
    return [IncomeLine(income_type=r["income_type"], amount=r["amount"], payouts=r["payouts"]) for r in rows]


async def household_income_lines(db: Db, household_id: int, first: date, last: date) -> list[IncomeLine]:
    """Payouts under links, and subsidies the bank paid (by the day paid), by type: the view
    ``household_income_item`` is the one definition of what reached a household."""
    return _lines(
        await db.fetch(
            "SELECT income_type, sum(amount) AS amount, count(*) FILTER (WHERE counts_as_payment) AS payouts"
            " FROM household_income_item WHERE household = $1 AND paid_on BETWEEN $2 AND $3"
            " GROUP BY income_type ORDER BY income_type",
            household_id,
            first,
            last,
        )
    )


# an enterprise's year

_IN_PERIOD = "daterange(l.start_date, l.end_date, '[]') && daterange($2::date, $3::date, '[]')"


async def links_by_kind(
    db: Db, enterprise_id: int, first: date, last: date, region: str | None = None
) -> list[KindCount]:
    """``region``: only the links of households in the counties under it (a region account's part)."""
    args: list[Any] = [enterprise_id, first, last]
    rows = await db.fetch(
        "SELECT l.kind, count(DISTINCT l.household) AS households, count(*) AS links FROM link l"
        f" WHERE l.enterprise = $1 AND {_IN_PERIOD}{county_clause('l.county_code', region, args)}"
        " GROUP BY l.kind ORDER BY l.kind",
        *args,
    )
    return [KindCount(kind=r["kind"], households=r["households"], links=r["links"]) for r in rows]


async def households_linked(db: Db, enterprise_id: int, first: date, last: date, region: str | None = None) -> int:
    args: list[Any] = [enterprise_id, first, last]
    return int(
        await db.fetchval(
            f"SELECT count(DISTINCT l.household) FROM link l WHERE l.enterprise = $1 AND {_IN_PERIOD}"
            + county_clause("l.county_code", region, args),
            *args,
        )
    )


async def enterprise_payouts_by_type(
    db: Db, enterprise_id: int, first: date, last: date, region: str | None = None
) -> list[IncomeLine]:
    args: list[Any] = [enterprise_id, first, last]
    return _lines(
        await db.fetch(
            "SELECT income_type, sum(amount) AS amount, count(*) FILTER (WHERE reverses IS NULL) AS payouts FROM payout"
            f" WHERE enterprise = $1 AND paid_on BETWEEN $2 AND $3{county_clause('county_code', region, args)}"
            " GROUP BY income_type ORDER BY income_type",
            *args,
        )
    )


async def enterprise_per_village(
    db: Db, enterprise_id: int, first: date, last: date, region: str | None = None
) -> list[VillageTotal]:
    """Per village: households linked in the period, and what was paid to the village's households in it."""
    args: list[Any] = [enterprise_id, first, last]
    links_in = county_clause("l.county_code", region, args)
    paid_in = county_clause("county_code", region, args)
    rows = await db.fetch(
        f"""
        WITH linked AS (
            SELECT DISTINCT l.household FROM link l WHERE l.enterprise = $1 AND {_IN_PERIOD}{links_in}
        ), paid AS (
            SELECT household, sum(amount) AS amount FROM payout
            WHERE enterprise = $1 AND paid_on BETWEEN $2 AND $3{paid_in} GROUP BY household
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
        *args,
    )
    return [msgspec.convert(dict(r), VillageTotal) for r in rows]


async def share_links_paid(
    db: Db, first: date, last: date, *, enterprise_id: int | None, town_id: int | None, region: str | None = None
) -> list[ShareLinkPaid]:
    """Share links with a guaranteed rate in force in the period, with the dividends paid in it, by link id
    (``region``: of the counties under it)."""
    args: list[Any] = [first, last, enterprise_id, town_id]
    within = county_clause("l.county_code", region, args)
    rows = await db.fetch(
        "SELECT l.id, l.enterprise AS enterprise_id, l.household AS household_id, h.registry_no, l.share_capital,"
        " l.dividend_rate, l.start_date, l.end_date, h.status AS household_status, h.exited_year, v.county_id,"
        " coalesce(sum(p.amount) FILTER (WHERE p.income_type = 'dividend'), 0) AS paid"
        " FROM link l JOIN household h ON h.id = l.household JOIN village v ON v.id = h.village"
        " LEFT JOIN payout p ON p.link = l.id AND p.paid_on BETWEEN $1 AND $2"
        " WHERE l.kind = 'share' AND l.dividend_rate > 0"
        " AND daterange(l.start_date, l.end_date, '[]') && daterange($1::date, $2::date, '[]')"
        " AND ($3::int IS NULL OR l.enterprise = $3) AND ($4::int IS NULL OR v.town = $4)" + within + " GROUP BY l.id,"
        " h.registry_no, h.status, h.exited_year, v.county_id ORDER BY l.id",
        *args,
    )
    return [msgspec.convert(dict(r), ShareLinkPaid) for r in rows]
