"""Payout batch ingest over HTTP against raw asyncpg COPY of the same rows into the same table.

Prints rows per second for both and their ratio (aim: the endpoint at least half of raw COPY).
Run: uv run python bench/payout_ingest.py [--rows 10000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx

from bench.common import (
    connected,
    fresh_database,
    median,
    operator_token,
    run,
    running_server,
    seed_links,
)


def batch_rows(links: list[int], n: int, tag: str) -> list[dict]:
    return [
        {
            "link_id": links[i % len(links)],
            "income_type": "wage",
            "amount": f"{100 + i % 900}.50",
            "period_from": "2017-03-01",
            "period_to": "2017-03-31",
            "paid_on": "2017-04-05",
            "method": "bank",
            "reference": f"{tag}-{i:06d}",
        }
        for i in range(n)
    ]


def copy_records(rows: list[dict], enterprise: int, household_of: dict[int, int]) -> list[tuple]:
    now = datetime.now(UTC)
    return [
        (
            enterprise,
            r["link_id"],
            household_of[r["link_id"]],
            r["income_type"],
            Decimal(r["amount"]),
            date(2017, 3, 1),
            date(2017, 3, 31),
            date(2017, 4, 5),
            r["method"],
            r["reference"],
            hashlib.sha256(r["reference"].encode()).hexdigest(),
            now,
        )
        for r in rows
    ]


COLUMNS = (
    "enterprise",
    "link",
    "household",
    "income_type",
    "amount",
    "period_from",
    "period_to",
    "paid_on",
    "method",
    "reference",
    "body_hash",
    "created_at",
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    url = await fresh_database()
    seeded = await seed_links(url, households=2_000)
    token = await operator_token(url, seeded["enterprise"])
    async with connected(url) as conn:
        links = {r["id"]: r["household"] for r in await conn.fetch("SELECT id, household FROM link")}
    link_ids = sorted(links)

    http_times, copy_times = [], []
    with running_server(url) as base:
        async with httpx.AsyncClient(
            base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}
        ) as client:
            # one warm-up batch: imports, prepared statements and the pool are ready after it
            warm = await client.post("/api/v1/payouts/batch", json=batch_rows(link_ids, 200, "warm"))
            assert warm.status_code == 201, warm.text
            for k in range(args.repeats):
                rows = batch_rows(link_ids, args.rows, f"http{k}")
                body = httpx.Request("POST", "/", json=rows).content  # encode outside the timing
                started = time.perf_counter()
                r = await client.post(
                    "/api/v1/payouts/batch", content=body, headers={"Content-Type": "application/json"}
                )
                http_times.append(time.perf_counter() - started)
                assert r.status_code == 201 and r.json()["written"] == args.rows, r.text[:500]

                records = copy_records(batch_rows(link_ids, args.rows, f"copy{k}"), seeded["enterprise"], links)
                async with connected(url) as conn:
                    started = time.perf_counter()
                    await conn.copy_records_to_table("payout", records=records, columns=COLUMNS)
                    copy_times.append(time.perf_counter() - started)

    http_rate = args.rows / median(http_times)
    copy_rate = args.rows / median(copy_times)
    print(f"rows per batch:           {args.rows}  (median of {args.repeats} runs)")
    print(f"HTTP batch endpoint:      {http_rate:12,.0f} rows/s  ({median(http_times) * 1000:.0f} ms per batch)")
    print(f"raw asyncpg COPY:         {copy_rate:12,.0f} rows/s  ({median(copy_times) * 1000:.0f} ms per batch)")
    print(f"ratio endpoint / COPY:    {http_rate / copy_rate:.2f}   (aim: at least 0.50)")


if __name__ == "__main__":
    run(main)
