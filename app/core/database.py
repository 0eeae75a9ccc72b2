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
import warnings
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
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
    """The process's connection pool, opened at the app's start-up and closed at its shutdown."""

    pool: asyncpg.Pool | None = None


async def open_pool() -> None:
    if _PoolHolder.pool is None:
        settings = get_settings()
        _PoolHolder.pool = await asyncpg.create_pool(
            database_url(), min_size=settings.pool_min_size, max_size=settings.pool_max_size, reset=_keep_session
        )


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
    if pool is not None:
        await close_bounded(pool, POOL_CLOSE_SECONDS)


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
