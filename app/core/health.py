"""The probes: ``/health`` (liveness: the process answers and reaches its database) and ``/ready`` (readiness:
the database answers and carries every migration this code ships). Both are public, outside the API."""

from __future__ import annotations

import asyncio

import asyncpg
import msgspec
from litestar import get
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec

from app.core.database import check_replica, replica_failed, replica_state
from app.core.uow import reading
from app.migrations import migrations_on_disk

# a readiness probe answers promptly: a database that takes longer than this is not ready
READY_TIMEOUT_SECONDS = 5.0


class Health(msgspec.Struct):
    status: str
    database: str


class Ready(msgspec.Struct, omit_defaults=True):
    status: str
    database: str
    migrations: str
    replica: str | None = None
    """With ``DATABASE_REPLICA_URL``: "ok", or "down, reading from the primary" (still ready)."""


def _unavailable(description: str) -> dict[int, ResponseSpec]:
    return {
        503: ResponseSpec(
            data_container=dict, description=description, media_type="application/problem+json", generate_examples=False
        )
    }


@get(
    "/health",
    operation_id="health",
    tags=["health"],
    exclude_from_auth=True,
    responses=_unavailable("the database does not answer"),
)
async def health() -> Health:
    """Liveness and database check: 200 when PostgreSQL answers, 503 when it does not."""
    try:
        async with reading() as db:
            ok = await db.fetchval("SELECT 1")
    except Exception as exc:  # any failure to reach the database is the answer here
        raise HTTPException(status_code=503, detail=f"database unavailable: {type(exc).__name__}") from exc
    return Health(status="ok", database="ok" if ok == 1 else "unexpected")


@get(
    "/ready",
    operation_id="ready",
    tags=["health"],
    exclude_from_auth=True,
    responses=_unavailable("the database does not answer, or a migration this code ships is not applied"),
)
async def ready() -> Ready:
    """Readiness for traffic: 200 when PostgreSQL answers within 5 s and every migration on disk is applied;
    503 naming what is missing otherwise (run ``chainaid migrate``). With a read replica configured, ``replica``
    says whether it answers; a replica down leaves the service ready (its reads go to the primary)."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS), reading() as db:
            rows = await db.fetch("SELECT app_name, name FROM migration")
    except asyncpg.UndefinedTableError as exc:
        raise HTTPException(status_code=503, detail="no migration is applied: run chainaid migrate") from exc
    except Exception as exc:  # any failure to reach the database in time is the answer here
        raise HTTPException(status_code=503, detail=f"database unavailable: {type(exc).__name__}") from exc
    pending = sorted(migrations_on_disk() - {(r["app_name"], r["name"]) for r in rows})
    if pending:
        raise HTTPException(
            status_code=503,
            detail=f"{len(pending)} migration(s) not applied: run chainaid migrate",
            extra={"pending": [f"{app}/{migration}" for app, migration in pending]},
        )
    # the replica is not needed to serve: when it is down, reads go to the primary, and the answer says so
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            replica = await check_replica()
    except TimeoutError as exc:  # a replica this slow is as good as down
        replica_failed(exc)
        replica = replica_state()
    return Ready(status="ready", database="ok", migrations="current", replica=replica)
