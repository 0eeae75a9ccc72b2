"""The database-written CSV stream (``copy_csv``): its rows, an error where the export is read, and a reader
that stops early (a client gone) leaving no copy running and the pool whole."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from app.core.uow import copy_csv, reading

BIG = "SELECT g, repeat('x', 200) FROM generate_series(1, $1::int) g ORDER BY g"


async def test_the_rows_come_as_csv_in_order():
    body = b"".join([chunk async for chunk in copy_csv(BIG, [3])])
    x = "x" * 200
    assert body == f"1,{x}\n2,{x}\n3,{x}\n".encode()


async def test_a_query_the_database_refuses_raises_where_it_is_read():
    with pytest.raises(asyncpg.PostgresError):
        async for _ in copy_csv("SELECT 1 / 0", []):
            pass


async def test_a_reader_that_stops_early_leaves_no_copy_running_and_the_pool_whole():
    chunks = copy_csv(BIG, [500_000], queued_chunks=2)
    first = await anext(chunks)
    assert first.startswith(b"1,")
    await chunks.aclose()  # the client went away after the first chunk
    for _ in range(50):
        async with reading() as conn:
            running = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%generate_series%' AND state = 'active'"
                " AND pid <> pg_backend_pid()"
            )
        if running == 0:
            break
        await asyncio.sleep(0.1)
    assert running == 0

    # every connection of the pool still answers
    async def ask() -> int:
        async with reading() as conn:
            return await conn.fetchval("SELECT 1")

    assert await asyncio.gather(*(ask() for _ in range(5))) == [1] * 5
