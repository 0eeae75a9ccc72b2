"""The unit of work: one connection, one transaction, the audit writer and the event bus.

A service opens it at the top of a use case and passes it down; every query, audit entry
and event handler of that use case runs on it, so they commit together or not at all.
Nothing here is ambient: a function that must run inside a transaction says so by taking
a ``UnitOfWork``; one that only reads takes a ``Db`` (a connection or a unit of work).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg
import msgspec

from app.core.audit_chain import GENESIS, EntryContent, entry_payload
from app.core.database import acquire
from app.core.events import BUS, Event, EventBus
from app.core.principal import Principal

# One lock for the chain: entries must be appended one after the other for each
# to know its predecessor's hash. Held only to the end of the writer's transaction.
AUDIT_CHAIN_LOCK = 0x43A1_0001


class Db(Protocol):
    """What a query needs: an asyncpg connection and a unit of work both are one."""

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]: ...

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...

    async def execute(self, query: str, *args: Any) -> str: ...


class UnitOfWork:
    """A use case's transaction. Open it with ``async with unit_of_work() as uow``."""

    def __init__(self, conn: asyncpg.Connection, bus: EventBus) -> None:
        self.conn = conn
        self._bus = bus

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        return await self.conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        return await self.conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self.conn.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        return await self.conn.execute(query, *args)

    async def executemany(self, query: str, args: Sequence[Sequence[Any]]) -> None:
        await self.conn.executemany(query, args)

    async def audit(
        self, actor: Principal, action: str, entity: str, entity_id: Any, *, before: Any = None, after: Any = None
    ) -> None:
        """Append an audit entry for a change made in this unit of work."""
        await append_audit_entry(self.conn, actor, action, entity, entity_id, before=before, after=after)

    async def emit(self, event: Event) -> None:
        """Run every subscriber of the event now, in this transaction."""
        handlers = self._bus.handlers(type(event))
        if not handlers and event.must_be_heard:
            raise RuntimeError(f"{type(event).__name__} has no subscriber: call app.domains.wire_events() at start-up")
        for handler in handlers:
            await handler(self, event)


@asynccontextmanager
async def unit_of_work(bus: EventBus = BUS) -> AsyncIterator[UnitOfWork]:
    """A connection in a transaction: committed when the block ends, rolled back when it raises."""
    async with acquire() as conn, conn.transaction():
        yield UnitOfWork(conn, bus)


@asynccontextmanager
async def reading() -> AsyncIterator[asyncpg.Connection]:
    """A connection for reads that need no transaction of their own."""
    async with acquire() as conn:
        yield conn


async def stream_rows(sql: str, args: Sequence[Any], prefetch: int = 2000) -> AsyncIterator[asyncpg.Record]:
    """Rows from a server-side cursor, a chunk at a time: an export never holds a whole table in memory."""
    async with acquire() as conn, conn.transaction():
        async for record in conn.cursor(sql, *args, prefetch=prefetch):
            yield record


def _jsonable(value: Any) -> Any:
    """Decimals as strings, dates as ISO text: the same value hashed and stored."""
    return None if value is None else msgspec.to_builtins(value)


async def append_audit_entry(
    conn: asyncpg.Connection,
    actor: Principal,
    action: str,
    entity: str,
    entity_id: Any,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append to the hash chain on ``conn``, which must be in the transaction of the change."""
    if not conn.is_in_transaction():
        raise RuntimeError("an audit entry is written in the transaction of the change it records")
    await conn.execute("SELECT pg_advisory_xact_lock($1)", AUDIT_CHAIN_LOCK)
    content = EntryContent(
        at=datetime.now(UTC),
        actor_id=actor.account_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_jsonable(before),
        after=_jsonable(after),
    )
    # One statement after the lock (so it sees the newest entry): the previous hash is read and the new
    # one computed in SQL, as entry_hash does in Python: sha256 of "<previous hash>\n<payload>".
    await conn.execute(
        "INSERT INTO audit_entry (at, actor_id, actor_label, action, entity, entity_id, before, after, prev_hash, hash)"
        " SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, p.h,"
        "        encode(sha256(convert_to(p.h || chr(10) || $9, 'UTF8')), 'hex')"
        " FROM (SELECT coalesce((SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1), $10) AS h) p",
        content.at,
        content.actor_id,
        content.actor_label,
        content.action,
        content.entity,
        content.entity_id,
        None if content.before is None else json.dumps(content.before, ensure_ascii=False),
        None if content.after is None else json.dumps(content.after, ensure_ascii=False),
        entry_payload(content),
        GENESIS,
    )
