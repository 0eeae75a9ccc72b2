"""Accounts and their tokens."""

from __future__ import annotations

from datetime import UTC, datetime

from app.accounts import queries
from app.accounts.schemas import AccountCreate, AccountCreated, AccountOut
from app.core.errors import Conflict, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, hash_token, new_token
from app.core.uow import UnitOfWork, reading, reading_replica, unit_of_work
from app.enterprises import service as enterprises
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
    if data.enterprise_id is not None and not await enterprises.enterprise_exists(uow, data.enterprise_id):
        raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
    if data.town_id is not None and not await registry.town_exists(uow, data.town_id):
        raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
    account = await queries.insert(
        uow, data.name, data.role.value, data.enterprise_id, data.town_id, hash_token(token), token[:10]
    )
    await uow.audit(actor, "create", "account", account.id, after=account)
    return AccountCreated(account=account, token=token)


async def list_accounts(
    page: PageParams, *, role: Role | None = None, include_revoked: bool = True
) -> Page[AccountOut]:
    async with reading_replica() as db:
        return await queries.page_of(db, page, role=role.value if role else None, include_revoked=include_revoked)


async def revoke_account(actor: Principal, account_id: int) -> AccountOut:
    async with unit_of_work() as uow:
        before = await queries.by_id(uow, account_id, lock=True)
        if before is None:
            raise NotFound(f"account {account_id} does not exist")
        if before.revoked_at is not None:
            raise Conflict(f"account {account_id} was already revoked at {before.revoked_at.isoformat()}")
        after = await queries.revoke(uow, account_id, datetime.now(UTC))
        await uow.audit(actor, "revoke", "account", account_id, before=before, after=after)
    return after
