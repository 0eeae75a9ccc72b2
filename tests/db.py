"""Direct reads of the database for tests that check what was stored (the app goes through its units of work)."""

from __future__ import annotations

from typing import Any

import asyncpg

from app.core.uow import reading

connection = reading


async def fetch(sql: str, *args: Any) -> list[asyncpg.Record]:
    async with reading() as db:
        return await db.fetch(sql, *args)


async def fetchrow(sql: str, *args: Any) -> asyncpg.Record | None:
    async with reading() as db:
        return await db.fetchrow(sql, *args)
