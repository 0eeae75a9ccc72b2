"""When every pooled connection is taken, a request waits a bounded time and is answered 503, not left hanging."""

from __future__ import annotations

import pytest

from app.core import database


async def test_an_exhausted_pool_answers_503_and_recovers(client, auth, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = await auth("auditor")
    pool = database._PoolHolder.pool
    assert pool is not None
    monkeypatch.setattr(database, "ACQUIRE_TIMEOUT_SECONDS", 0.2)
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        busy = await client.get("/api/v1/industries", headers=headers)
    finally:
        for conn in held:
            await pool.release(conn)
    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"].startswith("application/problem+json")
    assert "busy" in busy.json()["detail"]
    assert (await client.get("/api/v1/industries", headers=headers)).status_code == 200
