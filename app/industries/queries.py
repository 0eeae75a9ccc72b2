"""The industries app's SQL (the ``industry`` table), returning typed values."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from app.core.uow import Db
from app.industries.schemas import IndustryOut

_COLUMNS = "id, code, name_zh, name_en, unit, created_at"


class IndustryRef(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    code: str


async def all_industries(db: Db) -> list[IndustryOut]:
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM industry ORDER BY id")
    return [msgspec.convert(dict(r), IndustryOut) for r in rows]


async def code_taken(db: Db, code: str) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM industry WHERE code = $1)", code))


async def insert(db: Db, code: str, name_zh: str, name_en: str, unit: str) -> IndustryOut:
    row = await db.fetchrow(
        f"INSERT INTO industry (code, name_zh, name_en, unit, created_at) VALUES ($1, $2, $3, $4, now())"
        f" RETURNING {_COLUMNS}",
        code,
        name_zh,
        name_en,
        unit,
    )
    return msgspec.convert(dict(row or {}), IndustryOut)


async def by_codes(db: Db, codes: Sequence[str]) -> list[IndustryRef]:
    rows = await db.fetch("SELECT id, code FROM industry WHERE code = ANY ($1::text[]) ORDER BY code", list(codes))
    return [IndustryRef(id=r["id"], code=r["code"]) for r in rows]


async def seed(db: Db, industries: Sequence[tuple[str, str, str, str]]) -> None:
    """Add the industries (code, name_zh, name_en, unit) not there yet; every value is a parameter."""
    await db.execute(
        "INSERT INTO industry (code, name_zh, name_en, unit, created_at)"
        " SELECT c, zh, en, u, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s(c, zh, en, u)"
        " ON CONFLICT (code) DO NOTHING",
        [i[0] for i in industries],
        [i[1] for i in industries],
        [i[2] for i in industries],
        [i[3] for i in industries],
    )
