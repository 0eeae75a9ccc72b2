"""Industries: the four seeded by migration, and those admins add (a breeding industry per head, say)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import Conflict
from app.core.principal import Principal
from app.core.uow import Db, reading_replica, unit_of_work
from app.industries import queries
from app.industries.queries import IndustryRef
from app.industries.schemas import IndustryCreate, IndustryOut

__all__ = ["IndustryRef", "create_industry", "industries_by_code", "list_industries"]


async def list_industries() -> list[IndustryOut]:
    async with reading_replica() as db:
        return await queries.all_industries(db)


async def industries_by_code(db: Db, codes: Sequence[str]) -> list[IndustryRef]:
    """The industries of these codes that exist, on the caller's connection (for its checks)."""
    return await queries.by_codes(db, codes)


async def create_industry(actor: Principal, data: IndustryCreate) -> IndustryOut:
    async with unit_of_work() as uow:
        if await queries.code_taken(uow, data.code):
            raise Conflict(f"industry {data.code} exists already", extra={"field": "code"})
        industry = await queries.insert(uow, data.code, data.name_zh, data.name_en, data.unit)
        await uow.audit(actor, "create", "industry", industry.id, after=industry)
    return industry
