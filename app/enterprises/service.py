"""Enterprises, cooperatives and family farms."""

from __future__ import annotations

from app.core.errors import Conflict, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, ensure_county_scope
from app.core.uow import Db, reading, reading_replica, unit_of_work
from app.enterprises import queries
from app.enterprises.schemas import EnterpriseCreate, EnterpriseOut
from app.industries import service as industries
from app.registry import service as registry


async def create_enterprise(actor: Principal, data: EnterpriseCreate) -> EnterpriseOut:
    async with unit_of_work() as uow:
        if not await registry.town_exists(uow, data.town_id):
            raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
        # an enterprise is registered in its town's county: a region's admin registers them in its region
        ensure_county_scope(actor, await registry.county_of_town(uow, data.town_id))
        existing = await queries.by_credit_code(uow, data.credit_code)
        if existing:
            raise Conflict(
                f"credit code {data.credit_code} is already registered to enterprise {existing.id} ({existing.name})",
                extra={"field": "credit_code", "existing_id": existing.id},
            )
        known = await industries.industries_by_code(uow, data.industries)
        unknown = sorted(set(data.industries) - {i.code for i in known})
        if unknown:
            raise Refused(f"unknown industry: {', '.join(unknown)}", extra={"field": "industries"})
        enterprise_id = await queries.insert(
            uow,
            data.name,
            data.kind.value,
            data.credit_code,
            data.town_id,
            data.contact_name,
            data.contact_phone,
            [i.id for i in known],
        )
        enterprise = await queries.by_id(uow, enterprise_id)
        assert enterprise is not None  # just written in this transaction
        await uow.audit(actor, "create", "enterprise", enterprise.id, after=enterprise)
    return enterprise


async def enterprise_exists(db: Db, enterprise_id: int, *, lock: bool = False) -> bool:
    """Whether the enterprise exists, on the caller's connection; ``lock`` holds its row to the end of the
    caller's transaction (orders writes that hang on the enterprise)."""
    return await queries.exists(db, enterprise_id, lock=lock)


async def county_of_enterprise(db: Db, enterprise_id: int) -> str | None:
    """The code of the county an enterprise is registered in (its town's; None: no such enterprise, or its
    town is not placed in a county yet), on the caller's connection (for other domains' scope checks)."""
    return await queries.county_of(db, enterprise_id)


async def get_enterprise(enterprise_id: int) -> EnterpriseOut:
    async with reading() as db:
        enterprise = await queries.by_id(db, enterprise_id)
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id} does not exist")
    return enterprise


async def list_enterprises(
    page: PageParams, *, town_id: int | None = None, kind: str | None = None
) -> Page[EnterpriseOut]:
    async with reading_replica() as db:
        return await queries.page_of(db, page, town_id=town_id, kind=kind)
