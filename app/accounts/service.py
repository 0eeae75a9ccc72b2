"""Accounts and their tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from app.accounts import queries
from app.accounts.schemas import AccountCreate, AccountCreated, AccountOut
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from app.core.messages import N_
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, covers, ensure_region_scope, hash_token, new_token
from app.core.uow import UnitOfWork, reading, reading_replica, unit_of_work
from app.enterprises import service as enterprises
from app.regions import service as regions
from app.regions.model import Level
from app.registry import service as registry


async def principal_for_token(token: str) -> Principal | None:
    async with reading() as db:
        holder = await queries.holder_of(db, hash_token(token))
    if holder is None:
        return None
    return Principal(
        account_id=holder.id,
        name=holder.name,
        role=Role(holder.role),
        enterprise_id=holder.enterprise_id,
        town_id=holder.town_id,
        region_code=holder.region_code,
    )


async def create_account(actor: Principal, data: AccountCreate, *, uow: UnitOfWork | None = None) -> AccountCreated:
    """A new account and its token (shown once); in ``uow`` when given (a loader creating accounts next to the
    enterprises and towns it has not committed yet), else in a unit of work of its own."""
    if uow is not None:
        return await _create_account(uow, actor, data)
    async with unit_of_work() as own:
        return await _create_account(own, actor, data)


async def _create_account(uow: UnitOfWork, actor: Principal, data: AccountCreate) -> AccountCreated:
    token = new_token()
    region_id = await _region_of_new_account(uow, actor, data)
    if data.enterprise_id is not None:
        if not await enterprises.enterprise_exists(uow, data.enterprise_id):
            raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
        _ensure_within(actor, await enterprises.county_of_enterprise(uow, data.enterprise_id))
    if data.town_id is not None:
        if not await registry.town_exists(uow, data.town_id):
            raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
        _ensure_within(actor, await registry.county_of_town(uow, data.town_id))
    account = await queries.insert(
        uow, data.name, data.role.value, data.enterprise_id, data.town_id, region_id, hash_token(token), token[:10]
    )
    await uow.audit(actor, "create", "account", account.id, after=account, chain=await _chain_of(uow, account))
    return AccountCreated(account=account, token=token)


async def _chain_of(uow: UnitOfWork, account: AccountOut) -> str:
    """The audit chain of an account's creation and revocation: its county's (a county account's, a town
    officer's, an operator's enterprise's), where that county's auditor reads it; else the province's."""
    if account.enterprise_id is not None:
        return await uow.chain_of("enterprise", account.enterprise_id)
    code = account.region_code
    return code if code is not None and len(code) == 6 else ""


# the levels an account's region may be: a town's or a village's people are town officers
_ACCOUNT_LEVELS = (Level.province, Level.city, Level.county)


async def _region_of_new_account(uow: UnitOfWork, actor: Principal, data: AccountCreate) -> int | None:
    """The region a new admin, finance or auditor account reaches: the one named, within the creating
    admin's; none named, the creating admin's own (an account never reaches further than its maker; an
    unscoped maker, the command line among them, makes an unscoped account: the whole deployment).

    No default to the directory's only province: with one province that reaches everything anyway, and an
    account quietly bound to it would lose the rows not yet placed in a county (before ``regions adopt``)."""
    if data.role in (Role.operator, Role.town_officer):
        return None
    if data.region_id is None:
        if actor.region_code is None:
            return None
        own = await regions.region_by_code(uow, actor.region_code)
        return None if own is None else own.id
    region = await regions.region_by_id(uow, data.region_id)
    if region is None:
        raise Refused(f"region {data.region_id} does not exist", extra={"field": "region_id"})
    if region.level not in _ACCOUNT_LEVELS:
        raise Invalid("region_id", f"region {region.code} is a {region.level.value}: give a province, city or county")
    ensure_region_scope(actor, region.code)
    return region.id


def _ensure_within(actor: Principal, county_code: str | None) -> None:
    """A region's admin makes accounts for towns and enterprises of its region only."""
    if actor.region_code is not None and not covers(actor, county_code):
        raise Forbidden.of(N_("this belongs to another county"))


async def list_accounts(
    actor: Principal, page: PageParams, *, role: Role | None = None, include_revoked: bool = True
) -> Page[AccountOut]:
    """The accounts the actor manages: a region's admin sees those within its region (see ``managed_in``)."""
    async with reading_replica() as db:
        return await queries.page_of(
            db,
            page,
            role=role.value if role else None,
            include_revoked=include_revoked,
            region_code=actor.region_code,
        )


async def revoke_account(actor: Principal, account_id: int) -> AccountOut:
    async with unit_of_work() as uow:
        before = await queries.by_id(uow, account_id, lock=True)
        if before is None:
            raise NotFound(f"account {account_id} does not exist")
        if actor.region_code is not None:
            _ensure_within(actor, await queries.managed_in(uow, account_id))
        if before.revoked_at is not None:
            raise Conflict(f"account {account_id} was already revoked at {before.revoked_at.isoformat()}")
        after = await queries.revoke(uow, account_id, datetime.now(UTC))
        await uow.audit(
            actor, "revoke", "account", account_id, before=before, after=after, chain=await _chain_of(uow, after)
        )
    return after
