"""The unit of work: one connection, one transaction, the audit writer and the event bus.

A service opens it at the top of a use case and passes it down; every query, audit entry
and event handler of that use case runs on it, so they commit together or not at all.
Nothing here is ambient: a function that must run inside a transaction says so by taking
a ``UnitOfWork``; one that only reads takes a ``Db`` (a connection or a unit of work).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg
import msgspec

from app.core.audit_chain import GENESIS, PROVINCE_CHAIN, EntryContent, entry_payload, is_chain_name
from app.core.counties import COUNTY_COLUMN, COUNTY_OWNED
from app.core.database import REPLICA_LOST, acquire, acquire_for_reading, replica_failed
from app.core.events import BUS, Event, EventBus
from app.core.principal import Principal

# The namespace of the audit chains' advisory locks (the first int4 of the two-int form; the second is the
# chain's lock key). A chain's entries are appended one after the other for each to know its predecessor's
# hash, so each chain has a lock, held from the moment its entries are written to the end of the writer's
# transaction; writes in different counties take different locks and never wait for each other.
AUDIT_CHAIN_LOCK = 0x43A1_0001

# The county of an audited row, one statement per county-owned table: the table name comes from the
# constant, never from a caller's text. The second takes the chain's lock in the same round trip, for the
# usual unit of work that writes one entry.
_COUNTY_OF_ROW = {table: f"SELECT {COUNTY_COLUMN} FROM {table} WHERE id = $1" for table in COUNTY_OWNED}
_LOCK_CHAIN_OF_ROW = {
    table: f"SELECT s.c, pg_advisory_xact_lock($1, CASE WHEN s.c ~ '^[0-9]{{6}}$' THEN s.c::int ELSE 0 END)"
    f" FROM (SELECT coalesce((SELECT {COUNTY_COLUMN} FROM {table} WHERE id = $2), '') AS c) s"
    for table in COUNTY_OWNED
}


def _row_id(entity: str, entity_id: Any) -> int | None:
    """The id of a county-owned row, whose county is the entry's chain; None when the entry is no such row's."""
    if entity in COUNTY_OWNED and isinstance(entity_id, int) and not isinstance(entity_id, bool):
        return entity_id
    return None


def _chain_named(county: Any, entity: str, entity_id: Any) -> str:
    chain = county or PROVINCE_CHAIN  # a row of no county (a town not adopted yet) is the province's
    if not isinstance(chain, str) or not is_chain_name(chain):
        raise RuntimeError(f"{entity} {entity_id} has county {county!r}, which names no audit chain")
    return chain


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
        self._audit: list[PendingEntry] = []

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
        self,
        actor: Principal,
        action: str,
        entity: str,
        entity_id: Any,
        *,
        before: Any = None,
        after: Any = None,
        chain: str | None = None,
    ) -> None:
        """Record an audit entry for a change made in this unit of work, in the chain of the entity's county
        (``chain_of``) unless ``chain`` names it: a county's 6-digit code, or ``""`` for the province's.

        The entry is taken down now (its time, its content) and appended to its chain when the unit of work
        ends, just before the commit: a chain's lock is then held for the few statements of the append and
        the commit, not for the whole use case, and a unit of work writing to several chains takes their
        locks in one order (see ``append_audit_entries``)."""
        self._audit.append(pending_entry(actor, action, entity, entity_id, before=before, after=after, chain=chain))

    async def chain_of(self, entity: str, entity_id: Any) -> str:
        """The audit chain of a row: its county's when ``entity`` is a county-owned table (app/core/counties.py)
        and ``entity_id`` an integer id, else the province's (``""``), as for a row with no county."""
        row_id = _row_id(entity, entity_id)
        if row_id is None:
            return PROVINCE_CHAIN
        return _chain_named(await self.conn.fetchval(_COUNTY_OF_ROW[entity], row_id), entity, entity_id)

    async def write_audit(self) -> None:
        """Append the entries recorded so far to their chains now (``unit_of_work`` does it as it commits)."""
        pending, self._audit = self._audit, []
        await append_audit_entries(self.conn, pending)

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
        uow = UnitOfWork(conn, bus)
        yield uow
        await uow.write_audit()  # not reached when the block raised: the entries go with the rollback


@asynccontextmanager
async def reading() -> AsyncIterator[asyncpg.Connection]:
    """A connection for reads that need no transaction of their own."""
    async with acquire() as conn:
        yield conn


class ReplicaReads:
    """A ``Db`` for reads that may lag the primary: on the replica when there is one and it answers. A statement
    the replica fails under (its connection refused or broken) runs again on the primary, and so do the rest:
    the statements are not in a transaction, each reads the newest state of the server it runs on anyway."""

    def __init__(self, conn: asyncpg.Connection, on_replica: bool, stack: AsyncExitStack) -> None:
        self.conn = conn
        self.on_replica = on_replica
        self._stack = stack

    async def _run(self, method: str, query: str, args: Sequence[Any]) -> Any:
        if self.on_replica:
            try:
                return await self._call(method, query, args)
            except REPLICA_LOST as exc:
                replica_failed(exc)
                self.conn = await self._stack.enter_async_context(acquire())
                self.on_replica = False
        return await self._call(method, query, args)

    async def _call(self, method: str, query: str, args: Sequence[Any]) -> Any:
        if method == "fetch_planned":
            return await fetch_planned(self.conn, query, *args)
        return await getattr(self.conn, method)(query, *args)

    async def fetch_planned(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """``fetch`` planned for these arguments each time (see ``fetch_planned``), failing over as ``fetch``."""
        rows: list[asyncpg.Record] = await self._run("fetch_planned", query, args)
        return rows

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self._run("fetch", query, args)
        return rows

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await self._run("fetchrow", query, args)
        return row

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self._run("fetchval", query, args)

    async def execute(self, query: str, *args: Any) -> str:
        status: str = await self._run("execute", query, args)
        return status


async def fetch_planned(db: Db, query: str, *args: Any) -> list[asyncpg.Record]:
    """The rows of ``query``, planned for these very arguments every time.

    asyncpg caches each statement prepared; after five runs PostgreSQL may keep a generic plan made without
    the arguments' values, which for an aggregate over a county's cases as of a day chooses a plan three
    times slower (bench/monitoring.py saw 300 ms turn into 900 ms from the sixth call on a connection). A
    statement prepared for one call is planned with its arguments: one more round trip, a plan fit for them.
    """
    if isinstance(db, ReplicaReads):
        return await db.fetch_planned(query, *args)
    conn = db.conn if isinstance(db, UnitOfWork) else db
    if not isinstance(conn, asyncpg.Connection | asyncpg.pool.PoolConnectionProxy):
        return await db.fetch(query, *args)  # a Db of another kind (a test's recorder): as it fetches
    statement = await conn.prepare(query)
    return await statement.fetch(*args)


@asynccontextmanager
async def reading_replica() -> AsyncIterator[ReplicaReads]:
    """A ``Db`` for reads that may lag the primary by the replica's replay lag (reports, exports, lists, the
    overview, the monitoring views): the replica's when ``DATABASE_REPLICA_URL`` is set and it answers, else
    the primary's. What a writer reads right after writing is read with ``reading()`` or in its unit of work."""
    async with AsyncExitStack() as stack:
        conn, on_replica = await stack.enter_async_context(acquire_for_reading())
        yield ReplicaReads(conn, on_replica, stack)


async def stream_rows(sql: str, args: Sequence[Any], prefetch: int = 2000) -> AsyncIterator[asyncpg.Record]:
    """Rows from a server-side cursor, a chunk at a time: an export never holds a whole table in memory.

    Exports read from the replica when there is one; a replica lost before the first row leaves the export to
    the primary, one lost in the middle cuts the export short (as the primary's would)."""
    started = False
    async with acquire_for_reading() as (conn, on_replica):
        try:
            async with conn.transaction():
                async for record in conn.cursor(sql, *args, prefetch=prefetch):
                    started = True
                    yield record
            return
        except REPLICA_LOST as exc:
            if not on_replica:
                raise
            replica_failed(exc)
            if started:
                raise
    async with acquire() as conn, conn.transaction():
        async for record in conn.cursor(sql, *args, prefetch=prefetch):
            yield record


async def copy_csv(sql: str, args: Sequence[Any], queued_chunks: int = 8) -> AsyncIterator[bytes]:
    """The rows of ``sql`` as CSV bytes, written by the server itself (``COPY (…) TO STDOUT``, at the rate of a
    bare COPY rather than a row at a time through Python), a chunk at a time as they come: the export streams
    the whole ledger in constant memory, at most ``queued_chunks`` chunks ahead of the client. Read from the
    replica when there is one (a replica lost before the first chunk leaves the export to the primary, one
    lost in the middle cuts it short). The query must write every text cell safe for a spreadsheet itself
    (``csv_safe()`` in SQL, the twin of ``app.core.cells.safe_cell``)."""
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(maxsize=queued_chunks)
    sent = False  # whether a chunk went out: past that, the export cannot start again on the primary

    async def sink(chunk: bytes) -> None:
        nonlocal sent
        await queue.put(bytes(chunk))
        sent = True

    async def copy(conn: asyncpg.Connection) -> None:
        async with conn.transaction():
            await conn.copy_from_query(sql, *args, output=sink, format="csv")

    async def run() -> None:
        try:
            async with acquire_for_reading() as (conn, on_replica):
                try:
                    await copy(conn)
                    on_replica = False
                except REPLICA_LOST as exc:
                    if not on_replica or sent:
                        raise
                    replica_failed(exc)
            if on_replica:
                async with acquire() as conn:
                    await copy(conn)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # handed to the reader, which raises it where the export is read
            await queue.put(exc)
            return
        await queue.put(None)

    task = asyncio.create_task(run(), name="copy to csv")
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _jsonable(value: Any) -> Any:
    """Decimals as strings, dates as ISO text: the same value hashed and stored."""
    return None if value is None else msgspec.to_builtins(value)


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """An audit entry taken down, to be appended to its chain: its content (its chain not yet set when
    ``chain`` is None: it is the county of the row ``row_id`` of the table ``content.entity``), and the JSON of
    its before and after as stored (the hash covers the same values)."""

    content: EntryContent
    chain: str | None
    row_id: int | None
    before: str | None
    after: str | None


def pending_entry(
    actor: Principal,
    action: str,
    entity: str,
    entity_id: Any,
    *,
    before: Any = None,
    after: Any = None,
    chain: str | None = None,
) -> PendingEntry:
    """An entry of ``chain``, or (None) of the chain of the row it records (see ``UnitOfWork.chain_of``)."""
    row_id = None
    if chain is None:
        row_id = _row_id(entity, entity_id)
        if row_id is None:
            chain = PROVINCE_CHAIN
    elif not is_chain_name(chain):
        raise ValueError(f"not an audit chain: {chain!r} (a county's 6 digits, or '' for the province)")
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
    return PendingEntry(
        content,
        chain,
        row_id,
        None if content.before is None else json.dumps(content.before, ensure_ascii=False),
        None if content.after is None else json.dumps(content.after, ensure_ascii=False),
    )


def chain_lock_key(chain: str) -> int:
    """The second int4 of a chain's advisory lock: the county code as a number (0 for the province's chain,
    no county is 000000). One key per chain (no hash collisions), and a total order to take them in."""
    return int(chain) if chain else 0


async def _lock(conn: asyncpg.Connection, chain: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", AUDIT_CHAIN_LOCK, chain_lock_key(chain))


_APPEND = (
    "INSERT INTO audit_entry"
    " (chain, at, actor_id, actor_label, action, entity, entity_id, before, after, prev_hash, hash)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, p.h,"
    "        encode(sha256(convert_to(p.h || chr(10) || $10, 'UTF8')), 'hex')"
    " FROM (SELECT coalesce("
    "   (SELECT hash FROM audit_entry WHERE chain = $1 ORDER BY id DESC LIMIT 1), $11) AS h) p"
)


async def _append(conn: asyncpg.Connection, entry: PendingEntry, chain: str) -> None:
    """One statement after the chain's lock (so it sees the chain's newest entry): the previous hash is read
    and the new one computed in SQL, as entry_hash does in Python (sha256 of the previous hash, a newline
    and the payload)."""
    c = replace(entry.content, chain=chain)
    await conn.execute(
        _APPEND,
        chain,
        c.at,
        c.actor_id,
        c.actor_label,
        c.action,
        c.entity,
        c.entity_id,
        entry.before,
        entry.after,
        entry_payload(c),
        GENESIS,
    )


async def append_audit_entries(conn: asyncpg.Connection, entries: Sequence[PendingEntry]) -> None:
    """Append ``entries`` to their chains on ``conn``, which must be in the transaction of the change.

    Each chain's lock is taken once, in the order of the chains' lock keys, and held to the end of the
    transaction; a transaction never waits for a chain's lock while holding one that sorts after it, so two
    writers touching the same chains in any order cannot deadlock (the lock is the last thing a writer
    waits for: after it only its appends and its commit)."""
    if not entries:
        return
    if not conn.is_in_transaction():
        raise RuntimeError("an audit entry is written in the transaction of the change it records")
    if len(entries) == 1 and entries[0].chain is None and entries[0].row_id is not None:
        # the usual case, one entry of a county-owned row: its county and its chain's lock in one round trip
        (entry,) = entries
        row = await conn.fetchrow(_LOCK_CHAIN_OF_ROW[entry.content.entity], AUDIT_CHAIN_LOCK, entry.row_id)
        assert row is not None
        await _append(conn, entry, _chain_named(row["c"], entry.content.entity, entry.row_id))
        return
    chains: list[str] = []
    for entry in entries:
        if entry.chain is not None:
            chains.append(entry.chain)
        else:
            assert entry.row_id is not None  # pending_entry sets one or the other
            county = await conn.fetchval(_COUNTY_OF_ROW[entry.content.entity], entry.row_id)
            chains.append(_chain_named(county, entry.content.entity, entry.row_id))
    for chain in sorted(set(chains), key=chain_lock_key):
        await _lock(conn, chain)
        for entry, its_chain in zip(entries, chains, strict=True):
            if its_chain == chain:
                await _append(conn, entry, chain)
