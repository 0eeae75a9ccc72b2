"""The regions app's SQL (the ``region`` table), returning typed values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.regions.model import Level
from app.regions.schemas import CountyPolicyIn, RegionOut

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


async def counties_under(db: Db, prefix: str) -> list[RegionOut]:
    """The counties whose code starts with ``prefix`` (a province's, a city's or a county's own), by code:
    LIKE on the code's text_pattern_ops index."""
    rows = await db.fetch(_REGION + " WHERE r.level = 'county' AND r.code LIKE $1 || '%' ORDER BY r.code", prefix)
    return [_out(r) for r in rows]


class StoredPolicy(msgspec.Struct, frozen=True, kw_only=True):
    county_id: int
    continuation_years: int | None
    notice_days: int | None
    exit_incidence: Decimal | None
    min_linked_households: int | None
    asset_idle_months: int | None
    asset_distribution_days: int | None
    asset_arrears_grace_days: int | None


_POLICY = (
    "SELECT county AS county_id, continuation_years, notice_days, exit_incidence, min_linked_households,"
    " asset_idle_months, asset_distribution_days, asset_arrears_grace_days FROM county_policy"
)


async def policy_of(db: Db, county_id: int) -> StoredPolicy | None:
    row = await db.fetchrow(_POLICY + " WHERE county = $1", county_id)
    return None if row is None else msgspec.convert(dict(row), StoredPolicy)


async def all_policies(db: Db) -> list[StoredPolicy]:
    return [msgspec.convert(dict(r), StoredPolicy) for r in await db.fetch(_POLICY)]


async def set_policy(db: Db, county_id: int, p: CountyPolicyIn) -> None:
    """The county's policy, whole (a value left out is null: the setting applies)."""
    await db.execute(
        "INSERT INTO county_policy (county, continuation_years, notice_days, exit_incidence, min_linked_households,"
        " asset_idle_months, asset_distribution_days, asset_arrears_grace_days, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) ON CONFLICT (county) DO UPDATE SET"
        " continuation_years = excluded.continuation_years, notice_days = excluded.notice_days,"
        " exit_incidence = excluded.exit_incidence, min_linked_households = excluded.min_linked_households,"
        " asset_idle_months = excluded.asset_idle_months, asset_distribution_days = excluded.asset_distribution_days,"
        " asset_arrears_grace_days = excluded.asset_arrears_grace_days, updated_at = now()",
        county_id,
        p.continuation_years,
        p.notice_days,
        p.exit_incidence,
        p.min_linked_households,
        p.asset_idle_months,
        p.asset_distribution_days,
        p.asset_arrears_grace_days,
    )


async def province_of(db: Db, region_id: int) -> int | None:
    """The province a region is in (itself for a province), up the parents."""
    return await db.fetchval(
        "WITH RECURSIVE up AS (SELECT id, parent, level FROM region WHERE id = $1"
        " UNION ALL SELECT r.id, r.parent, r.level FROM region r JOIN up ON r.id = up.parent)"
        " SELECT id FROM up WHERE level = 'province'",
        region_id,
    )


async def codes_of(db: Db, region_ids: list[int]) -> dict[int, str]:
    rows = await db.fetch("SELECT id, code FROM region WHERE id = ANY ($1::int[])", region_ids)
    return {r["id"]: r["code"] for r in rows}
