"""Peak memory of the server during a 10,000-row payout batch, against the same server idle.

Reads the kernel's own figures for the uvicorn process (/proc/<pid>/status: VmRSS now, VmHWM peak).
Run: uv run python -m bench.batch_memory [--rows 10000]
"""

from __future__ import annotations

import argparse

import httpx

from bench.common import (
    connected,
    fresh_database,
    operator_token,
    run,
    seed_links,
    server_process,
)
from bench.payout_ingest import batch_rows


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = await fresh_database()
    seeded = await seed_links(url, households=2_000)
    token = await operator_token(url, seeded["enterprise"])
    async with connected(url) as conn:
        links = [r["id"] for r in await conn.fetch("SELECT id FROM link ORDER BY id")]
    with server_process(url) as (base, proc):
        async with httpx.AsyncClient(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}) as c:
            warm = await c.post("/api/v1/payouts/batch", json=batch_rows(links, 100, "warm"))
            assert warm.status_code == 201
            idle = memory_kib(proc.pid)
            r = await c.post("/api/v1/payouts/batch", json=batch_rows(links, args.rows, "mem"))
            assert r.status_code == 201 and r.json()["written"] == args.rows
            after = memory_kib(proc.pid)
    print(f"server RSS when idle (after a warm-up batch): {idle['VmRSS'] / 1024:7.1f} MiB")
    print(f"server peak RSS during a {args.rows}-row batch:   {after['VmHWM'] / 1024:7.1f} MiB")
    print(
        f"growth: {(after['VmHWM'] - idle['VmRSS']) / 1024:.1f} MiB, "
        f"{(after['VmHWM'] - idle['VmRSS']) * 1024 / args.rows:.0f} bytes per row"
    )
    print(f"ratio peak / idle:                            {after['VmHWM'] / idle['VmRSS']:7.2f}")


if __name__ == "__main__":
    run(main)
