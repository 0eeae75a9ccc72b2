"""Where the database is, and the connection pool's life.

Without ``DATABASE_URL`` an embedded PostgreSQL (the ``pgserver`` package, installed
with the default ``uv run`` groups) is started in a local data folder and reused by
later runs. Production sets ``DATABASE_URL`` and never needs pgserver.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import warnings
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, cast

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from app.core.errors import Unavailable
from app.core.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def database_url() -> str:
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    return _start_embedded(settings.pgdata_dir)


def _start_embedded(pgdata: Path) -> str:
    # pgserver keeps its lock under XDG_RUNTIME_DIR, which servers and CI often lack;
    # platformdirs then falls back to /tmp and says so on every start.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pgserver  # only here: production installs without the embedded group
    except ImportError as exc:
        raise SystemExit(
            "DATABASE_URL is not set and the embedded database (pgserver) is not installed: "
            "set DATABASE_URL or install the 'embedded' dependency group."
        ) from exc
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata)
    # cleanup_mode="stop": the server stops when the last process using it exits,
    # and the data folder stays for the next run.
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    _Embedded.server = server
    log.info("embedded PostgreSQL running in %s", pgdata)
    return server.get_uri()


class _Embedded:
    """The embedded server this process started (or joined), if any."""

    server: Any = None


def stop_embedded() -> None:
    """Let go of the embedded server now rather than at exit: pgserver stops it (``pg_ctl stop``, fast mode)
    when this was the last process using it. Does nothing when ``DATABASE_URL`` is set.

    At exit is too late for a process that a signal ends, and ``chainaid serve`` says "stopped" only once
    the database has stopped too. pgserver's own exit hook then finds nothing left to do.
    """
    server, _Embedded.server = _Embedded.server, None
    if server is not None:
        server.cleanup()


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that died without saying goodbye from pgserver's handle list.

    pgserver stops the server when the last process using it exits, counting
    users in ``.handle_pids.json``; a process killed with SIGKILL never removes
    itself, and the server would then outlive every later run.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _DsnWhenAsked(Mapping[str, str]):
    """Piccolo's connection config, resolved on first use: importing ``piccolo_conf`` starts no database."""

    def __getitem__(self, key: str) -> str:
        if key != "dsn":
            raise KeyError(key)
        return database_url()

    def __iter__(self) -> Iterator[str]:
        return iter(("dsn",))

    def __len__(self) -> int:
        return 1


class _EngineConnectingWhenUsed(PostgresEngine):
    """Piccolo's engine connects in its constructor to check the server's version and create
    extensions; this one does neither (no extensions are configured, and migrations need
    PostgreSQL 14+ features that fail loudly on an older server anyway)."""

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


def piccolo_engine() -> PostgresEngine:
    """The engine ``piccolo_conf`` declares for Piccolo's migrations and its connection pool."""
    return _EngineConnectingWhenUsed(config=cast(dict[str, Any], _DsnWhenAsked()))


async def _keep_session(connection: asyncpg.Connection) -> None:
    """asyncpg resets every connection it takes back (a round trip per request); nothing here needs it:
    settings are SET LOCAL, advisory locks are transaction-scoped, cursors live inside transactions and
    nothing LISTENs."""


# A request waits this long for a pooled connection before it is answered 503: an exhausted pool
# must not leave requests hanging.
ACQUIRE_TIMEOUT_SECONDS = 30.0


class _PoolHolder:
    """The process's connection pools, opened at the app's start-up and closed at its shutdown: the primary's,
    and the read replica's when ``DATABASE_REPLICA_URL`` is set."""

    pool: asyncpg.Pool | None = None
    replica: asyncpg.Pool | None = None


async def open_pool() -> None:
    if _PoolHolder.pool is None:
        settings = get_settings()
        _PoolHolder.pool = await asyncpg.create_pool(
            database_url(), min_size=settings.pool_min_size, max_size=settings.pool_max_size, reset=_keep_session
        )
    if get_settings().database_replica_url and _PoolHolder.replica is None:
        await _open_replica()  # a replica that does not answer does not stop the start: reads go to the primary


class PoolFigures(NamedTuple):
    size: int
    idle: int
    min_size: int
    max_size: int


def pool_figures() -> PoolFigures | None:
    """The process's pool as it is now (for the metrics), or None when there is none."""
    pool = _PoolHolder.pool
    if pool is None:
        return None
    return PoolFigures(pool.get_size(), pool.get_idle_size(), pool.get_min_size(), pool.get_max_size())


# Closing the pool waits for every connection to be given back; a connection that is not given back
# within this many seconds is cut (its transaction rolls back) rather than holding the stop for ever.
POOL_CLOSE_SECONDS = 5.0


async def close_pool() -> None:
    pool, _PoolHolder.pool = _PoolHolder.pool, None
    replica, _PoolHolder.replica = _PoolHolder.replica, None
    _Replica.down_since = None
    for each in (pool, replica):
        if each is not None:
            await close_bounded(each, POOL_CLOSE_SECONDS)


async def close_bounded(pool: asyncpg.Pool, seconds: float) -> None:
    """Close ``pool`` gracefully, or terminate its connections after ``seconds``."""
    try:
        await asyncio.wait_for(pool.close(), seconds)
    except TimeoutError:
        log.warning("connections still in use after %g s; closing them", seconds)
        pool.terminate()


@asynccontextmanager
async def acquire() -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own from the pool (the CLI and migrations, which run without one, get a new one)."""
    if _PoolHolder.pool is not None:
        try:
            conn = await _PoolHolder.pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS)
        except TimeoutError:
            raise Unavailable("the database is busy; retry in a moment") from None
        try:
            yield conn
        finally:
            await _PoolHolder.pool.release(conn)
    else:
        conn = await asyncpg.connect(database_url())
        try:
            yield conn
        finally:
            await conn.close()


# The read replica. Reads that may lag (reports, exports, lists, the overview, the monitoring views) take a
# connection with ``acquire_for_reading``: the replica's when one is configured and answers, else the
# primary's. A replica that fails (it refuses connections, or a connection to it breaks) is left alone for
# CHAINAID_REPLICA_RETRY_SECONDS, one warning logged, then tried again; meanwhile those reads go to the
# primary. Writes never take a replica connection: ``acquire`` only ever gives the primary's.

# a replica that does not accept a connection within this is taken as down
REPLICA_CONNECT_SECONDS = 5.0

# what a lost replica looks like: refused or broken connections, a server shutting down or starting up
REPLICA_LOST: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)


class _Replica:
    """The replica's state in this process."""

    down_since: float | None = None
    """``time.monotonic()`` when it last failed; None while it is taken as up."""


# set for a request that must see its own client's writes (see ``app/core/replica_cookie.py``)
_primary_only: ContextVar[bool] = ContextVar("chainaid_primary_only", default=False)


@contextmanager
def reads_from_primary() -> Iterator[None]:
    """Within this block, reads that could go to the replica go to the primary."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


def replica_configured() -> bool:
    return bool(get_settings().database_replica_url)


async def _open_replica() -> asyncpg.Pool | None:
    settings = get_settings()
    try:
        pool = await asyncpg.create_pool(
            settings.database_replica_url,
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            reset=_keep_session,
            timeout=REPLICA_CONNECT_SECONDS,
        )
    except REPLICA_LOST as exc:
        replica_failed(exc)
        return None
    if _PoolHolder.replica is not None:  # another request opened it meanwhile
        await pool.close()
    else:
        _PoolHolder.replica = pool
    return _PoolHolder.replica


def replica_failed(exc: BaseException) -> None:
    """The replica did not answer: reads go to the primary until it is time to try it again."""
    if _Replica.down_since is None:
        log.warning(
            "the read replica is down (%s: %s); reading from the primary, trying it again every %d s",
            type(exc).__name__,
            exc,
            get_settings().replica_retry_seconds,
        )
    _Replica.down_since = time.monotonic()


def _replica_pool_to_try() -> bool:
    """Whether a read should try the replica now: configured, and up or due for another try."""
    if not replica_configured() or _primary_only.get() or _PoolHolder.pool is None:
        return False
    down = _Replica.down_since
    return down is None or time.monotonic() - down >= get_settings().replica_retry_seconds


async def _acquire_replica() -> tuple[asyncpg.Pool, asyncpg.Connection] | None:
    """A replica connection, or None (and the replica marked down) when it does not answer."""
    pool = _PoolHolder.replica or await _open_replica()
    if pool is None:
        return None
    was_down = _Replica.down_since is not None
    try:
        conn = await pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS)
    except REPLICA_LOST as exc:
        replica_failed(exc)
        return None
    if was_down:
        log.warning("the read replica answers again; reports and lists read from it")
        _Replica.down_since = None
    return pool, conn


@asynccontextmanager
async def acquire_for_reading() -> AsyncIterator[tuple[asyncpg.Connection, bool]]:
    """A connection for reads that may lag the primary, and whether it is the replica's."""
    if _replica_pool_to_try():
        taken = await _acquire_replica()
        if taken is not None:
            pool, conn = taken
            try:
                yield conn, True
            finally:
                await pool.release(conn)
            return
    async with acquire() as conn:
        yield conn, False


def replica_state() -> str | None:
    """What ``/ready`` says of the replica: None when there is none configured."""
    if not replica_configured():
        return None
    return "ok" if _Replica.down_since is None else "down, reading from the primary"


async def check_replica() -> str | None:
    """Ask the replica (when configured and due) whether it answers and replays; the state ``/ready`` shows."""
    if _replica_pool_to_try():
        taken = await _acquire_replica()
        if taken is not None:
            pool, conn = taken
            try:
                await conn.fetchval("SELECT pg_is_in_recovery()")
            except REPLICA_LOST as exc:
                replica_failed(exc)
            finally:
                await pool.release(conn)
    return replica_state()
