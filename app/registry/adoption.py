"""A deployment's towns and villages adopted by a county (`chainaid regions adopt`): the province and
county regions are made if missing, and every town and village not yet in a county is put in this one,
with its national code: a town keeps a code of its own that is 9 digits under the county, a village one
that is its town's code + 3 digits; the others get the next free code (town = county + 001, 002, ...;
village = town + 001, ...), as the national scheme numbers them. One transaction, one audit entry naming
every code given (and the old code it replaced), and idempotent: a second run finds nothing to place."""

from __future__ import annotations

import msgspec

from app.core.errors import Conflict, Invalid
from app.core.principal import Principal
from app.core.uow import UnitOfWork, unit_of_work
from app.core.validation import clean_name
from app.regions import rules
from app.regions import service as regions
from app.regions.model import Level
from app.regions.schemas import RegionCreate, RegionOut, check_code
from app.registry import queries
from app.registry.county_fill import fill_counties


class Adopted(msgspec.Struct, kw_only=True):
    province: RegionOut
    county: RegionOut
    created: list[str]
    """The region codes this run created (none on a second run)."""
    towns: int
    villages: int
    replaced: dict[str, str]
    """Old town codes that were not national codes under the county -> the code given instead."""

    @property
    def changed(self) -> bool:
        return bool(self.created or self.towns or self.villages)

    def summary(self) -> str:
        head = f"county {self.county.code} {self.county.name} in province {self.province.code} {self.province.name}"
        if not self.changed:
            return f"nothing to adopt: {head} holds every town and village already"
        made = f" (created {', '.join(self.created)})" if self.created else ""
        swapped = f"; {len(self.replaced)} old town codes replaced" if self.replaced else ""
        return f"adopted into {head}{made}: {self.towns} towns and {self.villages} villages placed{swapped}"


async def _region(uow: UnitOfWork, actor: Principal, code: str, name: str, created: list[str]) -> RegionOut:
    found = await regions.region_by_code(uow, code)
    if found is not None:
        if found.name != name:
            raise Conflict(f"region {code} is {found.name}, not {name}", extra={"field": "name"})
        return found
    created.append(code)
    return await regions.add_region(uow, actor, RegionCreate(code=code, name=name))


async def adopt(
    actor: Principal, *, county: str, name: str, province: str, province_name: str, uow: UnitOfWork | None = None
) -> Adopted:
    """Adopt every unplaced town and village into the county (see the module's text)."""
    county = check_code("county", county)
    province = check_code("province", province)
    if rules.level_of(county) is not Level.county:
        raise Invalid("county", "a county code is 6 digits")
    if rules.level_of(province) is not Level.province:
        raise Invalid("province", "a province code is 2 digits")
    if not county.startswith(province):
        raise Invalid("county", f"county {county} is not in province {province}")
    name, province_name = clean_name("name", name, 60), clean_name("province_name", province_name, 60)
    if uow is None:
        async with unit_of_work() as own:
            return await adopt(actor, county=county, name=name, province=province, province_name=province_name, uow=own)

    await queries.lock_places(uow)
    created: list[str] = []
    the_province = await _region(uow, actor, province, province_name, created)
    the_county = await _region(uow, actor, county, name, created)

    taken = await queries.taken_codes(uow, county)
    town_codes: dict[int, str] = {}
    replaced: dict[str, str] = {}
    unplaced_towns = await queries.unplaced_towns(uow)
    keep = {
        t.id
        for t in unplaced_towns
        if t.code is not None and t.code.startswith(county) and len(t.code) == 9 and rules.code_problem(t.code) is None
    }
    for town in unplaced_towns:  # the towns whose own codes fit keep them; the others are numbered after
        if town.id in keep:
            town_codes[town.id] = town.code or ""
    for town in unplaced_towns:
        if town.id not in keep:
            town_codes[town.id] = rules.next_code(county, Level.town, taken)
            taken.add(town_codes[town.id])
            if town.code is not None:
                replaced[town.code] = town_codes[town.id]

    codes = {**await queries.codes_of_towns(uow), **town_codes}
    village_codes: dict[int, str] = {}
    unplaced_villages = await queries.unplaced_villages(uow)
    for village in unplaced_villages:
        town_code = codes[village.town_id]
        if village.code is not None and town_code is not None and village.code.startswith(town_code):
            village_codes[village.id] = village.code
    for village in unplaced_villages:
        if village.id not in village_codes:
            town_code = codes[village.town_id]
            if town_code is None or not town_code.startswith(county):  # a village of a town in another county
                raise Conflict(f"village {village.id}'s town {village.town_id} is in another county")
            village_codes[village.id] = rules.next_code(town_code, Level.village, taken)
            taken.add(village_codes[village.id])

    out = Adopted(
        province=the_province,
        county=the_county,
        created=created,
        towns=len(town_codes),
        villages=len(village_codes),
        replaced=replaced,
    )
    if town_codes or village_codes:
        await queries.place(uow, the_county.id, town_codes, village_codes)
        filled = await fill_counties(uow, the_county.id)
        await uow.audit(
            actor,
            "adopt",
            "region",
            the_county.id,
            after={
                "county": county,
                "towns": {str(k): v for k, v in town_codes.items()},
                "villages": {str(k): v for k, v in village_codes.items()},
                "replaced": replaced,
                "counties_filled": filled,
            },
            chain=county,  # the county's own chain: what it took in is its own
        )
    return out
