"""The subsidy scheme preview over the demo data, against one plain SQL aggregate over the same claims.

The preview computes every claim with the explained calculator and household caps; the baseline only
sums quantities per industry. Prints both times and the ratio (preview / aggregate).
Run: uv run python -m bench.subsidy_preview [--repeats 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

import httpx

from bench.common import ROOT, connected, fresh_database, median, run, running_server

AGGREGATE = (
    "SELECT i.code, count(*), sum(coalesce(c.verified_quantity, c.declared_quantity))"
    " FROM subsidy_claim c JOIN industry i ON i.id = c.industry WHERE c.scheme = 1 AND c.status <> 'rejected'"
    " GROUP BY i.code"
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    url = await fresh_database()
    out = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", "demo"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    ).stdout
    token = next(line.split()[-1] for line in out.splitlines() if line.strip().startswith("finance"))
    preview_times, sql_times = [], []
    with running_server(url) as base:
        async with (
            httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c,
            connected(url) as conn,
        ):
            claims = len((await c.get("/api/v1/subsidy-schemes/1/preview")).json()["claims"])
            for _ in range(args.repeats):
                started = time.perf_counter()
                r = await c.get("/api/v1/subsidy-schemes/1/preview")
                preview_times.append(time.perf_counter() - started)
                assert r.status_code == 200
                started = time.perf_counter()
                await conn.fetch(AGGREGATE)
                sql_times.append(time.perf_counter() - started)
    p, q = median(preview_times), median(sql_times)
    print(f"claims in the demo scheme:          {claims}")
    print(f"GET /subsidy-schemes/1/preview:     {p * 1000:8.1f} ms  (HTTP, every claim calculated and explained)")
    print(f"plain SQL aggregate, same claims:   {q * 1000:8.1f} ms  (asyncpg, no HTTP)")
    print(f"ratio preview / aggregate:          {p / q:8.1f}")


if __name__ == "__main__":
    run(main)
