"""A real server killed with SIGKILL in the middle of a 10,000-row batch leaves all of it or none, and at least
one kill is shown to have landed between the batch's first write and its commit."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time

import asyncpg
import httpx

from bench.common import server_process
from tests.chain_helpers import WAGE
from tests.world import linked_household

ROWS = 10_000


def batch(link_id: int, tag: str) -> list[dict]:
    return [
        {
            "link_id": link_id,
            "income_type": "wage",
            "amount": f"{100 + i % 500}.00",
            "period_from": "2017-01-01",
            "period_to": "2017-01-31",
            "paid_on": "2017-02-01",
            "method": "bank",
            "reference": f"{tag}-{i:05d}",
        }
        for i in range(ROWS)
    ]


# The batch's first write is its payout_batch row: from then until the commit (or the rollback a killed
# client gets), that backend holds a RowExclusiveLock on the table, which a second session can see.
BATCH_OPEN = (
    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.relation = 'payout_batch'::regclass AND l.mode = 'RowExclusiveLock' AND l.granted"
    " AND a.datname = current_database() AND l.pid <> pg_backend_pid()"
)


async def _others_gone(conn: asyncpg.Connection, within: float = 30) -> None:
    """Wait until the killed server's database sessions have ended (committed or rolled back)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        n = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        if n <= 10:  # our own pool may hold a few idle ones
            busy = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if busy == 0:
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the killed server's sessions did not end")


async def _kill_on_first_write(conn: asyncpg.Connection, proc, within: float = 30) -> bool:
    """Kill the server the moment its batch transaction has written (polled from this second session)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and proc.poll() is None:
        if await conn.fetchval(BATCH_OPEN):
            os.kill(proc.pid, signal.SIGKILL)
            return True
        await asyncio.sleep(0.002)
    return False


# None: as soon as the batch's first write is seen; otherwise after that many seconds, wherever the server is
KILLS = (None, 0.05, 0.15, 0.3, 0.45, 0.7, 1.2)


async def test_sigkill_mid_batch_leaves_all_or_nothing(client, admin, auth, database_url):
    chain = await linked_household(client, admin, auth, WAGE)
    operator, link_id = chain["operator"], chain["link"]
    watcher = await asyncpg.connect(database_url)
    try:
        outcomes = await _kill_repeatedly(watcher, database_url, operator, link_id)
    finally:
        await watcher.close()
    verify = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert verify["ok"] is True
    # A kill landed between the batch's first write and its commit: the transaction was seen open with its
    # write just before the kill, and nothing of it was kept after.
    assert any(open_before and kept == 0 for _, open_before, kept in outcomes), outcomes


async def _kill_repeatedly(
    watcher: asyncpg.Connection, database_url: str, operator: dict[str, str], link_id: int
) -> list[tuple[float | None, bool, int]]:
    outcomes: list[tuple[float | None, bool, int]] = []
    for attempt, delay in enumerate(KILLS):
        tag = f"K{attempt}"
        body = httpx.Request("POST", "http://x", json=batch(link_id, tag)).content
        with server_process(database_url) as (base_url, proc):

            def send(base_url: str = base_url, body: bytes = body) -> None:
                with contextlib.suppress(httpx.HTTPError):  # the server died under it: that is the point
                    httpx.post(
                        f"{base_url}/api/v1/payouts/batch",
                        content=body,
                        timeout=60,
                        headers={**operator, "Content-Type": "application/json"},
                    )

            sender = threading.Thread(target=send)
            sender.start()
            if delay is None:
                open_before = await _kill_on_first_write(watcher, proc)
            else:
                await asyncio.sleep(delay)
                open_before = bool(await watcher.fetchval(BATCH_OPEN))
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            sender.join()
        await _others_gone(watcher)
        written = await watcher.fetchval("SELECT count(*) FROM payout WHERE reference LIKE $1", f"{tag}-%")
        batches = await watcher.fetchval(
            "SELECT count(*) FROM payout_batch b WHERE EXISTS"
            " (SELECT 1 FROM payout p WHERE p.batch = b.id AND p.reference LIKE $1)",
            f"{tag}-%",
        )
        assert written in (0, ROWS), (delay, written)
        assert batches == (1 if written else 0)
        outcomes.append((delay, open_before, written))
        # after a restart the server answers, and sees the same
        with server_process(database_url) as (base_url, _):
            async with httpx.AsyncClient(base_url=base_url) as http:
                assert (await http.get("/health")).status_code == 200
                listed = (await http.get("/api/v1/payouts?limit=1", headers=operator)).json()
            assert listed["total"] == sum(kept for _, _, kept in outcomes)
    # no half batch either: a payout_batch row without its payouts would be a partial commit
    orphans = await watcher.fetchval(
        "SELECT count(*) FROM payout_batch b WHERE NOT EXISTS (SELECT 1 FROM payout p WHERE p.batch = b.id)"
    )
    assert orphans == 0
    return outcomes
