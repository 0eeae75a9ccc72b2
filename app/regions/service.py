"""The region directory: provinces, cities, counties, towns and villages by their national codes.

Everyone reads it; admins add to it. A region's parent is checked by ``rules.parent_problem`` and, when
the request names none, found by prefix (``rules.parent_candidates``: a county hangs from its city when
the city is listed, otherwise from its province)."""

from __future__ import annotations

from app.core.errors import Conflict, Invalid, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal
from app.core.uow import Db, UnitOfWork, reading, unit_of_work
from app.regions import queries, rules
from app.regions.model import Level
from app.regions.schemas import RegionCreate, RegionOut, check_code

__all__ = [
    "RegionOut",
    "add_region",
    "create_region",
    "get_region",
    "list_regions",
    "region_by_code",
    "region_by_id",
    "some_counties",
]


async def region_by_code(db: Db, code: str) -> RegionOut | None:
    """The region of this code, on the caller's connection (for other domains' checks)."""
    return await queries.by_code(db, code)


async def region_by_id(db: Db, region_id: int) -> RegionOut | None:
    """The region of this id, on the caller's connection (for other domains' checks)."""
    return await queries.by_id(db, region_id)


async def some_counties(db: Db) -> list[RegionOut]:
    """At most two counties of the directory, by code: enough to tell none, exactly one, or several."""
    return await queries.counties(db)


async def add_region(db: UnitOfWork, actor: Principal, data: RegionCreate) -> RegionOut:
    """Add a region in the caller's unit of work (audited), its parent checked or found by prefix."""
    level = rules.level_of(data.code)
    if await queries.by_code(db, data.code) is not None:
        raise Conflict(f"region {data.code} exists already", extra={"field": "code"})
    parent: RegionOut | None = None
    if data.parent_code is not None:
        parent = await queries.by_code(db, data.parent_code)
        if parent is None:
            raise Refused(f"region {data.parent_code} does not exist", extra={"field": "parent_code"})
        if parent.level is Level.province and level is Level.county:
            city = await queries.by_code(db, data.code[: rules.LENGTHS[Level.city]])
            if city is not None:
                raise Invalid("parent_code", f"county {data.code} hangs from its city {city.code}, which is listed")
    elif level is not Level.province:
        candidates = rules.parent_candidates(data.code)
        found = await queries.by_codes(db, candidates)
        parent = next((found[c] for c in candidates if c in found), None)
        if parent is None:
            raise Refused(
                f"no parent region for {data.code}: add {' or '.join(candidates)} first", extra={"field": "code"}
            )
    region = await queries.insert(db, data.code, level, data.name, None if parent is None else parent.id)
    await db.audit(actor, "create", "region", region.id, after=region)
    return region


async def create_region(actor: Principal, data: RegionCreate) -> RegionOut:
    async with unit_of_work() as uow:
        return await add_region(uow, actor, data)


async def get_region(code: str) -> RegionOut:
    code = check_code("code", code)
    async with reading() as db:
        region = await queries.by_code(db, code)
    if region is None:
        raise NotFound(f"region {code} does not exist")
    return region


async def list_regions(
    page: PageParams, *, level: Level | None = None, parent: str | None = None, prefix: str | None = None
) -> Page[RegionOut]:
    if parent is not None:
        parent = check_code("parent", parent)
    if prefix is not None:
        prefix = prefix.strip()
        if not prefix.isascii() or not prefix.isdigit() or len(prefix) > 12:
            raise Invalid("prefix", "must be 1 to 12 ASCII digits")
    async with reading() as db:
        return await queries.page_of_regions(db, page, level, parent, prefix)
