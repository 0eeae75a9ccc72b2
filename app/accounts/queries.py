"""The accounts app's SQL (``account``), returning typed values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.accounts.schemas import AccountOut
from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db

# An account's reach as a county prefix: its own region's code, or a town officer's town's county; an
# operator's enterprise county is not its reach (it is bound to the enterprise, wherever that works) but
# says which region's admin manages the account (``managed_in``). The console's sessions spell it alike.
SCOPE_JOINS = (
    " LEFT JOIN region ar ON ar.id = a.region_id LEFT JOIN town at_ ON at_.id = a.town"
    " LEFT JOIN enterprise ae ON ae.id = a.enterprise"
)
REGION_CODE = "coalesce(ar.code, at_.county_code)"
_MANAGED_IN = "coalesce(ar.code, at_.county_code, ae.county_code)"

_COLUMNS = (
    "a.id, a.name, a.role, a.enterprise AS enterprise_id, a.town AS town_id, a.region_id,"
    f" {REGION_CODE} AS region_code, a.token_prefix, a.created_at, a.revoked_at"
)
_ACCOUNT = f"SELECT {_COLUMNS} FROM account a" + SCOPE_JOINS


class TokenHolder(msgspec.Struct, frozen=True, kw_only=True):
    """The account behind a live token: who it is and its scope."""

    id: int
    name: str
    role: str
    enterprise_id: int | None
    town_id: int | None
    region_code: str | None


def _out(row: Any) -> AccountOut:
    return msgspec.convert(dict(row), AccountOut)


async def holder_of(db: Db, token_hash: str) -> TokenHolder | None:
    row = await db.fetchrow(
        "SELECT a.id, a.name, a.role, a.enterprise AS enterprise_id, a.town AS town_id,"
        f" {REGION_CODE} AS region_code FROM account a{SCOPE_JOINS}"
        " WHERE a.token_hash = $1 AND a.revoked_at IS NULL",
        token_hash,
    )
    return None if row is None else msgspec.convert(dict(row), TokenHolder)


async def insert(
    db: Db,
    name: str,
    role: str,
    enterprise_id: int | None,
    town_id: int | None,
    region_id: int | None,
    token_hash: str,
    token_prefix: str,
) -> AccountOut:
    account_id = await db.fetchval(
        "INSERT INTO account (name, role, enterprise, town, region_id, token_hash, token_prefix, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING id",
        name,
        role,
        enterprise_id,
        town_id,
        region_id,
        token_hash,
        token_prefix,
    )
    account = await by_id(db, account_id)
    assert account is not None  # just written in this transaction
    return account


async def by_id(db: Db, account_id: int, *, lock: bool = False) -> AccountOut | None:
    sql = _ACCOUNT + " WHERE a.id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE OF a" if lock else sql, account_id)
    return None if row is None else _out(row)


async def managed_in(db: Db, account_id: int) -> str | None:
    """The region an account belongs to for its management: its own region, a town officer's county, an
    operator's enterprise's county; None for an unscoped account (only an unscoped admin manages it)."""
    return await db.fetchval(f"SELECT {_MANAGED_IN} FROM account a{SCOPE_JOINS} WHERE a.id = $1", account_id)


async def revoke(db: Db, account_id: int, at: datetime) -> AccountOut:
    await db.execute("UPDATE account SET revoked_at = $2 WHERE id = $1", account_id, at)
    account = await by_id(db, account_id)
    assert account is not None  # locked by the caller
    return account


async def page_of(
    db: Db, page: PageParams, *, role: str | None, include_revoked: bool, region_code: str | None
) -> Page[AccountOut]:
    args: list[Any] = [role, include_revoked]
    within = county_clause(_MANAGED_IN, region_code, args)
    return await fetch_page(
        _ACCOUNT + " WHERE ($1::text IS NULL OR a.role = $1) AND ($2 OR a.revoked_at IS NULL)" + within,
        args,
        page,
        "id",
        _out,
        db=db,
    )
