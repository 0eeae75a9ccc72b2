"""Single-payout POST throughput: 16 concurrent clients over loopback to a real uvicorn server, against a
bare Litestar endpoint doing one asyncpg INSERT into the same table, in the same run.

Prints requests per second for both and their ratio (aim: at least 0.6).
Run: uv run python -m bench.single_payout [--requests 3000] [--clients 16]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import httpx

from bench.common import (
    WITNESS_ENV,
    connected,
    fresh_database,
    operator_token,
    run,
    running_server,
    seed_links,
)


def body(link: int, n: int, tag: str, household: int, enterprise: int) -> dict:
    return {
        "link_id": link,
        "income_type": "wage",
        "amount": f"{100 + n % 900}.50",
        "period_from": "2017-03-01",
        "period_to": "2017-03-31",
        "paid_on": "2017-04-05",
        "method": "bank",
        "reference": f"{tag}-{n:07d}",
        # the bare endpoint is told what the real one looks up
        "household": household,
        "enterprise": enterprise,
    }


async def hammer(base: str, path: str, bodies: list[dict], clients: int, headers: dict, strip: bool) -> float:
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait({k: v for k, v in b.items() if k not in ("household", "enterprise")} if strip else b)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                r = await client.post(path, json=queue.get_nowait())
                assert r.status_code in (200, 201), r.text[:300]

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return len(bodies) / (time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    url = await fresh_database()
    seeded = await seed_links(url, households=2_000)
    token = await operator_token(url, seeded["enterprise"])
    async with connected(url) as conn:
        links = [(r["id"], r["household"]) for r in await conn.fetch("SELECT id, household FROM link ORDER BY id")]

    def bodies(tag: str) -> list[dict]:
        return [
            body(links[n % len(links)][0], n, tag, links[n % len(links)][1], seeded["enterprise"])
            for n in range(args.requests)
        ]

    real, bare = [], []
    with running_server(url) as real_base, running_server(url, app="bench.bare_app:create_app") as bare_base:
        auth = {"Authorization": f"Bearer {token}"}
        await hammer(real_base, "/api/v1/payouts", bodies("warm-real")[:200], args.clients, auth, True)
        await hammer(bare_base, "/bare", bodies("warm-bare")[:200], args.clients, {}, False)
        for k in range(args.rounds):  # alternate, so drift in the machine's load hits both alike
            real.append(await hammer(real_base, "/api/v1/payouts", bodies(f"real{k}"), args.clients, auth, True))
            bare.append(await hammer(bare_base, "/bare", bodies(f"bare{k}"), args.clients, {}, False))
    real_rate, bare_rate = sorted(real)[len(real) // 2], sorted(bare)[len(bare) // 2]
    print(f"requests per round: {args.requests}, clients: {args.clients}, rounds: {args.rounds} (median)")
    print(f"POST /api/v1/payouts:        {real_rate:8.0f} req/s")
    print(f"bare endpoint, one INSERT:   {bare_rate:8.0f} req/s")
    print(f"ratio real / bare:           {real_rate / bare_rate:.2f}   (aim: at least 0.60)")
    print(f"audit checkpoints signed by the server during the run: {_checkpoints()} (each second the head moved)")


def _checkpoints() -> int:
    path = Path(WITNESS_ENV["CHAINAID_AUDIT_CHECKPOINTS"])
    return len(path.read_text().splitlines()) if path.exists() else 0


if __name__ == "__main__":
    run(main)
