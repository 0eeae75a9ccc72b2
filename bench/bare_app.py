"""The baseline for bench/single_payout.py: a bare Litestar endpoint doing one asyncpg INSERT into the
same payout table, with no validation, authentication, idempotency or audit."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
from litestar import Litestar, get, post

pool: asyncpg.Pool | None = None


async def open_pool() -> None:
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=10)


async def close_pool() -> None:
    await pool.close()


@post("/bare")
async def bare(data: dict) -> dict:
    reference = data["reference"]
    row = await pool.fetchrow(
        "INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
        " method, reference, body_hash, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        data["enterprise"],
        data["link_id"],
        data["household"],
        data["income_type"],
        Decimal(data["amount"]),
        date.fromisoformat(data["period_from"]),
        date.fromisoformat(data["period_to"]),
        date.fromisoformat(data["paid_on"]),
        data["method"],
        reference,
        hashlib.sha256(reference.encode()).hexdigest(),
        datetime.now(UTC),
    )
    return {"id": row["id"]}


@get("/health")
async def health() -> dict:
    return {"status": "ok"}


def create_app() -> Litestar:
    return Litestar([bare, health], on_startup=[open_pool], on_shutdown=[close_pool])
