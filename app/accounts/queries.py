"""The accounts app's SQL (``account``), returning typed values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.accounts.schemas import AccountOut
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db

_COLUMNS = "id, name, role, enterprise AS enterprise_id, town AS town_id, token_prefix, created_at, revoked_at"


class TokenHolder(msgspec.Struct, frozen=True, kw_only=True):
    """The account behind a live token: who it is and its scope."""

    id: int
    name: str
    role: str
    enterprise_id: int | None
    town_id: int | None


def _out(row: Any) -> AccountOut:
    return msgspec.convert(dict(row), AccountOut)


async def holder_of(db: Db, token_hash: str) -> TokenHolder | None:
    row = await db.fetchrow(
        "SELECT id, name, role, enterprise AS enterprise_id, town AS town_id FROM account"
        " WHERE token_hash = $1 AND revoked_at IS NULL",
        token_hash,
    )
    return None if row is None else msgspec.convert(dict(row), TokenHolder)


async def insert(
    db: Db, name: str, role: str, enterprise_id: int | None, town_id: int | None, token_hash: str, token_prefix: str
) -> AccountOut:
    return _out(
        await db.fetchrow(
            "INSERT INTO account (name, role, enterprise, town, token_hash, token_prefix, created_at)"
            f" VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING {_COLUMNS}",
            name,
            role,
            enterprise_id,
            town_id,
            token_hash,
            token_prefix,
        )
    )


async def by_id(db: Db, account_id: int, *, lock: bool = False) -> AccountOut | None:
    sql = f"SELECT {_COLUMNS} FROM account WHERE id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE" if lock else sql, account_id)
    return None if row is None else _out(row)


async def revoke(db: Db, account_id: int, at: datetime) -> AccountOut:
    return _out(
        await db.fetchrow(f"UPDATE account SET revoked_at = $2 WHERE id = $1 RETURNING {_COLUMNS}", account_id, at)
    )


async def page_of(db: Db, page: PageParams, *, role: str | None, include_revoked: bool) -> Page[AccountOut]:
    return await fetch_page(
        f"SELECT {_COLUMNS} FROM account WHERE ($1::text IS NULL OR role = $1) AND ($2 OR revoked_at IS NULL)",
        [role, include_revoked],
        page,
        "id",
        _out,
        db=db,
    )
