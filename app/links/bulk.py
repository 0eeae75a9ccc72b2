"""The bases' and links' set-based reads and writes for a county's import (issue 13).

New rows take their ids from the sequence in one statement and go in with COPY, each with its county (the
insert triggers then have nothing to look up); the few a re-import changes are updated from arrays. The
checks that decide what to write are the importer's (``app.imports.bases``, ``app.imports.links``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.counties import COUNTY_COLUMN
from app.core.uow import Db, UnitOfWork, stream_rows
from app.links.queries import TERM_COLUMNS

ALL_TERMS: tuple[str, ...] = tuple(c for columns in TERM_COLUMNS.values() for c in columns)
"""Every kind's term columns, in the link table's order."""


def term_columns(kind: str) -> tuple[str, ...]:
    """The term columns of a kind of link (``share``: share_capital, dividend_rate, dividend_period)."""
    return TERM_COLUMNS[kind]


# ---------------------------------------------------------------------------------------------- bases


@dataclass(frozen=True, slots=True)
class StoredBase:
    id: int
    enterprise_id: int
    county_code: str
    town_id: int
    industry: str
    village_code: str
    area: Decimal
    enterprise_works_in: bool
    """Whether the enterprise is registered in the base's industry (a link's base must be)."""


_BASES = """
SELECT b.id, b.enterprise, b.name, b.county_code, v.town, i.code AS industry, v.code AS village_code, b.area,
       EXISTS (SELECT 1 FROM enterprise_industry ei WHERE ei.enterprise = b.enterprise AND ei.industry = b.industry)
         AS works_in
FROM base b JOIN village v ON v.id = b.village JOIN industry i ON i.id = b.industry
WHERE b.enterprise = ANY ($1::int[])
"""


async def bases_of_enterprises(db: Db, enterprise_ids: Sequence[int]) -> dict[tuple[int, str], StoredBase]:
    """The bases of these enterprises, by (enterprise id, base name): a base's natural key."""
    return {
        (r["enterprise"], r["name"]): StoredBase(
            r["id"],
            r["enterprise"],
            r["county_code"],
            r["town"],
            r["industry"],
            r["village_code"],
            r["area"],
            r["works_in"],
        )
        for r in await db.fetch(_BASES, sorted(set(enterprise_ids)))
    }


async def reserve_ids(db: Db, table: str, count: int) -> list[int]:
    """``count`` fresh ids of ``base`` or ``link``, taken from its sequence at once."""
    assert table in ("base", "link")
    if count == 0:
        return []
    return list(
        await db.fetchval(
            f"SELECT array_agg(nextval(pg_get_serial_sequence('{table}', 'id'))) FROM generate_series(1, $1)", count
        )
    )


async def copy_rows(
    uow: UnitOfWork, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], county: str
) -> None:
    """COPY ``rows`` into ``base`` or ``link``, each with the county it is in."""
    assert table in ("base", "link")
    if rows:
        await uow.conn.copy_records_to_table(
            table, columns=[*columns, COUNTY_COLUMN], records=[(*r, county) for r in rows]
        )


BASE_COLUMNS = ("id", "enterprise", "industry", "village", "name", "area", "created_at")


@dataclass(frozen=True, slots=True)
class BaseChange:
    id: int
    industry_id: int
    village_id: int
    area: Decimal


async def update_bases(uow: UnitOfWork, changes: Sequence[BaseChange], county: str) -> None:
    """Each base's industry, village and area; its county is the new village's (an import's one county)."""
    if not changes:
        return
    await uow.execute(
        "UPDATE base b SET industry = u.industry, village = u.village, area = u.area, county_code = $5"
        " FROM unnest($1::int[], $2::int[], $3::int[], $4::numeric[]) AS u(id, industry, village, area)"
        " WHERE b.id = u.id",
        [c.id for c in changes],
        [c.industry_id for c in changes],
        [c.village_id for c in changes],
        [c.area for c in changes],
        county,
    )


# ---------------------------------------------------------------------------------------------- links

LINK_COLUMNS = (
    "id",
    "enterprise",
    "base",
    "household",
    "kind",
    "start_date",
    "end_date",
    *ALL_TERMS,
    "note",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class StoredLink:
    id: int
    household_id: int
    base_id: int
    kind: str
    start_date: date
    end_date: date | None
    terms: dict[str, Any]
    """Every kind's term columns (the other kinds' are null)."""
    note: str | None
    paid_until: date | None
    """The end of the latest period its payouts cover (an end is never brought before it)."""


_LINKS = f"""
SELECT l.id, l.household, l.base, l.kind, l.start_date, l.end_date, {", ".join("l." + c for c in ALL_TERMS)}, l.note,
       (SELECT max(p.period_to) FROM payout p WHERE p.link = l.id) AS paid_until
FROM link l
WHERE l.household = ANY ($1::int[])
"""


async def links_of_households(db: Db, household_ids: Sequence[int]) -> list[StoredLink]:
    """Every link of these households (a re-import's rows and the links a new one must not overlap)."""
    return [
        StoredLink(
            r["id"],
            r["household"],
            r["base"],
            r["kind"],
            r["start_date"],
            r["end_date"],
            {c: r[c] for c in ALL_TERMS},
            r["note"],
            r["paid_until"],
        )
        for r in await db.fetch(_LINKS, sorted(set(household_ids)))
    ]


@dataclass(frozen=True, slots=True)
class LinkChange:
    id: int
    end_date: date | None
    terms: dict[str, Any]
    """Every term column (null where the kind has none)."""
    note: str | None


_NUMERIC_TERMS = frozenset(
    {
        "share_capital",
        "dividend_rate",
        "wage_rate",
        "contract_price",
        "contracted_quantity",
        "franchise_fee",
        "franchise_split",
    }
)


async def update_links(uow: UnitOfWork, changes: Sequence[LinkChange]) -> None:
    """Each link's end, terms and note (its kind, household, base and start are its key)."""
    if not changes:
        return
    names = ["id", "end_date", *ALL_TERMS, "note"]
    types = ["int", "date", *("numeric" if c in _NUMERIC_TERMS else "text" for c in ALL_TERMS), "text"]
    columns = [
        [c.id for c in changes],
        [c.end_date for c in changes],
        *([c.terms.get(t) for c in changes] for t in ALL_TERMS),
        [c.note for c in changes],
    ]
    params = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, start=1))
    sets = ", ".join(f"{n} = u.{n}" for n in names[1:])
    await uow.execute(
        f"UPDATE link l SET {sets} FROM unnest({params}) AS u({', '.join(names)}) WHERE l.id = u.id", *columns
    )


# ------------------------------------------------------------------------------ a county, as the template

COUNTY_BASES = """
SELECT e.credit_code AS enterprise_credit_code, b.name, i.code AS industry, v.code AS village_code, b.area
FROM base b JOIN enterprise e ON e.id = b.enterprise JOIN industry i ON i.id = b.industry
JOIN village v ON v.id = b.village
WHERE b.county_code = $1
ORDER BY b.id
"""

COUNTY_LINKS = f"""
SELECT h.registry_no, e.credit_code AS enterprise_credit_code, b.name AS base, l.kind, l.start_date, l.end_date,
       {", ".join("l." + c for c in ALL_TERMS)}, l.note
FROM link l JOIN household h ON h.id = l.household JOIN enterprise e ON e.id = l.enterprise JOIN base b ON b.id = l.base
WHERE l.county_code = $1 AND l.kind <> 'asset'
ORDER BY l.id
"""
"""A county's bases and links in the columns of their templates (``app.sheets.templates.BASES``, ``LINKS``):
what ``chainaid import export`` writes. Links of kind ``asset`` are left out: the template has no such kind
(an asset's distribution makes them, app/assets), and a file holding them could not be taken back in."""


async def county_template_rows(sheet_key: str, county: str) -> AsyncIterator[dict[str, Any]]:
    """The rows of the bases or links template's sheet for a county, streamed."""
    sql = {"bases": COUNTY_BASES, "links": COUNTY_LINKS}[sheet_key]
    async for record in stream_rows(sql, [county]):
        yield dict(record)


# ------------------------------------------------------------------------- the links an asset's income runs on


@dataclass(frozen=True, slots=True)
class AssetLinks:
    """The ``asset`` link of each household an income is shared with (found or made), and what stands in the
    way of one: households whose asset link on the base overlaps the period without covering it."""

    link_of: dict[int, int]
    """household id -> link id, for every household asked for but the blocked ones."""
    created: list[int]
    """The ids of the links made now, in household order."""
    blocked: dict[int, int]
    """household id -> the asset link on the base that overlaps the period without covering it."""


ASSET_LINKS_LOCK = 0x43A1_0002
"""The namespace of the advisory locks under which a base's asset links are made (the first int4 of the two-int
form, the second the base's id; app/core/uow.py holds the audit chains' namespace, 0x43A1_0001)."""

_ASSET_LINKS = """
WITH wanted AS (SELECT unnest($1::int[]) AS household),
on_base AS MATERIALIZED (
    SELECT l.id, l.household, l.start_date, l.end_date FROM link l
    WHERE l.base = $2 AND l.enterprise = $3 AND l.kind = 'asset'
      AND daterange(l.start_date, l.end_date, '[]') && daterange($4::date, $5::date, '[]')
),
found AS (
    SELECT DISTINCT ON (w.household) w.household, b.id,
           daterange(b.start_date, b.end_date, '[]') @> daterange($4::date, $5::date, '[]') AS covers
    FROM wanted w JOIN on_base b ON b.household = w.household
    ORDER BY w.household, 3 DESC, b.start_date DESC
),
made AS (
    INSERT INTO link (enterprise, base, household, kind, start_date, end_date, note, created_at, county_code)
    SELECT $3, $2, w.household, 'asset', $4, $6, $7, now(), $8 FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.household = w.household)
      AND NOT EXISTS (SELECT 1 FROM found f WHERE NOT f.covers)
    ORDER BY w.household
    RETURNING household, id
)
SELECT household, id, covers, false AS created FROM found
UNION ALL SELECT household, id, true, true FROM made
"""
# The base's asset links over the period are read once (on link's base index) and matched to the households
# by a hash join: the CTE is materialized, so even a cached generic plan (which may think the base has few
# links) does not read the base's links again for every household.


async def asset_links(
    uow: UnitOfWork,
    *,
    enterprise_id: int,
    base_id: int,
    household_ids: Sequence[int],
    period_from: date,
    period_to: date,
    end: date | None,
    note: str,
    county: str,
) -> AssetLinks:
    """The ``asset`` links between an asset's operator, the base its agreement names and each household, over a
    period: an existing one that covers the period is used, a missing one is made (from ``period_from`` to
    ``end``, the agreement's end; in ``county``, the asset's and its households'), all in one statement. A
    household whose asset link on the base overlaps the period without covering it is blocked, and then nothing
    is made (the caller refuses the distribution). The same rule as a link an operator makes: one link of a
    kind between a household and a base at a time."""
    households = sorted(set(household_ids))
    # two distributions making links on one base wait for each other (the second then finds the first's)
    await uow.execute("SELECT pg_advisory_xact_lock($1, $2)", ASSET_LINKS_LOCK, base_id)
    args = (households, base_id, enterprise_id, period_from, period_to, end, note, county)
    rows = await uow.fetch(_ASSET_LINKS, *args)
    blocked = {r["household"]: r["id"] for r in rows if not r["covers"]}
    if blocked:  # none was made
        return AssetLinks(link_of={}, created=[], blocked=blocked)
    return AssetLinks(
        link_of={r["household"]: r["id"] for r in rows},
        created=sorted(r["id"] for r in rows if r["created"]),
        blocked={},
    )
