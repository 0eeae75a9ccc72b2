"""The regions app's SQL (the ``region`` table), returning typed values."""

from __future__ import annotations

from typing import Any

import msgspec

from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.regions.model import Level
from app.regions.schemas import RegionOut

_REGION = (
    "SELECT r.id, r.code, r.level, r.name, r.parent AS parent_id, p.code AS parent_code, r.created_at"
    " FROM region r LEFT JOIN region p ON p.id = r.parent"
)


def _out(row: Any) -> RegionOut:
    return msgspec.convert(dict(row), RegionOut)


async def by_code(db: Db, code: str) -> RegionOut | None:
    row = await db.fetchrow(_REGION + " WHERE r.code = $1", code)
    return None if row is None else _out(row)


async def by_codes(db: Db, codes: list[str]) -> dict[str, RegionOut]:
    rows = await db.fetch(_REGION + " WHERE r.code = ANY ($1::text[])", codes)
    return {r["code"]: _out(r) for r in rows}


async def by_id(db: Db, region_id: int) -> RegionOut | None:
    row = await db.fetchrow(_REGION + " WHERE r.id = $1", region_id)
    return None if row is None else _out(row)


async def insert(db: Db, code: str, level: Level, name: str, parent_id: int | None) -> RegionOut:
    region_id = await db.fetchval(
        "INSERT INTO region (code, level, name, parent, created_at) VALUES ($1, $2, $3, $4, now()) RETURNING id",
        code,
        level.value,
        name,
        parent_id,
    )
    out = await by_id(db, int(region_id))
    assert out is not None  # just inserted, on this connection
    return out


async def page_of_regions(
    db: Db, page: PageParams, level: Level | None, parent_code: str | None, prefix: str | None
) -> Page[RegionOut]:
    query = (
        _REGION + " WHERE ($1::text IS NULL OR r.level = $1) AND ($2::text IS NULL OR p.code = $2)"
        " AND ($3::text IS NULL OR r.code LIKE $3 || '%')"
    )
    args = [None if level is None else level.value, parent_code, prefix]
    return await fetch_page(query, args, page, "code", _out, db=db)


async def counties(db: Db) -> list[RegionOut]:
    rows = await db.fetch(_REGION + " WHERE r.level = 'county' ORDER BY r.code LIMIT 2")
    return [_out(r) for r in rows]
