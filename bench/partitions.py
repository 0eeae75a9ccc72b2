"""Would partitioning the payout ledger by year help? Measured on the province ``bench.province`` loaded.

Builds ``bench_payout_by_year``, a copy of ``payout`` partitioned by range of ``paid_on`` (one partition a
year, a default one for the rest) with the same indexes (each unique one extended by ``paid_on``, as a
partitioned unique index must be), and times, against the ledger as it is, as medians:

- a year's report (the year's payouts summed by income type);
- one household's income of a year (the index ``(household, paid_on)``) and one payout by id;
- ``VACUUM (FREEZE)``, the maintenance an append-only table needs (anti-wraparound): the whole ledger
  against one full year's partition (with partitions, the old years are frozen once and left alone);
- archiving the oldest year: ``DELETE`` of its rows (in a transaction rolled back) against ``DETACH
  PARTITION`` (the same);
and prints the sizes of each (table and indexes). The copy is dropped at the end.

Run (after bench.province has loaded its database): uv run python -m bench.partitions [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg

from bench.common import connected, median, server_url, with_database
from bench.province import PROVINCE_DB

PART = "bench_payout_by_year"

_INDEXES = [
    # the ledger's own, each unique one extended by the partition key
    f"ALTER TABLE {PART} ADD PRIMARY KEY (id, paid_on)",
    f"CREATE INDEX ON {PART} (enterprise, paid_on)",
    f"CREATE INDEX ON {PART} (household, paid_on) INCLUDE (income_type, amount)",
    f"CREATE INDEX ON {PART} (link, paid_on)",
    f"CREATE UNIQUE INDEX ON {PART} (enterprise, lower(reference), paid_on)",
    f"CREATE UNIQUE INDEX ON {PART} (reverses, paid_on)",
]

YEAR_REPORT = (
    "SELECT income_type, count(*), sum(amount) FROM {t}"
    " WHERE paid_on >= make_date($1, 1, 1) AND paid_on < make_date($1 + 1, 1, 1) GROUP BY income_type"
)
HOUSEHOLD_YEAR = (
    "SELECT income_type, sum(amount) FROM {t}"
    " WHERE household = $1 AND paid_on BETWEEN make_date($2, 1, 1) AND make_date($2, 12, 31) GROUP BY income_type"
)
BY_ID = "SELECT * FROM {t} WHERE id = $1"


async def _timed(action: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def _size(conn: asyncpg.Connection, relations: list[str]) -> tuple[int, int]:
    """(table bytes, index bytes) summed over ``relations``."""
    row = await conn.fetchrow(
        "SELECT sum(pg_table_size(r)), sum(pg_indexes_size(r)) FROM unnest($1::regclass[]) r", relations
    )
    assert row is not None
    return int(row[0]), int(row[1])


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the partitioned copy")
    args = parser.parse_args()
    url = with_database(server_url(), PROVINCE_DB)
    async with connected(url) as conn:
        await conn.execute("SET work_mem = '64MB'")
        years = [
            r[0] for r in await conn.fetch("SELECT DISTINCT extract(year FROM paid_on)::int FROM payout ORDER BY 1")
        ]
        rows = await conn.fetchval("SELECT count(*) FROM payout")
        print(f"payout: {rows:,} rows over {years[0]}-{years[-1]}", flush=True)

        await conn.execute(f"DROP TABLE IF EXISTS {PART}")
        await conn.execute(
            f"CREATE TABLE {PART} (LIKE payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (paid_on)"
        )
        partitions = []
        for y in years:
            partitions.append(f"{PART}_{y}")
            await conn.execute(
                f"CREATE TABLE {PART}_{y} PARTITION OF {PART} FOR VALUES FROM ('{y}-01-01') TO ('{y + 1}-01-01')"
            )
        await conn.execute(f"CREATE TABLE {PART}_other PARTITION OF {PART} DEFAULT")
        started = time.perf_counter()
        await conn.execute(f"INSERT INTO {PART} SELECT * FROM payout")
        for sql in _INDEXES:
            await conn.execute(sql)
        await conn.execute(f"VACUUM ANALYZE {PART}")
        print(f"partitioned copy built in {time.perf_counter() - started:.0f} s", flush=True)
        await conn.execute("VACUUM ANALYZE payout")

        household = await conn.fetchval("SELECT household FROM payout ORDER BY id OFFSET $1 LIMIT 1", rows // 2)
        payout_id = await conn.fetchval("SELECT id FROM payout ORDER BY id OFFSET $1 LIMIT 1", rows // 3)
        report_year = years[len(years) // 2]
        figures: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeats):
            for name, table in (("plain", "payout"), ("by year", PART)):
                for what, sql, params in (
                    (f"a year's report ({report_year})", YEAR_REPORT, (report_year,)),
                    ("one household's income of a year", HOUSEHOLD_YEAR, (household, report_year)),
                    ("one payout by id", BY_ID, (payout_id,)),
                ):
                    q = sql.format(t=table)
                    figures.setdefault((what, name), []).append(await _timed(lambda q=q, p=params: conn.fetch(q, *p)))

        # a full year's partition (the newest may hold a few days only): what one year's maintenance costs
        one_year, oldest = f"{PART}_{report_year}", partitions[0]
        freeze_plain = await _timed(lambda: conn.execute("VACUUM (FREEZE) payout"))
        freeze_part = await _timed(lambda: conn.execute(f"VACUUM (FREEZE) {one_year}"))

        async def rolled_back(*sql: str) -> float:
            tx = conn.transaction()
            await tx.start()
            try:
                # replica mode: the ledger's append-only trigger would refuse the DELETE (it is rolled back)
                await conn.execute("SET LOCAL session_replication_role = replica")
                started = time.perf_counter()
                for s in sql:
                    await conn.execute(s)
                return time.perf_counter() - started
            finally:
                await tx.rollback()

        first_year = date(years[0], 1, 1)
        delete = await rolled_back(f"DELETE FROM payout WHERE paid_on < '{date(years[0] + 1, 1, 1)}'")
        detach = await rolled_back(f"ALTER TABLE {PART} DETACH PARTITION {oldest}")
        plain_size = await _size(conn, ["payout"])
        part_size = await _size(conn, [*partitions, f"{PART}_other"])
        year_size = await _size(conn, [one_year])
        if not args.keep:
            await conn.execute(f"DROP TABLE {PART}")

    print()
    print(f"{'measured':<44} {'plain ledger':>14} {'by year':>14} {'ratio':>7}")
    for what in dict.fromkeys(k[0] for k in figures):
        p, y = median(figures[(what, "plain")]), median(figures[(what, "by year")])
        print(f"{what:<44} {p * 1000:11.2f} ms {y * 1000:11.2f} ms {y / p:7.2f}")
    print(
        f"{'VACUUM (FREEZE): ledger / one year':<44} {freeze_plain * 1000:11.0f} ms"
        f" {freeze_part * 1000:11.0f} ms {freeze_part / freeze_plain:7.2f}"
    )
    print(
        f"{'archive ' + str(first_year.year) + ': DELETE / DETACH':<44} {delete * 1000:11.0f} ms"
        f" {detach * 1000:11.0f} ms {detach / delete:7.3f}"
    )
    print(
        f"{'size, table + indexes':<44} {_mb(sum(plain_size)):>14} {_mb(sum(part_size)):>14}"
        f"   (one year: {_mb(year_size[0])} + {_mb(year_size[1])} of indexes)"
    )


if __name__ == "__main__":
    asyncio.run(main())
