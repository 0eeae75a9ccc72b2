"""Industries: the four seeded by migration, and those admins add (a breeding industry per head, say)."""

from __future__ import annotations

from typing import Any

from app import audit
from app.core.errors import Conflict
from app.core.principal import Principal
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.industries.schemas import IndustryCreate, IndustryOut


def _out(row: Any) -> IndustryOut:
    return to_struct(IndustryOut, row)


async def list_industries() -> list[IndustryOut]:
    return [_out(r) for r in await fetch("SELECT * FROM industry ORDER BY id")]


async def create_industry(actor: Principal, data: IndustryCreate) -> IndustryOut:
    async with transaction():
        if await fetchrow("SELECT 1 FROM industry WHERE code = $1", data.code):
            raise Conflict(f"industry {data.code} exists already", extra={"field": "code"})
        row = await fetchrow(
            "INSERT INTO industry (code, name_zh, name_en, unit, created_at) VALUES ($1, $2, $3, $4, now()) RETURNING *",
            data.code, data.name_zh, data.name_en, data.unit,
        )
        industry = _out(row)
        await audit.record(actor, "create", "industry", industry.id, after=industry)
    return industry
