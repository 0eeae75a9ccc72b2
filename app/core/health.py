from __future__ import annotations

import msgspec
from litestar import get
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec

from app.core.uow import reading


class Health(msgspec.Struct):
    status: str
    database: str


@get(
    "/health",
    operation_id="health",
    tags=["health"],
    exclude_from_auth=True,
    responses={
        503: ResponseSpec(
            data_container=dict,
            description="the database does not answer",
            media_type="application/problem+json",
            generate_examples=False,
        )
    },
)
async def health() -> Health:
    """Liveness and database check: 200 when PostgreSQL answers, 503 when it does not."""
    try:
        async with reading() as db:
            ok = await db.fetchval("SELECT 1")
    except Exception as exc:  # any failure to reach the database is the answer here
        raise HTTPException(status_code=503, detail=f"database unavailable: {type(exc).__name__}") from exc
    return Health(status="ok", database="ok" if ok == 1 else "unexpected")
