"""Poverty lines (扶贫标准): one amount per person and year, the line every exit test, income report and
monitoring list measures against; the registry keeps them, everyone else reads them through here.

The national line (国家扶贫标准) holds everywhere; a province may set its own line for a year (several set
theirs above the national one), which then holds for that province's counties."""

from __future__ import annotations

from decimal import Decimal

from app.core.errors import Forbidden, Refused
from app.core.messages import N_
from app.core.principal import Principal, ensure_region_scope
from app.core.uow import Db, reading_replica, unit_of_work
from app.regions import service as regions
from app.regions.model import Level
from app.registry import queries
from app.registry.schemas import PovertyLineIn, PovertyLineOut


async def poverty_line(db: Db, year: int, *, county_id: int | None = None) -> Decimal | None:
    """The year's line, per person, for a county's households: its province's own line, else the national
    one (None when neither is set), on the caller's connection or unit of work."""
    province = None if county_id is None else await regions.province_of(db, county_id)
    return await queries.poverty_line(db, year, province)


async def list_poverty_lines() -> list[PovertyLineOut]:
    async with reading_replica() as db:
        lines = await queries.poverty_lines(db)
        codes = await regions.codes_of(db, sorted({x.province_id for x in lines if x.province_id is not None}))
    return [
        PovertyLineOut(
            year=x.year, amount=x.amount, province_code=None if x.province_id is None else codes[x.province_id]
        )
        for x in lines
    ]


async def set_poverty_line(actor: Principal, year: int, data: PovertyLineIn) -> PovertyLineOut:
    # a province's admin sets its province's line; the national line is the whole deployment's admin's
    if data.province_code is None:
        if actor.region_code is not None:
            raise Forbidden.of(N_("this region is outside yours"))
    else:
        ensure_region_scope(actor, data.province_code)
    async with unit_of_work() as uow:
        province_id = None
        if data.province_code is not None:
            province = await regions.region_by_code(uow, data.province_code)
            if province is None or province.level is not Level.province:
                raise Refused(
                    f"province {data.province_code} is not in the directory", extra={"field": "province_code"}
                )
            province_id = province.id
        held = await queries.poverty_line_held(uow, year, province_id)
        before = (
            None if held is None else PovertyLineOut(year=year, amount=held.amount, province_code=data.province_code)
        )
        await queries.set_poverty_line(uow, year, data.amount, province_id)
        out = PovertyLineOut(year=year, amount=data.amount, province_code=data.province_code)
        await uow.audit(actor, "set", "poverty_line", year, before=before, after=out)
    return out
