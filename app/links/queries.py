"""The links app's SQL (``base``, ``link``), returning typed values.

Writes touch only these two tables; reads join the enterprises, industries and registry tables
their answers are made of (and, for the end of a link, the payout ledger that builds on it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.links.schemas import BaseOut, LinkOut

_BASE = """
SELECT b.id, b.enterprise AS enterprise_id, i.code AS industry, b.village AS village_id, b.name, b.area, b.created_at,
       b.county_code
FROM base b JOIN industry i ON i.id = b.industry
"""

# the columns each kind's terms live in
TERM_COLUMNS: dict[str, tuple[str, ...]] = {
    "share": ("share_capital", "dividend_rate", "dividend_period"),
    "wage": ("wage_basis", "wage_rate"),
    "cooperation": ("contract_price", "contract_unit", "contracted_quantity"),
    "franchise": ("franchise_terms", "franchise_fee", "franchise_split"),
    "asset": (),  # a share of an asset's income: its terms are the asset's agreement (app/assets)
}
_ALL_TERMS = [c for columns in TERM_COLUMNS.values() for c in columns]

_LINK = f"""
SELECT l.id, l.enterprise AS enterprise_id, e.name AS enterprise_name, l.base AS base_id, b.name AS base_name,
       i.code AS industry, b.village AS village_id, l.household AS household_id, h.registry_no, l.kind,
       l.start_date, l.end_date, l.note, l.created_at, {", ".join("l." + c for c in _ALL_TERMS)},
       v.town AS household_town_id, l.county_code AS link_county_code
FROM link l
JOIN enterprise e ON e.id = l.enterprise
JOIN base b ON b.id = l.base
JOIN industry i ON i.id = b.industry
JOIN household h ON h.id = l.household
JOIN village v ON v.id = h.village
"""


class StoredLink(msgspec.Struct, frozen=True, kw_only=True):
    """A link with the town of its household (what scope checks need)."""

    link: LinkOut
    household_town_id: int
    county_code: str


class IndustryOfEnterprise(msgspec.Struct, frozen=True, kw_only=True):
    industry_id: int
    works_in: bool
    """Whether the enterprise is registered in the industry."""


class BaseFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a new link is checked against on its base's side."""

    enterprise_id: int
    industry: str
    town_id: int
    enterprise_works_in: bool
    """Whether the linking enterprise is registered in the base's industry."""


class Overlap(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    start_date: date
    end_date: date | None


class NewLink(msgspec.Struct, frozen=True, kw_only=True):
    enterprise_id: int
    base_id: int
    household_id: int
    kind: str
    start_date: date
    end_date: date | None
    note: str | None
    terms: dict[str, Any]
    """Values of the kind's term columns (TERM_COLUMNS); the other kinds' stay null."""


def _base(row: Any) -> BaseOut:
    return msgspec.convert(dict(row), BaseOut)


def _link(row: Any) -> LinkOut:
    kind = row["kind"]
    terms = {"kind": kind, **{c: row[c] for c in TERM_COLUMNS[kind]}}
    fields = {k: row[k] for k in LinkOut.__struct_fields__ if k != "terms"}
    return msgspec.convert({**fields, "terms": terms}, LinkOut)


def _stored(row: Any) -> StoredLink:
    return StoredLink(link=_link(row), household_town_id=row["household_town_id"], county_code=row["link_county_code"])


# bases


async def industry_of_enterprise(db: Db, code: str, enterprise_id: int) -> IndustryOfEnterprise | None:
    row = await db.fetchrow(
        "SELECT i.id, ei.enterprise IS NOT NULL AS works_in FROM industry i"
        " LEFT JOIN enterprise_industry ei ON ei.industry = i.id AND ei.enterprise = $2 WHERE i.code = $1",
        code,
        enterprise_id,
    )
    return None if row is None else IndustryOfEnterprise(industry_id=row["id"], works_in=row["works_in"])


async def base_name_taken(db: Db, enterprise_id: int, name: str) -> bool:
    return bool(
        await db.fetchval("SELECT EXISTS (SELECT 1 FROM base WHERE enterprise = $1 AND name = $2)", enterprise_id, name)
    )


async def insert_base(db: Db, enterprise_id: int, industry_id: int, village_id: int, name: str, area: Decimal) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO base (enterprise, industry, village, name, area, created_at)"
            " VALUES ($1, $2, $3, $4, $5, now()) RETURNING id",
            enterprise_id,
            industry_id,
            village_id,
            name,
            area,
        )
    )


async def base_by_id(db: Db, base_id: int) -> BaseOut | None:
    row = await db.fetchrow(_BASE + " WHERE b.id = $1", base_id)
    return None if row is None else _base(row)


class PlacedBase(msgspec.Struct, frozen=True, kw_only=True):
    """A base with the county of its village (what a scope check needs)."""

    base: BaseOut
    county_code: str


async def placed_base(db: Db, base_id: int) -> PlacedBase | None:
    row = await db.fetchrow(_BASE + " WHERE b.id = $1", base_id)
    return None if row is None else PlacedBase(base=_base(row), county_code=row["county_code"])


async def base_town(db: Db, base_id: int) -> int | None:
    """The town of the base's village."""
    town: int | None = await db.fetchval(
        "SELECT v.town FROM base b JOIN village v ON v.id = b.village WHERE b.id = $1", base_id
    )
    return town


async def page_of_bases(
    db: Db,
    page: PageParams,
    *,
    enterprise_id: int | None,
    village_id: int | None,
    town_id: int | None = None,
    region: str | None = None,
) -> Page[BaseOut]:
    args: list[Any] = [enterprise_id, village_id, town_id]
    return await fetch_page(
        _BASE + " WHERE ($1::int IS NULL OR b.enterprise = $1) AND ($2::int IS NULL OR b.village = $2)"
        " AND ($3::int IS NULL OR b.village IN (SELECT v.id FROM village v WHERE v.town = $3))"
        + county_clause("b.county_code", region, args),
        args,
        page,
        "id",
        _base,
        db=db,
    )


# links


async def base_facts(db: Db, base_id: int, enterprise_id: int) -> BaseFacts | None:
    row = await db.fetchrow(
        "SELECT b.enterprise, i.code, bv.town,"
        " EXISTS (SELECT 1 FROM enterprise_industry ei WHERE ei.enterprise = $2 AND ei.industry = b.industry)"
        "   AS works_in"
        " FROM base b JOIN industry i ON i.id = b.industry JOIN village bv ON bv.id = b.village WHERE b.id = $1",
        base_id,
        enterprise_id,
    )
    if row is None:
        return None
    return BaseFacts(
        enterprise_id=row["enterprise"], industry=row["code"], town_id=row["town"], enterprise_works_in=row["works_in"]
    )


async def overlapping_link(
    db: Db, base_id: int, household_id: int, kind: str, start: date, end: date | None
) -> Overlap | None:
    row = await db.fetchrow(
        "SELECT id, start_date, end_date FROM link WHERE base = $1 AND household = $2 AND kind = $3"
        " AND daterange(start_date, end_date, '[]') && daterange($4::date, $5::date, '[]') ORDER BY id LIMIT 1",
        base_id,
        household_id,
        kind,
        start,
        end,
    )
    return None if row is None else Overlap(id=row["id"], start_date=row["start_date"], end_date=row["end_date"])


_INSERT_LINK = (
    f"INSERT INTO link (enterprise, base, household, kind, start_date, end_date, note, {', '.join(_ALL_TERMS)},"
    " created_at)"
    f" VALUES ({', '.join(f'${i}' for i in range(1, 8 + len(_ALL_TERMS)))}, now()) RETURNING id"
)


async def insert_link(db: Db, new: NewLink) -> int:
    terms = [new.terms.get(c) for c in _ALL_TERMS]
    return int(
        await db.fetchval(
            _INSERT_LINK,
            new.enterprise_id,
            new.base_id,
            new.household_id,
            new.kind,
            new.start_date,
            new.end_date,
            new.note,
            *terms,
        )
    )


async def link_by_id(db: Db, link_id: int, *, lock: bool = False) -> StoredLink | None:
    sql = _LINK + " WHERE l.id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE OF l" if lock else sql, link_id)
    return None if row is None else _stored(row)


# The SQL twin of links.rules.effective_end: a link to an exited household ends with its policy continuation
# (31 December of the exit year + the county's continuation years, the setting $7 where it set none).
_EFFECTIVE_END = (
    "CASE WHEN h.status = 'exited' AND h.exited_year IS NOT NULL THEN least(l.end_date, make_date(h.exited_year"
    " + coalesce((SELECT cp.continuation_years FROM county_policy cp WHERE cp.county = v.county_id), $7::int),"
    " 12, 31)) ELSE l.end_date END"
)


class LinkQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which links a list reads (the caller's scope already applied)."""

    enterprise_id: int | None = None
    base_id: int | None = None
    household_id: int | None = None
    kind: str | None = None
    active_on: date | None = None
    town_id: int | None = None
    continuation_years: int = 5  # the setting; a county's own policy, where it set one, wins
    region: str | None = None  # the caller's region: a county prefix


async def page_of_links(db: Db, q: LinkQuery, page: PageParams) -> Page[LinkOut]:
    args: list[Any] = [q.enterprise_id, q.base_id, q.household_id, q.kind, q.active_on, q.town_id, q.continuation_years]
    return await fetch_page(
        _LINK + " WHERE ($1::int IS NULL OR l.enterprise = $1) AND ($2::int IS NULL OR l.base = $2)"
        " AND ($3::int IS NULL OR l.household = $3) AND ($4::text IS NULL OR l.kind = $4)"
        " AND ($5::date IS NULL OR ($5::date >= l.start_date AND $5::date <= coalesce("
        + _EFFECTIVE_END
        + ", 'infinity')))"
        " AND ($6::int IS NULL OR v.town = $6)" + county_clause("l.county_code", q.region, args),
        args,
        page,
        "id",
        _link,
        db=db,
    )


async def paid_until(db: Db, link_id: int) -> date | None:
    """The end of the last period paid under the link (the payout ledger builds on links)."""
    return await db.fetchval("SELECT max(period_to) FROM payout WHERE link = $1", link_id)


async def set_end(db: Db, link_id: int, end: date) -> None:
    await db.execute("UPDATE link SET end_date = $2 WHERE id = $1", link_id, end)


async def end_running_links(db: Db, household_id: int, on: date) -> list[int]:
    """End on ``on`` the household's links running that day or later; the ids of those ended."""
    rows = await db.fetch(
        "UPDATE link SET end_date = $2::date WHERE household = $1 AND start_date <= $2::date"
        " AND (end_date IS NULL OR end_date > $2::date) RETURNING id",
        household_id,
        on,
    )
    return sorted(r["id"] for r in rows)
