"""A real server killed with SIGKILL in the middle of a 10,000-row batch leaves all of it or none."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import httpx

from app.core.database import fetch
from bench.common import server_process
from tests.chain_helpers import WAGE
from tests.world import linked_household

ROWS = 10_000


def batch(link_id: int, tag: str) -> list[dict]:
    return [{"link_id": link_id, "income_type": "wage", "amount": f"{100 + i % 500}.00", "period_from": "2017-01-01",
             "period_to": "2017-01-31", "paid_on": "2017-02-01", "method": "bank", "reference": f"{tag}-{i:05d}"}
            for i in range(ROWS)]


async def _others_gone(timeout: float = 30) -> None:
    """Wait until the killed server's database sessions have ended (committed or rolled back)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await fetch("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
                           " AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        if rows[0]["n"] <= 10:  # our own pool may hold a few idle ones
            busy = await fetch("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
                               " AND pid <> pg_backend_pid() AND state <> 'idle'")
            if busy[0]["n"] == 0:
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the killed server's sessions did not end")


async def test_sigkill_mid_batch_leaves_all_or_nothing(client, admin, auth, database_url):
    chain = await linked_household(client, admin, auth, WAGE)
    operator, link_id = chain["operator"], chain["link"]

    outcomes = []
    for attempt, delay in enumerate((0.05, 0.15, 0.3, 0.45, 0.7, 1.2)):
        tag = f"K{attempt}"
        body = httpx.Request("POST", "http://x", json=batch(link_id, tag)).content
        with server_process(database_url) as (base_url, proc):
            def send() -> None:
                try:
                    httpx.post(f"{base_url}/api/v1/payouts/batch", content=body, timeout=60,
                               headers={**operator, "Content-Type": "application/json"})
                except httpx.HTTPError:
                    pass  # the server died under it: that is the point

            sender = threading.Thread(target=send)
            sender.start()
            await asyncio.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            sender.join()
        await _others_gone()
        written = (await fetch("SELECT count(*) AS n FROM payout WHERE reference LIKE $1", f"{tag}-%"))[0]["n"]
        batches = (await fetch("SELECT count(*) AS n FROM payout_batch b WHERE EXISTS"
                               " (SELECT 1 FROM payout p WHERE p.batch = b.id AND p.reference LIKE $1)", f"{tag}-%"))[0]["n"]
        assert written in (0, ROWS), (delay, written)
        assert batches == (1 if written else 0)
        outcomes.append(written)
        # after a restart the server answers, and sees the same
        with server_process(database_url) as (base_url, _):
            assert httpx.get(f"{base_url}/health").status_code == 200
            listed = httpx.get(f"{base_url}/api/v1/payouts?limit=1", headers=operator).json()
            assert listed["total"] == sum(outcomes)
    verify = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert verify["ok"] is True
    # the kills landed both before and after the commit at least once in the run (not required, but reported)
    print("rows kept per kill:", outcomes)
