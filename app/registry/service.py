"""Towns (区镇处) and villages (村 / 贫困村)."""

from __future__ import annotations

from datetime import date

from app.core.errors import Conflict, Invalid, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, ensure_county_scope, list_region
from app.core.uow import Db, reading, reading_replica, unit_of_work
from app.regions import service as regions
from app.regions.model import Level
from app.regions.rules import next_code
from app.registry import bulk, queries
from app.registry.rules import (
    VillageState,
    check_village_exit,
    check_village_listing,
    incidence_refusal,
)
from app.registry.schemas import (
    TownCreate,
    TownOut,
    VillageCreate,
    VillageExit,
    VillageListing,
    VillageOut,
    VillageUpdate,
)


async def create_town(actor: Principal, data: TownCreate) -> TownOut:
    async with unit_of_work() as uow:
        county = await regions.county_for_new(uow, data.county_id, what="town")
        ensure_county_scope(actor, county.code)
        code = data.code
        if code is None:
            code = next_code(county.code, Level.town, await queries.codes_under(uow, "town", county.code))
        elif not code.startswith(county.code):
            raise Invalid("code", f"a town of county {county.code} has a code starting with {county.code}")
        if code is not None and await queries.town_code_taken(uow, code):
            raise Conflict(f"town code {code} is taken", extra={"field": "code"})
        town = await queries.insert_town(uow, data.name, code, county.id)
        await uow.audit(actor, "create", "town", town.id, after=town)
    return town


async def get_town(town_id: int) -> TownOut:
    async with reading() as db:
        town = await queries.town_by_id(db, town_id)
    if town is None:
        raise NotFound(f"town {town_id} does not exist")
    return town


async def list_towns(principal: Principal, page: PageParams) -> Page[TownOut]:
    """Towns by name: those of the caller's region (one read by everyone otherwise: a directory)."""
    async with reading_replica() as db:
        return await queries.page_of_towns(db, page, list_region(principal))


async def create_village(actor: Principal, data: VillageCreate) -> VillageOut:
    async with unit_of_work() as uow:
        town = await queries.town_by_id(uow, data.town_id)
        if town is None:
            raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
        ensure_county_scope(actor, await queries.county_of_town(uow, town.id))
        if await queries.village_name_taken(uow, data.town_id, data.name):
            raise Conflict(f"town {data.town_id} already has a village named {data.name}", extra={"field": "name"})
        code = data.code
        if town.code is None or town.county_id is None:
            if code is not None:
                raise Refused(
                    f"town {town.id} has no county yet (chainaid regions adopt): its villages take no code",
                    extra={"field": "code"},
                )
        elif code is None:
            code = next_code(town.code, Level.village, await queries.codes_under(uow, "village", town.code))
        elif not code.startswith(town.code):
            raise Invalid("code", f"a village of town {town.code} has a code starting with {town.code}")
        if code is not None and await queries.village_code_taken(uow, code):
            raise Conflict(f"village code {code} is taken", extra={"field": "code"})
        village = await queries.insert_village(
            uow, town, code, data.name, data.is_poor_village, data.registered_year, data.rural_population
        )
        await uow.audit(actor, "create", "village", village.id, after=village)
    return village


async def get_village(village_id: int) -> VillageOut:
    async with reading() as db:
        village = await queries.village_by_id(db, village_id)
    if village is None:
        raise NotFound(f"village {village_id} does not exist")
    return village


async def list_villages(
    principal: Principal,
    page: PageParams,
    *,
    town_id: int | None = None,
    poor: bool | None = None,
    exited: bool | None = None,
) -> Page[VillageOut]:
    """Villages by town and name: those of the caller's region."""
    async with reading_replica() as db:
        return await queries.page_of_villages(db, page, town_id, poor, exited, list_region(principal))


async def _locked_village(db: Db, actor: Principal, village_id: int) -> VillageOut:
    """The village held for a change, after checking it lies in the actor's region (403)."""
    village = await queries.village_by_id(db, village_id, lock=True)
    if village is None:
        raise NotFound(f"village {village_id} does not exist")
    ensure_county_scope(actor, await queries.village_county_code(db, village_id))
    return village


def _state(v: VillageOut) -> VillageState:
    return VillageState(v.is_poor_village, v.registered_year, v.exited_year)


async def update_village(actor: Principal, village_id: int, data: VillageUpdate) -> VillageOut:
    async with unit_of_work() as uow:
        before = await _locked_village(uow, actor, village_id)
        after = await queries.update_village(uow, village_id, data.name, data.rural_population)
        await uow.audit(actor, "update", "village", village_id, before=before, after=after)
    return after


async def list_as_poor_village(actor: Principal, village_id: int, data: VillageListing) -> VillageOut:
    async with unit_of_work() as uow:
        before = await _locked_village(uow, actor, village_id)
        if refusal := check_village_listing(_state(before)):
            raise Conflict(refusal)
        after = await queries.list_as_poor(uow, village_id, data.registered_year)
        await uow.audit(actor, "list_as_poor", "village", village_id, before=before, after=after)
    return after


async def exit_village(actor: Principal, village_id: int, data: VillageExit) -> VillageOut:
    async with unit_of_work() as uow:
        before = await _locked_village(uow, actor, village_id)
        if refusal := check_village_exit(_state(before), data.year):
            raise Conflict(refusal)
        # registered-and-not-exited people over the rural population
        poor = await queries.poor_people_in_village(uow, village_id)
        policy = await regions.county_policy(uow, before.county_id)  # the county's exit incidence, or the setting
        if refusal := incidence_refusal(poor, before.rural_population, policy.exit_incidence):
            raise Conflict(refusal, extra={"poor_people": poor, "rural_population": before.rural_population})
        after = await queries.exit_village(uow, village_id, data.year)
        await uow.audit(actor, "exit", "village", village_id, before=before, after=after)
    return after


async def town_exists(db: Db, town_id: int) -> bool:
    """Whether the town exists, on the caller's connection (for other domains' checks of a reference)."""
    return await queries.town_exists(db, town_id)


async def village_county_code(db: Db, village_id: int) -> str | None:
    """The code of the county a village is in (None: no such village, or one not placed in a county yet), on
    the caller's connection (for other domains' scope checks: a base, a pairing, a support record is in its
    village's county)."""
    return await queries.village_county_code(db, village_id)


async def village_exists(db: Db, village_id: int) -> bool:
    """Whether the village exists, on the caller's connection (for other domains' checks of a reference)."""
    return await queries.village_exists(db, village_id)


async def county_of_town(db: Db, town_id: int) -> str | None:
    """The code of the county a town is in (None: no such town, or a town not placed in a county yet), on the
    caller's connection (for other domains' scope checks)."""
    return await queries.county_of_town(db, town_id)


async def village_place(db: Db, village_id: int) -> queries.VillagePlace | None:
    """A village with its town's name and its county (None: no such village), on the caller's connection (a
    notice is posted in a village and names it)."""
    return await queries.village_place(db, village_id)


async def households_on_notice(db: Db, household_ids: list[int]) -> list[queries.HouseholdOnNotice]:
    """The households that exist among these, with their village and their head's name, on the caller's
    connection (a notice lists households by their head)."""
    return await queries.households_on_notice(db, household_ids)


async def household_facts(db: Db, household_ids: list[int], on: date) -> list[queries.HouseholdFacts]:
    """The households that exist among these, with their village, county, status, exit year and members counted
    on ``on``, on the caller's connection (an asset's owners and the households its income is shared with)."""
    return await queries.household_facts(db, household_ids, on)


async def placed_households(db: Db, numbers: list[str]) -> dict[str, bulk.PlacedHousehold]:
    """The households on record under these registry numbers (those that exist), by number, with their
    county and town, on the caller's connection (a console form names households by their number)."""
    return await bulk.placed_households(db, numbers)
