"""Accounts and their tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.accounts.schemas import AccountCreate, AccountCreated, AccountOut
from app.core.principal import Principal, Role, hash_token, new_token
from app.core.database import fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page

_COLUMNS = "id, name, role, enterprise AS enterprise_id, town AS town_id, token_prefix, created_at, revoked_at"


def _out(row: Any) -> AccountOut:
    return to_struct(AccountOut, row)


async def principal_for_token(token: str) -> Principal | None:
    row = await fetchrow(
        "SELECT id, name, role, enterprise, town FROM account WHERE token_hash = $1 AND revoked_at IS NULL",
        hash_token(token),
    )
    if row is None:
        return None
    return Principal(
        account_id=row["id"], name=row["name"], role=Role(row["role"]),
        enterprise_id=row["enterprise"], town_id=row["town"],
    )


async def create_account(actor: Principal, data: AccountCreate) -> AccountCreated:
    token = new_token()
    async with transaction():
        if data.enterprise_id is not None and not await fetchrow("SELECT 1 FROM enterprise WHERE id = $1", data.enterprise_id):
            raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
        if data.town_id is not None and not await fetchrow("SELECT 1 FROM town WHERE id = $1", data.town_id):
            raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
        row = await fetchrow(
            "INSERT INTO account (name, role, enterprise, town, token_hash, token_prefix, created_at)"
            f" VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING {_COLUMNS}",
            data.name, data.role.value, data.enterprise_id, data.town_id, hash_token(token), token[:10],
        )
        account = _out(row)
        await audit.record(actor, "create", "account", account.id, after=account)
    return AccountCreated(account=account, token=token)


async def list_accounts(page: PageParams, *, role: Role | None = None, include_revoked: bool = True) -> Page[AccountOut]:
    return await fetch_page(
        f"SELECT {_COLUMNS} FROM account WHERE ($1::text IS NULL OR role = $1) AND ($2 OR revoked_at IS NULL)",
        [role.value if role else None, include_revoked], page, "id", _out,
    )


async def revoke_account(actor: Principal, account_id: int) -> AccountOut:
    async with transaction():
        before = await fetchrow(f"SELECT {_COLUMNS} FROM account WHERE id = $1 FOR UPDATE", account_id)
        if before is None:
            raise NotFound(f"account {account_id} does not exist")
        if before["revoked_at"] is not None:
            raise Conflict(f"account {account_id} was already revoked at {before['revoked_at'].isoformat()}")
        row = await fetchrow(
            f"UPDATE account SET revoked_at = $2 WHERE id = $1 RETURNING {_COLUMNS}", account_id, datetime.now(UTC)
        )
        await audit.record(actor, "revoke", "account", account_id, before=_out(before), after=_out(row))
    return _out(row)
