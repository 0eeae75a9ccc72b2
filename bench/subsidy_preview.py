"""The subsidy scheme preview over N claims in one scheme, against one plain SQL aggregate over the same claims.

Loads ``--claims`` claims (default 100,000; two per household, in four industries with tiered and capped rates,
a household cap, about a third approved with a voucher, some rejected) into one scheme of a database of its own
(``chainaid_bench_preview``), then times, in the same run and as medians:

- ``GET /api/v1/subsidy-schemes/{id}/preview`` over HTTP: every claim priced in SQL for the totals, one page of
  claims (the default 50) explained by the calculator;
- its totals statement alone (asyncpg, no HTTP);
- the baseline, ``SELECT count(*), sum(coalesce(verified_quantity, declared_quantity)) FROM subsidy_claim
  WHERE scheme = $1`` (asyncpg, no HTTP).

Prints the times and the ratios preview / aggregate (aim: within 5 at 100,000 claims).
Run: uv run python -m bench.subsidy_preview [--claims 100000] [--repeats 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

import asyncpg
import httpx

from bench.common import (
    ROOT,
    account_token,
    connected,
    home_county,
    median,
    run,
    running_server,
    server_url,
    with_database,
)

DATABASE = "chainaid_bench_preview"  # its own: other benchmarks drop and remake chainaid_bench

AGGREGATE = (
    "SELECT count(*), sum(coalesce(verified_quantity, declared_quantity)) FROM subsidy_claim"
    " WHERE scheme = $1 AND status <> 'rejected'"
)

RATES = [  # industry, min_quantity, cap, tiers
    ("crayfish_rice", 1, 3000, '[{"up_to": "10", "rate": "300.00"}, {"up_to": null, "rate": "150.00"}]'),
    ("pinellia", 0.5, None, '[{"up_to": null, "rate": "500.00"}]'),
    (
        "soybean",
        0,
        None,
        '[{"up_to": "5", "rate": "12.345"}, {"up_to": "20", "rate": "8"}, {"up_to": "40", "rate": "4"}]',
    ),
    ("vegetables", 2.5, 1234.56, '[{"up_to": "3", "rate": "100"}, {"up_to": null, "rate": "333.333"}]'),
]


async def fresh_database() -> str:
    base = server_url()
    conn = await asyncpg.connect(with_database(base, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    url = with_database(base, DATABASE)
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


async def load(url: str, claims: int) -> int:
    """One scheme with ``claims`` claims, two per household, in 12 towns of 10 villages; set-based."""
    households = (claims + 1) // 2
    async with connected(url) as conn, conn.transaction():
        county = await home_county(conn)
        await conn.execute(
            "INSERT INTO town (name, code, county_id, created_at)"
            " SELECT 'town ' || g, '429005' || lpad(g::text, 3, '0'), $1, now() FROM generate_series(1, 12) g",
            county,
        )
        await conn.execute(
            "INSERT INTO village (town, name, is_poor_village, registered_year, created_at)"
            " SELECT t.id, 'village ' || t.id || '-' || g, true, 2014, now() FROM town t, generate_series(1, 10) g"
        )
        await conn.execute(
            "INSERT INTO household (registry_no, village, attribute, causes, status, exited_year, created_at)"
            " SELECT 'P' || g, (SELECT min(id) FROM village) + g % 120, 'ordinary', ARRAY['illness'],"
            " CASE WHEN g % 7 = 0 THEN 'exited' ELSE 'registered' END, CASE WHEN g % 7 = 0 THEN 2016 END, now()"
            " FROM generate_series(1, $1) g",
            households,
        )
        scheme = await conn.fetchval(
            "INSERT INTO subsidy_scheme (county_id, year, name, budget, household_cap, exited_eligible_until, status,"
            " created_at) VALUES ($1, 2017, 'bench', 500000000, 5000, 2020, 'published', now()) RETURNING id",
            county,
        )
        for code, min_quantity, cap, tiers in RATES:
            await conn.execute(
                "INSERT INTO scheme_rate (scheme, industry, unit, min_quantity, cap, tiers)"
                " SELECT $1, id, 'mu', $2, $3, $4::jsonb FROM industry WHERE code = $5",
                scheme,
                min_quantity,
                cap,
                tiers,
                code,
            )
        # claim k of household h (k = 0, 1) is in industry (h + 2k) % 4: two industries per household
        await conn.execute(
            "INSERT INTO subsidy_claim (scheme, household, industry, declared_quantity, verified_quantity, verified_on,"
            " status, filed_at)"
            " SELECT $1, h.id, i.id, q, CASE WHEN n % 3 <> 0 THEN round(q * 0.95, 2) END,"
            " CASE WHEN n % 3 <> 0 THEN DATE '2017-05-01' END,"
            " CASE WHEN n % 3 = 0 THEN 'filed' WHEN n % 10 = 1 THEN 'rejected' WHEN n % 3 = 1 THEN 'approved'"
            " ELSE 'verified' END, now()"
            " FROM (SELECT h.id, k, row_number() OVER () AS n, round((1 + (h.id * 7919 + k * 104729) % 4000) / 100.0, 2) AS q"
            "       FROM household h, generate_series(0, 1) k) h"
            " JOIN industry i ON i.code = (ARRAY['crayfish_rice', 'pinellia', 'soybean', 'vegetables'])[1 + (h.id + 2 * k) % 4]"
            " WHERE n <= $2",
            scheme,
            claims,
        )
        await conn.execute(
            "INSERT INTO voucher (number, scheme, claim, household, quantity, amount, explanation, status)"
            " SELECT 'B' || c.id, c.scheme, c.id, c.household, c.verified_quantity, 1000 + c.id % 1500,"
            " '[\"bench\"]'::jsonb, 'issued' FROM subsidy_claim c WHERE c.status = 'approved'"
        )
        await conn.execute("ANALYZE")
    return scheme


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    url = await fresh_database()
    started = time.perf_counter()
    scheme = await load(url, args.claims)
    loading = time.perf_counter() - started
    token = await asyncio.to_thread(account_token, url, "finance")
    sys.path.insert(0, str(ROOT))
    from app.subsidies.queries import _PREVIEW_TOTALS

    preview_times, totals_times, sql_times = [], [], []
    with running_server(url) as base:
        async with (
            httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c,
            connected(url) as conn,
        ):
            first = (await c.get(f"/api/v1/subsidy-schemes/{scheme}/preview")).json()  # warm up
            cap = await conn.fetchval("SELECT household_cap FROM subsidy_scheme WHERE id = $1", scheme)
            for _ in range(args.repeats):
                t = time.perf_counter()
                r = await c.get(f"/api/v1/subsidy-schemes/{scheme}/preview")
                preview_times.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text
                t = time.perf_counter()
                await conn.fetch(_PREVIEW_TOTALS, scheme, cap)
                totals_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                await conn.fetch(AGGREGATE, scheme)
                sql_times.append(time.perf_counter() - t)
    p, s, q = median(preview_times), median(totals_times), median(sql_times)
    print(f"claims priced (not rejected):         {first['claims_total']} (loaded {args.claims} in {loading:.1f} s)")
    print(f"explained on the page:                {len(first['claims'])}")
    print(f"total of the scheme:                  {first['total']}")
    print(f"GET /subsidy-schemes/{{id}}/preview:    {p * 1000:8.1f} ms  (HTTP)")
    print(f"its totals statement alone:           {s * 1000:8.1f} ms  (asyncpg, no HTTP)")
    print(f"plain SQL aggregate, same claims:     {q * 1000:8.1f} ms  (asyncpg, no HTTP)")
    print(f"ratio preview / aggregate:            {p / q:8.1f}")
    print(f"ratio totals statement / aggregate:   {s / q:8.1f}")


if __name__ == "__main__":
    run(main)
