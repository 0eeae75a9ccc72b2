"""The monitoring line (防止返贫监测范围): a yearly per-capita income, set by a province for its counties (it
began at 1.5 × the national poverty line, about 6,000 yuan in 2020, and is raised every year), or by a county
where its province delegates it; a county's own line then holds in it. Everyone reads the lines; an admin sets
those of the regions within its own."""

from __future__ import annotations

from decimal import Decimal

from app.core.errors import Refused
from app.core.messages import N_
from app.core.principal import Principal, ensure_region_scope
from app.core.uow import Db, reading_replica, unit_of_work
from app.monitoring import queries
from app.monitoring.schemas import MonitoringLineIn, MonitoringLineOut
from app.regions import service as regions
from app.regions.model import Level


async def list_monitoring_lines(region: str | None, year: int | None) -> list[MonitoringLineOut]:
    """The lines of the regions under ``region`` (and of the province above it), for a year or every year."""
    async with reading_replica() as db:
        lines = await queries.monitoring_lines(db, region, year)
    return [MonitoringLineOut(region_code=x.region_code, level=x.level, year=x.year, amount=x.amount) for x in lines]


async def monitoring_line(db: Db, county_code: str, year: int) -> Decimal | None:
    """The line that holds in a county for a year (its own, else its province's); None when neither is set."""
    return await queries.county_monitoring_line(db, county_code, year)


async def set_monitoring_line(
    actor: Principal, region_code: str, year: int, data: MonitoringLineIn
) -> MonitoringLineOut:
    """Set a province's or a county's line for a year (an admin whose region holds it), audited."""
    ensure_region_scope(actor, region_code)
    async with unit_of_work() as uow:
        region = await regions.region_by_code(uow, region_code)
        if region is None or region.level not in (Level.province, Level.county):
            raise Refused.of(
                N_("a monitoring line is a province's or a county's; {code} is neither in the directory"),
                field="region_code",
                code=region_code,
            )
        held = await queries.held_monitoring_line(uow, region.id, year)
        await queries.set_monitoring_line(uow, region.id, year, data.amount)
        out = MonitoringLineOut(region_code=region.code, level=region.level.value, year=year, amount=data.amount)
        await uow.audit(
            actor,
            "set",
            "monitoring_line",
            f"{region.code}:{year}",
            before=None if held is None else {"amount": str(held)},
            after={"amount": str(data.amount)},
            chain=region.code if region.level is Level.county else "",
        )
    return out
