"""The region directory: provinces, cities, counties, towns and villages by their national codes.

Everyone reads it; admins add to it. A region's parent is checked by ``rules.parent_problem`` and, when
the request names none, found by prefix (``rules.parent_candidates``: a county hangs from its city when
the city is listed, otherwise from its province)."""

from __future__ import annotations

from app.core.errors import Conflict, Invalid, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, ensure_region_scope
from app.core.settings import get_settings
from app.core.uow import Db, UnitOfWork, reading, reading_replica, unit_of_work
from app.regions import queries, rules
from app.regions.model import Level
from app.regions.rules import CountyPolicies, Policy, effective_policy
from app.regions.schemas import CountyPolicyIn, CountyPolicyOut, RegionCreate, RegionOut, check_code

__all__ = [
    "RegionOut",
    "add_region",
    "counties_under",
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


async def counties_under(db: Db, prefix: str) -> list[RegionOut]:
    """Every county whose code starts with ``prefix`` (a province's, a city's or a county's own code), by
    code, on the caller's connection (for the overview of a region)."""
    return await queries.counties_under(db, prefix)


async def some_counties(db: Db) -> list[RegionOut]:
    """At most two counties of the directory, by code: enough to tell none, exactly one, or several."""
    return await queries.counties(db)


async def county_for_new(db: Db, county_id: int | None, *, what: str) -> RegionOut:
    """The county a new town or scheme (``what``) goes to: the one named, else the directory's only county.
    A region that is no county is a 409, several counties and none named a 400, no county at all a 409
    (every such row belongs to a county: app/core/counties.py)."""
    if county_id is not None:
        county = await region_by_id(db, county_id)
        if county is None or county.level is not Level.county:
            raise Refused(f"region {county_id} is not a county", extra={"field": "county_id"})
        return county
    counties = await some_counties(db)
    if len(counties) > 1:
        raise Invalid("county_id", f"the directory holds several counties: name the {what}'s county")
    if not counties:
        raise Refused(
            "the directory holds no county yet: create it (POST /api/v1/regions) or run `chainaid regions adopt`",
            extra={"field": "county_id"},
        )
    return counties[0]


async def add_region(db: UnitOfWork, actor: Principal, data: RegionCreate) -> RegionOut:
    """Add a region in the caller's unit of work (audited), its parent checked or found by prefix; a region's
    admin adds regions under its own only (403)."""
    ensure_region_scope(actor, data.code)
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
    # a county, town or village is its county's (the first 6 digits of its code); a province or city no county's
    county = region.code[: rules.LENGTHS[Level.county]] if len(region.code) >= rules.LENGTHS[Level.county] else ""
    await db.audit(actor, "create", "region", region.id, after=region, chain=county)
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
    async with reading_replica() as db:
        return await queries.page_of_regions(db, page, level, parent, prefix)


# ---- each county's own policy ---------------------------------------------------------------


def default_policy() -> Policy:
    """The deployment's policy, from the settings: what a county that set nothing is held to."""
    s = get_settings()
    return Policy(
        continuation_years=s.continuation_years,
        notice_days=s.notice_days,
        exit_incidence=s.exit_incidence,
        min_linked_households=s.min_linked_households,
        asset_idle_months=s.asset_idle_months,
        asset_distribution_days=s.asset_distribution_days,
        asset_arrears_grace_days=s.asset_arrears_grace_days,
    )


def _effective(stored: queries.StoredPolicy | None) -> Policy:
    if stored is None:
        return default_policy()
    return effective_policy(
        default_policy(),
        continuation_years=stored.continuation_years,
        notice_days=stored.notice_days,
        exit_incidence=stored.exit_incidence,
        min_linked_households=stored.min_linked_households,
        asset_idle_months=stored.asset_idle_months,
        asset_distribution_days=stored.asset_distribution_days,
        asset_arrears_grace_days=stored.asset_arrears_grace_days,
    )


async def county_policy(db: Db, county_id: int | None) -> Policy:
    """The policy a county's households and villages are held to (the settings' for none), on the caller's
    connection: the lookup the services pass into their pure rules."""
    return default_policy() if county_id is None else _effective(await queries.policy_of(db, county_id))


async def county_policies(db: Db) -> CountyPolicies:
    """Every county's policy at once, for a use case over many households (a payout batch, a report)."""
    return CountyPolicies(
        defaults=default_policy(), by_county={p.county_id: _effective(p) for p in await queries.all_policies(db)}
    )


async def _county(db: Db, code: str) -> RegionOut:
    code = check_code("region_code", code)
    county = await queries.by_code(db, code)
    if county is None:
        raise NotFound(f"region {code} does not exist")
    if county.level is not Level.county:
        raise Invalid("region_code", f"region {code} is a {county.level.value}: a policy is a county's")
    return county


def _policy_out(county: RegionOut, stored: queries.StoredPolicy | None) -> CountyPolicyOut:
    return CountyPolicyOut(
        county_code=county.code,
        continuation_years=None if stored is None else stored.continuation_years,
        notice_days=None if stored is None else stored.notice_days,
        exit_incidence=None if stored is None else stored.exit_incidence,
        min_linked_households=None if stored is None else stored.min_linked_households,
        asset_idle_months=None if stored is None else stored.asset_idle_months,
        asset_distribution_days=None if stored is None else stored.asset_distribution_days,
        asset_arrears_grace_days=None if stored is None else stored.asset_arrears_grace_days,
        effective=_effective(stored),
    )


async def get_county_policy(code: str) -> CountyPolicyOut:
    async with reading() as db:
        county = await _county(db, code)
        return _policy_out(county, await queries.policy_of(db, county.id))


async def set_county_policy(actor: Principal, code: str, data: CountyPolicyIn) -> CountyPolicyOut:
    async with unit_of_work() as uow:
        county = await _county(uow, code)
        ensure_region_scope(actor, county.code)
        before = await queries.policy_of(uow, county.id)
        await queries.set_policy(uow, county.id, data)
        out = _policy_out(county, await queries.policy_of(uow, county.id))
        await uow.audit(
            actor,
            "set_policy",
            "region",
            county.id,
            before=None if before is None else _policy_out(county, before),
            after=out,
            chain=county.code,
        )
    return out


async def province_of(db: Db, region_id: int) -> int | None:
    """The id of the province a region (a county, say) is in, on the caller's connection."""
    return await queries.province_of(db, region_id)


async def codes_of(db: Db, region_ids: list[int]) -> dict[int, str]:
    """The codes of these regions, by id."""
    return await queries.codes_of(db, region_ids)
