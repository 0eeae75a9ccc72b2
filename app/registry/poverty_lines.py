"""Poverty lines (国家扶贫标准): one amount per person and year, the line every exit test, income report
and monitoring list measures against; the registry keeps them, everyone else reads them through here."""

from __future__ import annotations

from decimal import Decimal

from app.core.principal import Principal
from app.core.uow import Db, reading_replica, unit_of_work
from app.registry import queries
from app.registry.schemas import PovertyLineIn, PovertyLineOut


async def poverty_line(db: Db, year: int) -> Decimal | None:
    """The year's line, per person (None when none is set), on the caller's connection or unit of work."""
    return await queries.poverty_line(db, year)


async def list_poverty_lines() -> list[PovertyLineOut]:
    async with reading_replica() as db:
        return await queries.poverty_lines(db)


async def set_poverty_line(actor: Principal, year: int, data: PovertyLineIn) -> PovertyLineOut:
    async with unit_of_work() as uow:
        before = await queries.poverty_line_held(uow, year)
        await queries.set_poverty_line(uow, year, data.amount)
        out = PovertyLineOut(year=year, amount=data.amount)
        await uow.audit(actor, "set", "poverty_line", year, before=before, after=out)
    return out
