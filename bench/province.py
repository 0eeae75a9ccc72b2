"""A province of ~100 Qianjiang-sized counties against a single county, measured in the same run.

Loads (``bench.province_data``, COPY, loading time per table printed) a province database
(``chainaid_bench_province``: ``--households`` households over ``households / --county-households``
counties, 3 members and 10 payouts each) and a single-county database (``chainaid_bench_county``: county 1
alone, by the same generator, so its rows are the province's county 1 row for row), both with county 1's 2017
scheme of ``--claims`` claims. Then measures, as medians, in the same run:

- per county, on both databases: one county's overview (``GET /api/v1/stats/overview?region=429005``), a
  household list page filtered by town, a household's detail, its income for 2017, the county scheme's
  preview (aim: each at province scale within 2x the same on the single county);
- the province overview (``?region=42``) against one county's on the same database (aim: under 20x);
- the preview against one plain SQL aggregate over the same claims (aim: within 5x);
- streaming the province's payout export over HTTP (rows/s) against a bare ``COPY (SELECT ...) TO STDOUT``
  of the same rows (aim: at least half the rate);
- single payouts ``POST``ed by 16 clients over 8 counties against 16 clients in one county (aim: 1.5x; the
  per-county audit chains at work).

Reads call the app in-process (httpx ``ASGITransport``, as the tests do), pointed at one database and then
the other; the export and the payouts go over loopback to a real uvicorn server (streaming and concurrency
need a server of their own). Prints a table of figures, aims and whether each is met.

Run: uv run python -m bench.province [--households 2000000] [--reuse] [--no-jit]
     uv run python -m bench.province --households 200000      # ten counties, a quick run (~3-4 min)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench import province_data as data
from bench.common import WITNESS_ENV, connected, median, running_server, server_url, with_database
from bench.subsidy_preview import AGGREGATE, RATES

PROVINCE_DB = "chainaid_bench_province"
COUNTY_DB = "chainaid_bench_county"
AS_OF = "2019-12-31"  # the overview of a fixed day: the figures do not move with the calendar


# ---- databases


async def _exists_loaded(name: str) -> bool:
    async with connected(with_database(server_url(), "postgres")) as conn:
        if not await conn.fetchval("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name):
            return False
    async with connected(with_database(server_url(), name)) as conn:
        return bool(await conn.fetchval("SELECT to_regclass('subsidy_scheme') IS NOT NULL"))


async def _fresh(name: str) -> str:
    async with connected(with_database(server_url(), "postgres")) as conn:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server_url(), name)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "migrate",
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await proc.wait():
        raise SystemExit(f"migrating {name} failed")
    return url


@dataclass
class Loaded:
    url: str
    shape: data.Shape
    scheme: int
    seconds: dict[str, float] = field(default_factory=dict)


async def prepared(name: str, counties: int, households: int, claims: int, reuse: bool) -> Loaded:
    shape = data.Shape(counties, households)
    url = with_database(server_url(), name)
    if reuse and await _exists_loaded(name):
        async with connected(url) as conn:
            n = await conn.fetchval("SELECT count(*) FROM region WHERE level = 'county'")
            scheme = await conn.fetchval("SELECT id FROM subsidy_scheme WHERE name = 'bench'")
        if n == counties and scheme is not None:
            print(f"{name}: reused ({counties} counties)", flush=True)
            return Loaded(url, shape, scheme)
    print(f"{name}: loading {counties} counties of {households:,} households", flush=True)
    url = await _fresh(name)
    started = time.perf_counter()
    seconds = await data.load(url, counties, households)
    scheme = await data.scheme_with_claims(url, shape, claims, RATES)
    seconds["total"] = time.perf_counter() - started
    print(f"  {'total':<20} {'':>12}       {seconds['total']:8.1f} s", flush=True)
    return Loaded(url, shape, scheme, seconds)


# ---- the app in-process, pointed at one database at a time


class App:
    """The app built once; its pool is opened on the database of the moment (``use``)."""

    def __init__(self) -> None:
        os.environ.update(WITNESS_ENV)
        os.environ.setdefault("CHAINAID_LOG_LEVEL", "warning")  # no access log line per request measured
        from app.core.settings import get_settings
        from app.main import create_app

        get_settings.cache_clear()

        self.app = create_app()
        self.tokens: dict[tuple[str, str], str] = {}

    @asynccontextmanager
    async def use(self, url: str) -> AsyncIterator[httpx.AsyncClient]:
        from app.core import database
        from app.core.settings import get_settings

        await database.close_pool()
        os.environ["DATABASE_URL"] = url
        database.database_url.cache_clear()
        get_settings.cache_clear()
        await database.open_pool()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://chainaid.bench", timeout=600
        ) as client:
            yield client

    async def token(self, url: str, role: str, **scope: int) -> dict[str, str]:
        """A bearer header for an account of ``role`` on the database in use (made once per database)."""
        key = (url, role + repr(sorted(scope.items())))
        if key not in self.tokens:
            from app.accounts.schemas import AccountCreate
            from app.accounts.service import create_account
            from app.core.principal import Role, system_principal

            created = await create_account(
                system_principal("bench"), AccountCreate(name=f"bench {role}", role=Role(role), **scope)
            )
            self.tokens[key] = created.token
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    async def close(self) -> None:
        from app.core import database

        await database.close_pool()


# ---- reads


Probe = Callable[[httpx.AsyncClient], Awaitable[object]]


async def _get(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> httpx.Response:
    r = await client.get(path, headers=headers)
    assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
    return r


async def read_probes(app: App, loaded: Loaded) -> dict[str, Probe]:
    """The reads measured on a database, county 1's on both, by name."""
    shape = loaded.shape
    code = shape.codes[0][0]
    admin = await app.token(loaded.url, "admin")
    finance = await app.token(loaded.url, "finance")
    household = shape.household_id(0, 12_344)  # a registered household of county 1 with a wage link
    town = shape.town_id(0, 5)
    probes: dict[str, Probe] = {
        "county overview": lambda c: _get(c, f"/api/v1/stats/overview?region={code}&as_of={AS_OF}", admin),
        "household list, one town": lambda c: _get(c, f"/api/v1/households?town_id={town}&limit=50", admin),
        "household detail": lambda c: _get(c, f"/api/v1/households/{household}", admin),
        "household income 2017": lambda c: _get(c, f"/api/v1/households/{household}/income?year=2017", admin),
        "scheme preview": lambda c: _get(c, f"/api/v1/subsidy-schemes/{loaded.scheme}/preview", finance),
        "province overview": lambda c: _get(
            c, f"/api/v1/stats/overview?region={data.PROVINCE[0]}&as_of={AS_OF}", admin
        ),
    }
    return probes


async def _aggregate(url: str, scheme: int) -> Probe:
    async def run(_: httpx.AsyncClient) -> None:
        from app.core.uow import reading

        async with reading() as conn:
            await conn.fetch(AGGREGATE, scheme)

    return run


async def measure_reads(
    app: App, databases: dict[str, Loaded], rounds: int, repeats: int
) -> dict[tuple[str, str], float]:
    """Median seconds of every probe on every database; the databases take turns, round by round, so a
    drift in the machine's load falls on both alike."""
    times: dict[tuple[str, str], list[float]] = {}
    seen: dict[str, object] = {}
    for r in range(rounds):
        for name, loaded in databases.items():
            async with app.use(loaded.url) as client:
                probes = await read_probes(app, loaded)
                probes["plain aggregate over the claims"] = await _aggregate(loaded.url, loaded.scheme)
                for probe_name, probe in probes.items():
                    if r == 0 or probe_name != "province overview":
                        # warm up (caches, plans, the pool; and, each round, what the other database evicted)
                        answer = await probe(client)
                        if r == 0 and probe_name == "county overview":
                            assert isinstance(answer, httpx.Response)
                            seen[name] = answer.json()
                    for _ in range(repeats if probe_name != "province overview" else max(1, repeats // 2)):
                        started = time.perf_counter()
                        await probe(client)
                        times.setdefault((name, probe_name), []).append(time.perf_counter() - started)
        print(f"  reads, round {r + 1} of {rounds} done", flush=True)
    # the same county, the same rows: the same figures in both databases
    first, *others = seen.values()
    assert all(o == first for o in others), "county 1's overview differs between the databases"
    return {k: median(v) for k, v in times.items()}


# ---- the export


EXPORT_SELECT = (
    "SELECT id, enterprise, link, household, income_type, amount, period_from, period_to, paid_on, method,"
    " reference, reverses, reason FROM payout ORDER BY id LIMIT {limit}"
)


async def measure_export(base: str, url: str, headers: dict[str, str], rows: int) -> tuple[float, float, int]:
    """(rows/s of the HTTP export, rows/s of the bare COPY, rows read): the first ``rows`` payouts in id order
    (0: every one), the export read as it streams and cut there."""
    read = 0
    started = time.perf_counter()
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, timeout=None) as client,
        client.stream("GET", "/api/v1/exports/payouts.csv") as r,
    ):
        assert r.status_code == 200, r.status_code
        async for chunk in r.aiter_bytes():
            read += chunk.count(b"\n")
            if rows and read > rows:  # the header line and ``rows`` rows
                break
    export_seconds = time.perf_counter() - started
    read -= 1
    copied = 0

    async def count(chunk: bytes) -> None:
        nonlocal copied
        copied += chunk.count(b"\n")

    async with connected(url) as conn:
        started = time.perf_counter()
        await conn.copy_from_query(EXPORT_SELECT.format(limit=read), output=count, format="csv", header=True)
        copy_seconds = time.perf_counter() - started
    return read / export_seconds, (copied - 1) / copy_seconds, read


# ---- concurrent single payouts


async def payout_plan(
    app: App, loaded: Loaded, counties: list[int], per_county: int, requests: int, tag: str
) -> list[tuple[dict[str, str], dict[str, Any]]]:
    """(operator header, body) for ``requests`` payouts in 2020, over ``per_county`` enterprises of each of
    ``counties``, paid to their registered households' links, interleaved so that every client meets every
    enterprise in turn."""
    shape = loaded.shape
    streams: list[list[tuple[dict[str, str], dict[str, Any]]]] = []
    for c in counties:
        for e in range(per_county):
            eid = shape.enterprise_id(c, e)
            header = await app.token(loaded.url, "operator", enterprise_id=eid)
            links = [
                (shape.household_id(c, i), "wage" if shape.link_kind(i) == "wage" else "dividend")
                for i in range(e, shape.households, data.ENTERPRISES)
                if shape.status(i)[0] == "registered"
            ]
            # a link is paid as often as the plan needs (a new reference each time: a new payout)
            streams.append(
                [
                    (
                        header,
                        {
                            "link_id": links[n % len(links)][0],
                            "income_type": links[n % len(links)][1],
                            "amount": f"{100 + n % 900}.50",
                            "period_from": "2020-01-01",
                            "period_to": "2020-01-31",
                            "paid_on": "2020-02-05",
                            "method": "bank",
                            "reference": f"{tag}-{c}-{e}-{n}",
                        },
                    )
                    for n in range(requests // (len(counties) * per_county) + 1)
                ]
            )
    plan = [s[n] for n in range(max(len(s) for s in streams)) for s in streams if n < len(s)]
    assert len(plan) >= requests, f"{len(plan)} payouts planned, {requests} asked"
    return plan[:requests]


async def hammer(base: str, plan: list[tuple[dict[str, str], dict[str, Any]]], clients: int) -> float:
    queue: asyncio.Queue[tuple[dict[str, str], dict[str, Any]]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def worker() -> None:
            while not queue.empty():
                header, body = queue.get_nowait()
                r = await client.post("/api/v1/payouts", json=body, headers=header)
                assert r.status_code in (200, 201), r.text[:300]

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return len(plan) / (time.perf_counter() - started)


# ---- the run


@dataclass
class Row:
    what: str
    figure: str
    baseline: str
    ratio: float
    aim: str
    met: bool | None


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=2_000_000, help="in the province (default 2,000,000)")
    parser.add_argument("--county-households", type=int, default=20_000, help="per county (default 20,000)")
    parser.add_argument("--claims", type=int, default=100_000, help="in county 1's scheme (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5, help="of each read per round")
    parser.add_argument("--export-rows", type=int, default=2_000_000, help="payouts streamed (0: all)")
    parser.add_argument("--payouts", type=int, default=2000, help="single payouts per round")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--server-workers", type=int, default=1, help="uvicorn workers of the export and payouts server"
    )
    parser.add_argument("--reuse", action="store_true", help="keep databases loaded by an earlier run")
    parser.add_argument(
        "--no-jit",
        action="store_true",
        help="turn PostgreSQL's JIT off on both databases (ALTER DATABASE ... SET jit = off), as docs/benchmarks.md advises",
    )
    parser.add_argument("--skip-reads", action="store_true", help="leave out the reads")
    parser.add_argument("--skip-writes", action="store_true", help="leave out the export and the payouts")
    args = parser.parse_args()
    counties = max(1, args.households // args.county_households)
    if counties > data.MAX_COUNTIES:
        raise SystemExit(f"at most {data.MAX_COUNTIES} counties of {args.county_households:,} households")

    county = await prepared(COUNTY_DB, 1, args.county_households, args.claims, args.reuse)
    province = await prepared(PROVINCE_DB, counties, args.county_households, args.claims, args.reuse)
    async with connected(with_database(server_url(), "postgres")) as conn:
        for name in (COUNTY_DB, PROVINCE_DB):  # for the connections opened from here on
            await conn.execute(
                f'ALTER DATABASE "{name}" SET jit = off' if args.no_jit else f'ALTER DATABASE "{name}" RESET jit'
            )
    databases = {"county": county, "province": province}
    async with connected(province.url) as conn:
        sizes = {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("household", "member", "payout", "subsidy_claim")
        }
        db_size = await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    print(
        f"province: {counties} counties, {sizes['household']:,} households, {sizes['member']:,} members,"
        f" {sizes['payout']:,} payouts, {sizes['subsidy_claim']:,} claims in county 1's scheme; {db_size}",
        flush=True,
    )

    app = App()
    try:
        rows = [] if args.skip_reads else _read_rows(await measure_reads(app, databases, args.rounds, args.repeats))
        if not args.skip_writes:
            rows += await _writes(app, province, args)
    finally:
        await app.close()
    _print(rows, counties)


async def _writes(app: App, province: Loaded, args: argparse.Namespace) -> list[Row]:
    shape = province.shape
    async with app.use(province.url):
        auditor = await app.token(province.url, "auditor")
        spread = sorted({c * shape.counties // 8 for c in range(8)})
        # the same 8 enterprises' worth of clients in both: 8 counties x 1 enterprise, or 1 county x 8
        plans = {
            f"round{r}": (
                await payout_plan(app, province, spread, 8 // len(spread), args.payouts, f"S{r}"),
                await payout_plan(app, province, [0], 8, args.payouts, f"O{r}"),
            )
            for r in range(args.rounds)
        }
        warm = await payout_plan(app, province, spread, 8 // len(spread), 200, "W")
    spread_rates, one_rates = [], []
    with running_server(province.url, workers=args.server_workers) as base:
        export_rate, copy_rate, exported = await measure_export(base, province.url, auditor, args.export_rows)
        print(f"  export: {exported:,} rows", flush=True)
        await hammer(base, warm, args.clients)
        for r in range(args.rounds):  # alternate, and in turn first, so drift in the machine's load hits both alike
            spread_plan, one_plan = plans[f"round{r}"]
            if r % 2:
                one_rates.append(await hammer(base, one_plan, args.clients))
            spread_rates.append(await hammer(base, spread_plan, args.clients))
            if not r % 2:
                one_rates.append(await hammer(base, one_plan, args.clients))
        print("  payouts done", flush=True)
    s, o = median(spread_rates), median(one_rates)
    return [
        Row(
            f"payout export, {exported:,} rows streamed (HTTP)",
            f"{export_rate:,.0f} rows/s",
            f"bare COPY: {copy_rate:,.0f} rows/s",
            export_rate / copy_rate,
            ">= 0.5",
            export_rate / copy_rate >= 0.5,
        ),
        Row(
            f"single payouts, {args.clients} clients over {len(spread)} counties",
            f"{s:,.0f} req/s",
            f"one county: {o:,.0f} req/s",
            s / o,
            ">= 1.5",
            s / o >= 1.5,
        ),
    ]


def _read_rows(reads: dict[tuple[str, str], float]) -> list[Row]:
    rows = []
    for probe in ("county overview", "household list, one town", "household detail", "household income 2017"):
        p, c = reads[("province", probe)], reads[("county", probe)]
        rows.append(Row(f"{probe}, county 1", _ms(p), f"single county: {_ms(c)}", p / c, "<= 2", p / c <= 2))
    p, c = reads[("province", "scheme preview")], reads[("county", "scheme preview")]
    rows.append(Row("scheme preview, county 1", _ms(p), f"single county: {_ms(c)}", p / c, "<= 2", p / c <= 2))
    agg = reads[("province", "plain aggregate over the claims")]
    rows.append(
        Row("scheme preview vs its claims", _ms(p), f"plain aggregate: {_ms(agg)}", p / agg, "<= 5", p / agg <= 5)
    )
    po, co = reads[("province", "province overview")], reads[("province", "county overview")]
    rows.append(Row("province overview", _ms(po), f"one county's: {_ms(co)}", po / co, "< 20", po / co < 20))
    return rows


def _print(rows: list[Row], counties: int) -> None:
    print()
    print(
        f"{'measured (province of ' + str(counties) + ' counties)':<52} {'figure':>14}  {'baseline, same run':<32}"
        f" {'ratio':>7}  {'aim':<7} met"
    )
    for r in rows:
        met = "-" if r.met is None else ("yes" if r.met else "NO")
        print(f"{r.what:<52} {r.figure:>14}  {r.baseline:<32} {r.ratio:7.2f}  {r.aim:<7} {met}")


if __name__ == "__main__":
    asyncio.run(main())
