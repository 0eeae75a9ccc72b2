"""Towns (区镇处) and villages (村 / 贫困村)."""

from __future__ import annotations

from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.core.principal import Principal
from app.core.database import fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page
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
from app.core.settings import get_settings

_VILLAGE = (
    "id, town AS town_id, name, is_poor_village, registered_year, exited_year, rural_population, created_at"
)


def _town(row: Any) -> TownOut:
    return to_struct(TownOut, row)


def _village(row: Any) -> VillageOut:
    return to_struct(VillageOut, row)


async def create_town(actor: Principal, data: TownCreate) -> TownOut:
    async with transaction():
        row = await fetchrow(
            "INSERT INTO town (name, code, created_at) VALUES ($1, $2, now()) RETURNING *", data.name, data.code
        )
        town = _town(row)
        await audit.record(actor, "create", "town", town.id, after=town)
    return town


async def get_town(town_id: int) -> TownOut:
    row = await fetchrow("SELECT * FROM town WHERE id = $1", town_id)
    if row is None:
        raise NotFound(f"town {town_id} does not exist")
    return _town(row)


async def list_towns(page: PageParams) -> Page[TownOut]:
    return await fetch_page("SELECT * FROM town", [], page, "name", _town)


async def create_village(actor: Principal, data: VillageCreate) -> VillageOut:
    async with transaction():
        if not await fetchrow("SELECT 1 FROM town WHERE id = $1", data.town_id):
            raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
        if await fetchrow("SELECT 1 FROM village WHERE town = $1 AND name = $2", data.town_id, data.name):
            raise Conflict(f"town {data.town_id} already has a village named {data.name}", extra={"field": "name"})
        row = await fetchrow(
            "INSERT INTO village (town, name, is_poor_village, registered_year, rural_population, created_at)"
            f" VALUES ($1, $2, $3, $4, $5, now()) RETURNING {_VILLAGE}",
            data.town_id, data.name, data.is_poor_village, data.registered_year, data.rural_population,
        )
        village = _village(row)
        await audit.record(actor, "create", "village", village.id, after=village)
    return village


async def get_village(village_id: int) -> VillageOut:
    row = await fetchrow(f"SELECT {_VILLAGE} FROM village WHERE id = $1", village_id)
    if row is None:
        raise NotFound(f"village {village_id} does not exist")
    return _village(row)


async def list_villages(
    page: PageParams, *, town_id: int | None = None, poor: bool | None = None, exited: bool | None = None
) -> Page[VillageOut]:
    return await fetch_page(
        f"SELECT {_VILLAGE} FROM village WHERE ($1::int IS NULL OR town = $1)"
        " AND ($2::bool IS NULL OR is_poor_village = $2) AND ($3::bool IS NULL OR (exited_year IS NOT NULL) = $3)",
        [town_id, poor, exited], page, "town_id, name", _village,
    )


async def _locked_village(village_id: int) -> Any:
    row = await fetchrow(f"SELECT {_VILLAGE} FROM village WHERE id = $1 FOR UPDATE", village_id)
    if row is None:
        raise NotFound(f"village {village_id} does not exist")
    return row


def _state(row: Any) -> VillageState:
    return VillageState(row["is_poor_village"], row["registered_year"], row["exited_year"])


async def update_village(actor: Principal, village_id: int, data: VillageUpdate) -> VillageOut:
    async with transaction():
        before = await _locked_village(village_id)
        row = await fetchrow(
            "UPDATE village SET name = coalesce($2, name), rural_population = coalesce($3, rural_population)"
            f" WHERE id = $1 RETURNING {_VILLAGE}",
            village_id, data.name, data.rural_population,
        )
        await audit.record(actor, "update", "village", village_id, before=_village(before), after=_village(row))
    return _village(row)


async def list_as_poor_village(actor: Principal, village_id: int, data: VillageListing) -> VillageOut:
    async with transaction():
        before = await _locked_village(village_id)
        if refusal := check_village_listing(_state(before)):
            raise Conflict(refusal)
        row = await fetchrow(
            f"UPDATE village SET is_poor_village = true, registered_year = $2 WHERE id = $1 RETURNING {_VILLAGE}",
            village_id, data.registered_year,
        )
        await audit.record(actor, "list_as_poor", "village", village_id, before=_village(before), after=_village(row))
    return _village(row)


async def exit_village(actor: Principal, village_id: int, data: VillageExit) -> VillageOut:
    async with transaction():
        before = await _locked_village(village_id)
        if refusal := check_village_exit(_state(before), data.year):
            raise Conflict(refusal)
        # registered-and-not-exited people over the rural population
        poor = (await fetchrow(
            "SELECT count(m.id) AS n FROM household h JOIN member m ON m.household = h.id"
            " WHERE h.village = $1 AND h.status IN ('registered', 'returned') AND m.left_on IS NULL", village_id,
        ))["n"]
        if refusal := incidence_refusal(poor, before["rural_population"], get_settings().exit_incidence):
            raise Conflict(refusal, extra={"poor_people": poor, "rural_population": before["rural_population"]})
        row = await fetchrow(
            f"UPDATE village SET exited_year = $2 WHERE id = $1 RETURNING {_VILLAGE}", village_id, data.year
        )
        await audit.record(actor, "exit", "village", village_id, before=_village(before), after=_village(row))
    return _village(row)
