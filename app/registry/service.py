"""Towns (区镇处) and, with the household registry, villages and households."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import NotFoundException

from app import audit
from app.auth import Principal
from app.database import fetchrow, to_struct, transaction
from app.pagination import Page, PageParams, fetch_page
from app.registry.schemas import TownCreate, TownOut


def _town(row: Any) -> TownOut:
    return to_struct(TownOut, row)


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
        raise NotFoundException(f"town {town_id} does not exist")
    return _town(row)


async def list_towns(page: PageParams) -> Page[TownOut]:
    return await fetch_page("SELECT * FROM town", [], page, "name", _town)
