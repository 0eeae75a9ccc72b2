"""The notices app's SQL (``notice``, ``notice_entry``, ``notice_objection``), returning typed values.

Writes touch only these tables; reads join the village a notice is posted in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.notices.schemas import EntryOut, ObjectionOut

_NOTICE = """
SELECT n.id, n.number, n.kind, n.village AS village_id, v.name AS village_name, v.town AS town_id, n.county_code,
       n.scheme AS scheme_id, n.starts_on, n.ends_on, n.objection_place, n.created_at,
       (SELECT count(*) FROM notice_entry e WHERE e.notice = n.id) AS entries_count,
       (SELECT count(*) FROM notice_objection o WHERE o.notice = n.id AND o.resolved_on IS NULL) AS open_objections,
       (SELECT count(*) FROM notice_objection o WHERE o.notice = n.id) AS objections_count
FROM notice n JOIN village v ON v.id = n.village
"""

_OBJECTION = (
    "SELECT id, notice AS notice_id, household AS household_id, raised_by, content, raised_on, resolved_on,"
    " resolution, resolved_by, created_at FROM notice_objection"
)


class NoticeRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    number: str
    kind: str
    village_id: int
    village_name: str
    town_id: int
    county_code: str
    scheme_id: int | None
    starts_on: date
    ends_on: date
    objection_place: str | None
    created_at: datetime
    entries_count: int
    open_objections: int
    objections_count: int


class NewNotice(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    number: str
    kind: str
    village_id: int
    county_code: str
    scheme_id: int | None
    starts_on: date
    ends_on: date
    objection_place: str | None
    created_by: int | None


class NewEntry(msgspec.Struct, frozen=True, kw_only=True):
    household_id: int
    name: str
    facts: dict[str, Any]
    claim_id: int | None = None


class NoticeQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which notices a list reads (the caller's scope already applied)."""

    today: date
    kind: str | None = None
    village_id: int | None = None
    town_id: int | None = None
    scheme_id: int | None = None
    standing: str | None = None
    open_objections: bool | None = None
    region: str | None = None


class ClaimNotice(msgspec.Struct, frozen=True, kw_only=True):
    """The notice a subsidy claim stands on, as its approval reads it."""

    notice_id: int
    number: str
    ends_on: date
    open_objections: int


def _notice(row: Any) -> NoticeRow:
    return msgspec.convert(dict(row), NoticeRow)


async def next_notice_id(db: Db) -> int:
    """The id the next notice takes (its number is made from it before the row is written)."""
    return int(await db.fetchval("SELECT nextval(pg_get_serial_sequence('notice', 'id'))"))


async def insert_notice(db: Db, new: NewNotice) -> None:
    await db.execute(
        "INSERT INTO notice (id, number, kind, village, county_code, scheme, starts_on, ends_on, objection_place,"
        " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())",
        new.id,
        new.number,
        new.kind,
        new.village_id,
        new.county_code,
        new.scheme_id,
        new.starts_on,
        new.ends_on,
        new.objection_place,
        new.created_by,
    )


async def insert_entries(db: Db, notice_id: int, county_code: str, entries: Sequence[NewEntry]) -> None:
    """Every entry of a notice in one statement."""
    await db.execute(
        "INSERT INTO notice_entry (notice, county_code, household, name, claim, facts)"
        " SELECT $1, $2, u.household, u.name, u.claim, u.facts::jsonb"
        " FROM unnest($3::int[], $4::text[], $5::int[], $6::text[]) AS u(household, name, claim, facts)",
        notice_id,
        county_code,
        [e.household_id for e in entries],
        [e.name for e in entries],
        [e.claim_id for e in entries],
        [json.dumps(e.facts, ensure_ascii=False, sort_keys=True) for e in entries],
    )


async def notice_by_id(db: Db, notice_id: int) -> NoticeRow | None:
    row = await db.fetchrow(_NOTICE + " WHERE n.id = $1", notice_id)
    return None if row is None else _notice(row)


async def entries_of(db: Db, notice_id: int) -> list[EntryOut]:
    rows = await db.fetch(
        "SELECT household AS household_id, name, claim AS claim_id, facts FROM notice_entry WHERE notice = $1"
        " ORDER BY id",
        notice_id,
    )
    return [
        EntryOut(household_id=r["household_id"], name=r["name"], claim_id=r["claim_id"], facts=json.loads(r["facts"]))
        for r in rows
    ]


async def objections_of(db: Db, notice_id: int) -> list[ObjectionOut]:
    rows = await db.fetch(_OBJECTION + " WHERE notice = $1 ORDER BY id", notice_id)
    return [msgspec.convert(dict(r), ObjectionOut) for r in rows]


async def on_notice(db: Db, notice_id: int, household_id: int) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM notice_entry WHERE notice = $1 AND household = $2)", notice_id, household_id
        )
    )


async def page_of_notices(db: Db, q: NoticeQuery, page: PageParams) -> Page[NoticeRow]:
    args: list[Any] = [q.kind, q.village_id, q.town_id, q.scheme_id, q.standing, q.today, q.open_objections]
    sql = (
        "SELECT * FROM (" + _NOTICE + ") n WHERE ($1::text IS NULL OR n.kind = $1)"
        " AND ($2::int IS NULL OR n.village_id = $2) AND ($3::int IS NULL OR n.town_id = $3)"
        " AND ($4::int IS NULL OR n.scheme_id = $4)"
        " AND ($5::text IS NULL OR ($5 = 'upcoming' AND n.starts_on > $6)"
        "      OR ($5 = 'posted' AND n.starts_on <= $6 AND n.ends_on >= $6) OR ($5 = 'ended' AND n.ends_on < $6))"
        " AND ($7::bool IS NULL OR (n.open_objections > 0) = $7)" + county_clause("n.county_code", q.region, args)
    )
    return await fetch_page(sql, args, page, "id DESC", _notice, db=db)


async def hold_notice(db: Db, notice_id: int) -> None:
    """Hold the notice row (FOR UPDATE) to the end of the transaction: an objection and an approval reading
    the notice's objections (FOR SHARE) take turns, so an approval never misses one being recorded."""
    await db.execute("SELECT 1 FROM notice WHERE id = $1 FOR UPDATE", notice_id)


async def insert_objection(
    db: Db,
    notice_id: int,
    household_id: int | None,
    raised_by: str,
    content: str,
    raised_on: date,
    created_by: int | None,
) -> ObjectionOut:
    row = await db.fetchrow(
        "INSERT INTO notice_objection (notice, household, raised_by, content, raised_on, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, now())"
        " RETURNING id, notice AS notice_id, household AS household_id, raised_by, content, raised_on, resolved_on,"
        " resolution, resolved_by, created_at",
        notice_id,
        household_id,
        raised_by,
        content,
        raised_on,
        created_by,
    )
    assert row is not None  # an INSERT ... RETURNING returns its row
    return msgspec.convert(dict(row), ObjectionOut)


async def objection_held(db: Db, notice_id: int, objection_id: int) -> ObjectionOut | None:
    """An objection to this notice, its row held (FOR UPDATE) to the end of the transaction."""
    row = await db.fetchrow(_OBJECTION + " WHERE id = $1 AND notice = $2 FOR UPDATE", objection_id, notice_id)
    return None if row is None else msgspec.convert(dict(row), ObjectionOut)


async def resolve_objection(
    db: Db, objection_id: int, resolved_on: date, resolution: str, resolved_by: int | None
) -> ObjectionOut:
    row = await db.fetchrow(
        "UPDATE notice_objection SET resolved_on = $2, resolution = $3, resolved_by = $4 WHERE id = $1"
        " RETURNING id, notice AS notice_id, household AS household_id, raised_by, content, raised_on, resolved_on,"
        " resolution, resolved_by, created_at",
        objection_id,
        resolved_on,
        resolution,
        resolved_by,
    )
    assert row is not None  # the row is held by the caller
    return msgspec.convert(dict(row), ObjectionOut)


async def claim_notice(db: Db, claim_id: int) -> ClaimNotice | None:
    row = await db.fetchrow(
        "SELECT n.id AS notice_id, n.number, n.ends_on,"
        " (SELECT count(*) FROM notice_objection o WHERE o.notice = n.id AND o.resolved_on IS NULL) AS open_objections"
        " FROM notice_entry e JOIN notice n ON n.id = e.notice WHERE e.claim = $1 FOR SHARE OF n",
        claim_id,
    )
    return None if row is None else msgspec.convert(dict(row), ClaimNotice)


async def claims_on_notices(db: Db, claim_ids: Sequence[int]) -> set[int]:
    rows = await db.fetch("SELECT claim FROM notice_entry WHERE claim = ANY($1::int[])", list(claim_ids))
    return {int(r["claim"]) for r in rows}


class HouseholdNotice(msgspec.Struct, frozen=True, kw_only=True):
    """A notice as a step that cites it for one household reads it."""

    notice_id: int
    number: str
    kind: str
    starts_on: date
    ends_on: date
    lists_household: bool
    open_objections: int


async def household_notice(db: Db, notice_id: int, household_id: int) -> HouseholdNotice | None:
    row = await db.fetchrow(
        "SELECT n.id AS notice_id, n.number, n.kind, n.starts_on, n.ends_on,"
        " EXISTS (SELECT 1 FROM notice_entry e WHERE e.notice = n.id AND e.household = $2) AS lists_household,"
        " (SELECT count(*) FROM notice_objection o WHERE o.notice = n.id AND o.resolved_on IS NULL) AS open_objections"
        " FROM notice n WHERE n.id = $1 FOR SHARE OF n",
        notice_id,
        household_id,
    )
    return None if row is None else msgspec.convert(dict(row), HouseholdNotice)
