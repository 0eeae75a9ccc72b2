"""Production bases and benefit links."""

from __future__ import annotations

from datetime import date
from enum import Enum

from app.core.errors import Conflict, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import (
    Principal,
    Role,
    ensure_county_scope,
    ensure_enterprise_scope,
    ensure_town_scope,
    list_region,
)
from app.core.settings import get_settings
from app.core.uow import Db, UnitOfWork, reading, reading_replica, unit_of_work
from app.enterprises import service as enterprises
from app.links import queries
from app.links.rules import link_end_refusal, link_refusal
from app.links.schemas import (
    BaseCreate,
    BaseOut,
    LinkCreate,
    LinkEnd,
    LinkFilter,
    LinkOut,
)
from app.regions import service as regions
from app.registry import access as household_access
from app.registry import service as registry


async def create_base(actor: Principal, data: BaseCreate) -> BaseOut:
    ensure_enterprise_scope(actor, data.enterprise_id)
    async with unit_of_work() as uow:
        if not await enterprises.enterprise_exists(uow, data.enterprise_id):
            raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
        industry = await queries.industry_of_enterprise(uow, data.industry, data.enterprise_id)
        if industry is None:
            raise Refused(f"unknown industry {data.industry}", extra={"field": "industry"})
        if not industry.works_in:
            raise Refused(
                f"enterprise {data.enterprise_id} is not registered in the {data.industry} industry",
                extra={"field": "industry"},
            )
        if not await registry.village_exists(uow, data.village_id):
            raise Refused(f"village {data.village_id} does not exist", extra={"field": "village_id"})
        # an operator puts its bases in any county; an admin, in the counties of its region
        county_code = await registry.village_county_code(uow, data.village_id)
        ensure_county_scope(actor, county_code, enterprise_id=data.enterprise_id)
        if await queries.base_name_taken(uow, data.enterprise_id, data.name):
            raise Conflict(f"the enterprise already has a base named {data.name}", extra={"field": "name"})
        base_id = await queries.insert_base(
            uow, data.enterprise_id, industry.industry_id, data.village_id, data.name, data.area
        )
        base = await queries.base_by_id(uow, base_id)
        assert base is not None  # just written in this transaction
        await uow.audit(actor, "create", "base", base.id, after=base)
    return base


async def get_base(principal: Principal, base_id: int) -> BaseOut:
    """One base: an operator reads its enterprise's (in any county), a town officer those in its town, the
    others those in the counties of their region."""
    async with reading() as db:
        placed = await queries.placed_base(db, base_id)
        town_id = await queries.base_town(db, base_id) if principal.role is Role.town_officer else None
    if placed is None:
        raise NotFound(f"base {base_id} does not exist")
    ensure_county_scope(principal, placed.county_code, enterprise_id=placed.base.enterprise_id)
    if town_id is not None:
        ensure_town_scope(principal, town_id)
    return placed.base


async def list_bases(
    principal: Principal, page: PageParams, *, enterprise_id: int | None, village_id: int | None
) -> Page[BaseOut]:
    """Bases under the filters that the caller may read: an operator its enterprise's, a town officer
    those in its town's villages."""
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    town_id = principal.town_id if principal.role is Role.town_officer else None
    async with reading_replica() as db:
        return await queries.page_of_bases(
            db,
            page,
            enterprise_id=enterprise_id,
            village_id=village_id,
            town_id=town_id,
            region=list_region(principal),
        )


async def create_link(actor: Principal, data: LinkCreate) -> LinkOut:
    ensure_enterprise_scope(actor, data.enterprise_id)
    kind = data.kind.value
    async with unit_of_work() as uow:
        base = await queries.base_facts(uow, data.base_id, data.enterprise_id)
        if base is None:
            raise Refused(f"base {data.base_id} does not exist", extra={"field": "base_id"})
        if base.enterprise_id != data.enterprise_id:
            raise Refused(f"base {data.base_id} belongs to another enterprise", extra={"field": "base_id"})
        if not base.enterprise_works_in:
            raise Refused(
                f"the enterprise is not registered in the base's industry ({base.industry})", extra={"field": "base_id"}
            )
        # held (FOR SHARE): its status cannot change under the new link (transitions lock it FOR UPDATE)
        household = await household_access.household_state(uow, data.household_id, share=True)
        # a base links households of its own town: an enterprise cannot reach into any household of the city
        if household is None or household.town_id != base.town_id:
            raise Refused(
                f"household {data.household_id} is not a household of the base's town", extra={"field": "household_id"}
            )
        ensure_county_scope(actor, household.county_code, enterprise_id=data.enterprise_id)
        # the household's county's policy continuation (CHAINAID_CONTINUATION_YEARS where it set none)
        years = (await regions.county_policy(uow, household.county_id)).continuation_years
        refusal = link_refusal(household.status, household.exited_year, data.start_date, years)
        if refusal:
            raise Refused(refusal, extra={"field": "household_id"})
        refusal = link_end_refusal(household.status, household.exited_year, data.end_date, years)
        if refusal:
            raise Refused(refusal, extra={"field": "end_date"})
        overlapping = await queries.overlapping_link(
            uow, data.base_id, data.household_id, kind, data.start_date, data.end_date
        )
        if overlapping:
            raise Conflict(
                f"link {overlapping.id} already links this household to this base as {kind}"
                f" from {overlapping.start_date} to {overlapping.end_date or 'open end'}",
                extra={"existing_link_id": overlapping.id},
            )
        terms = {c: getattr(data.terms, c) for c in queries.TERM_COLUMNS[kind]}
        link_id = await queries.insert_link(
            uow,
            queries.NewLink(
                enterprise_id=data.enterprise_id,
                base_id=data.base_id,
                household_id=data.household_id,
                kind=kind,
                start_date=data.start_date,
                end_date=data.end_date,
                note=data.note,
                terms={c: (v.value if isinstance(v, Enum) else v) for c, v in terms.items()},
            ),
        )
        stored = await queries.link_by_id(uow, link_id)
        assert stored is not None  # just written in this transaction
        await uow.audit(actor, "create", "link", link_id, after=stored.link)
    return stored.link


async def get_link(principal: Principal, link_id: int) -> LinkOut:
    async with reading() as db:
        stored = await queries.link_by_id(db, link_id)
    if stored is None:
        raise NotFound(f"link {link_id} does not exist")
    ensure_county_scope(principal, stored.county_code, enterprise_id=stored.link.enterprise_id)
    ensure_town_scope(principal, stored.household_town_id)
    return stored.link


async def list_links(principal: Principal, page: PageParams, f: LinkFilter) -> Page[LinkOut]:
    q = queries.LinkQuery(
        enterprise_id=principal.enterprise_id if principal.role is Role.operator else f.enterprise_id,
        base_id=f.base_id,
        household_id=f.household_id,
        kind=f.kind and f.kind.value,
        active_on=f.active_on,
        town_id=principal.town_id if principal.role is Role.town_officer else None,
        continuation_years=get_settings().continuation_years,
        region=list_region(principal),
    )
    async with reading_replica() as db:
        return await queries.page_of_links(db, q, page)


async def end_link(actor: Principal, link_id: int, data: LinkEnd) -> LinkOut:
    async with unit_of_work() as uow:
        stored = await queries.link_by_id(uow, link_id, lock=True)
        if stored is None:
            raise NotFound(f"link {link_id} does not exist")
        before = stored.link
        ensure_county_scope(actor, stored.county_code, enterprise_id=before.enterprise_id)
        if data.end_date < before.start_date:
            raise Refused(f"the link started on {before.start_date}", extra={"field": "end_date"})
        if before.end_date is not None and data.end_date > before.end_date:
            raise Conflict(f"the link already ends on {before.end_date}; an end is only ever brought forward")
        paid_until = await queries.paid_until(uow, link_id)
        if paid_until is not None and paid_until > data.end_date:
            raise Conflict(
                f"payouts under this link cover periods up to {paid_until}; it cannot end before that",
                extra={"field": "end_date"},
            )
        await queries.set_end(uow, link_id, data.end_date)
        after = await queries.link_by_id(uow, link_id)
        assert after is not None  # locked above
        await uow.audit(
            actor, "end", "link", link_id, before=before, after={"end_date": after.link.end_date, "note": data.note}
        )
    return after.link


async def end_household_links(uow: UnitOfWork, actor: Principal, household_id: int, on: date) -> None:
    """End a removed household's running links on the day of removal, in the remover's unit of work."""
    ended = await queries.end_running_links(uow, household_id, on)
    if ended:
        await uow.audit(
            actor,
            "end_on_removal",
            "household_links",
            household_id,
            after={"end_date": on, "link_ids": ended},
            chain=await uow.chain_of("household", household_id),
        )


async def placed_base(db: Db, base_id: int) -> queries.PlacedBase | None:
    """A base with the county of its village, no access check, on the caller's connection (an asset stands on a
    base, and its agreement's links run through one)."""
    return await queries.placed_base(db, base_id)
