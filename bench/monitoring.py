"""The monitoring list and overview (issue 14) at 60,000 monitored households, against one plain aggregate.

Loads, by COPY into a database of its own (``chainaid_bench_monitoring``; explicit ids, ``county_code``
given, the keys and triggers on), one county (429005) with its 22 towns of 20 villages, ``--households``
exited households of three members spread over the villages, as many monitoring cases (every state and
category; one in forty a household's second case after its risk was eliminated, so "returned" counts), each
case's steps jsonb as ``app.monitoring.cases`` writes it (some stalled in identification, overdue on the
measured day), and assistance measures for three cases in five; then ANALYZE. Measures through the app's own
pool (``open_pool`` on the bench database, ``reading_replica`` as the service does), with the county as the
caller's region (a county officer's lists), as medians of ``--repeats`` rounds in this process (the probes
in turn each round, after a warm-up round), twice: with JIT as the server has it, then with ``jit = off``
for the database:

- one page (50 rows) of the case list, ``queries.case_page`` with ``cases.PLAN`` as of ``AS_OF``: unfiltered,
  ``overdue=true``, one town's, one town's overdue;
- the overview per town as of ``AS_OF``, ``queries.overview``;
- the baseline: ``SELECT v.town, count(*)`` over the same cases joined to their households and villages.

(The step read from the case's last step, the step days and the return as columns, the list counted and
paged over ids only, the overview in one parallel pass grouped by town, its measures grouped per case first
were measured here as copies first and are the app's own now.)

Prints ms and each one's ratio to the baseline (aim: within 5x), then EXPLAIN ANALYZE of the list page, the
overview and the baseline (their top lines, JIT's timing, and the nodes that take the time).

Run: uv run python -m bench.monitoring [--households 60000] [--repeats 9]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from bench.common import fresh_database, home_county, median, server_url, with_database

DATABASE = "chainaid_bench_monitoring"  # its own: other benchmarks drop and remake chainaid_bench
COUNTY = "429005"
AS_OF = date(2025, 12, 15)  # the measured day: fixed, so the figures do not move with the calendar
VILLAGES_PER_TOWN = 20
VILLAGES = 22 * VILLAGES_PER_TOWN
MEMBERS = 3
PAGE = 50
KINDS = (
    "industry",
    "employment",
    "training",
    "microcredit",
    "dibao",
    "tekun",
    "temporary_assistance",
    "medical_assistance",
    "education",
    "housing",
    "drinking_water",
    "other",
)
WITH_AMOUNT = {"industry", "microcredit", "dibao", "tekun", "temporary_assistance", "medical_assistance"}
LINES = {2020: Decimal("6000"), 2021: Decimal("6300"), 2022: Decimal("6600"), 2023: Decimal("7000")}
LINES |= {2024: Decimal("7400"), 2025: Decimal("7800")}
BASELINE = (
    "SELECT v.town, count(*) FROM monitoring_case c JOIN household h ON h.id = c.household"
    " JOIN village v ON v.id = h.village GROUP BY v.town"
)


# ---- the rows


def _step(on: date, *by: str) -> dict[str, Any]:
    return {"on": on.isoformat(), "by": list(by), "note": None}


class Cases:
    """Where each case stands, from its number ``i`` (0-based): one in forty (``i % 40 == 39``) is the second
    case of the household before it, whose case (``i % 40 == 38``) was eliminated in 2023."""

    def __init__(self, names: list[str], days: list[int]) -> None:
        from app.demo.people import _name

        self.names, self.days = names, days
        self.people = [_name(50_000 + n) for n in range(VILLAGES + 97)]

    def household(self, i: int) -> int:
        return i if i % 40 == 39 else i + 1  # household ids are 1-based; the returned case takes i's (i - 1 + 1)

    def kind(self, i: int) -> str:
        if i % 40 == 38:
            return "eliminated"
        if i % 40 == 39:
            return "monitored"
        k = i % 20
        if k < 2:
            return "identifying"  # on time
        if k < 4:
            return "stalled"  # overdue on AS_OF
        if k < 13:
            return "monitored"
        if k < 15:
            return "eliminating"
        return "eliminated"

    def applied_on(self, i: int) -> date:
        kind = self.kind(i)
        if kind == "identifying":
            return AS_OF - timedelta(days=i % 15)
        if kind == "stalled":
            return AS_OF - timedelta(days=20 + i % 180)
        if i % 40 == 39:
            return date(2025, 1, 1) + timedelta(days=i % 300)
        if kind == "eliminated":
            return date(2021, 1, 1) + timedelta(days=i % 700)  # 2021-2022: eliminated a year or more later
        return date(2021, 1, 1) + timedelta(days=i % 1750)  # 2021 to late 2025

    def steps_done(self, i: int) -> int:
        """How many of the plan's steps are done (1: applied only ... len: announced)."""
        kind = self.kind(i)
        if kind == "identifying":
            elapsed = i % 15
            return sum(1 for d in self.days if d <= elapsed - 1) or 1
        if kind == "stalled":
            return 1 + i % 6  # applied .. town_reviewed: never approved
        return len(self.names) - (i % 2)  # approved, most also announced

    def row(self, i: int, now: datetime) -> tuple[Any, ...]:
        applied = self.applied_on(i)
        kind = self.kind(i)
        done = self.steps_done(i)
        steps = {}
        # the people are the village's cadre and a work team member: cases' steps differ as real ones do
        cadre, team = self.people[i % VILLAGES], self.people[VILLAGES + i % 97]
        for n in range(done):
            on = applied + timedelta(days=self.days[n] - (1 if n and i % 3 == 0 else 0))
            by = (cadre,) if n == 0 else (cadre, team)
            steps[self.names[n]] = _step(on, *by)
        approved = applied + timedelta(days=self.days[self.names.index("approved")])
        elimination, eliminated_on, state = None, None, "identifying"
        if kind in ("monitored", "eliminating", "eliminated"):
            state = "monitored"
        if kind in ("eliminating", "eliminated"):
            begun = (
                approved + timedelta(days=400 + i % 200) if kind == "eliminated" else AS_OF - timedelta(days=3 + i % 20)
            )
            e_steps = {"home_checked": _step(begun, cadre, team)}
            last = "home_checked"
            if kind == "eliminated":
                for name, day in (("village_reviewed", 2), ("noticed", 8), ("town_reviewed", 10), ("approved", 12)):
                    e_steps[name] = _step(begun + timedelta(days=day), cadre)
                    last = name
                eliminated_on = begun + timedelta(days=12)
                state = "eliminated"
            else:
                state = "eliminating"
            elimination = {
                "facts": {
                    "food": True,
                    "clothing": True,
                    "compulsory_education": True,
                    "basic_medical_care": True,
                    "safe_housing": True,
                    "safe_drinking_water": True,
                    "months_above_line": 6 + i % 7,
                    "rigid_spending_resolved": True,
                    "risk_gone": True,
                    "has_labour": True,
                    "protection_income_share": "0.10",
                },
                "steps": e_steps,
                "step": last,
            }
        year = applied.year - 1
        line = LINES[year]
        category = ("unstable", "unstable", "unstable", "marginal", "marginal", "sudden_hardship")[(i // 3) % 6]
        if category == "sudden_hardship":
            income, rigid = line + 500 + i % 900, line / 2 + i % 700
        else:
            income, rigid = line - 300 - i % 2000, Decimal(i % 400)
        return (
            i + 1,
            self.household(i),
            ("self_report", "visit", "department", "watch")[i % 4],
            category,
            year,
            line,
            income,
            rigid,
            line + 1000 if category == "sudden_hardship" and i % 2 else None,
            f"承诺授权-{COUNTY}-{i + 1:06d}",
            applied,
            self.names[done - 1],
            json.dumps(steps, ensure_ascii=False),
            state,
            None if elimination is None else json.dumps(elimination, ensure_ascii=False),
            eliminated_on,
            now,
            COUNTY,
        )

    def measures(self, i: int, first_id: int, now: datetime) -> list[tuple[Any, ...]]:
        """One measure for three cases in five, a second for one in five; the eliminated cases' measures end
        on their elimination day, one in four of the others has ended."""
        if i % 5 >= 3:
            return []
        case = self.row(i, now)
        applied, eliminated_on = case[10], case[15]
        out = []
        for n in range(2 if i % 5 == 0 else 1):
            kind = KINDS[(i + n * 5) % len(KINDS)]
            start = applied + timedelta(days=16 + n * 30)
            if start > AS_OF:
                start = applied
            end = eliminated_on if eliminated_on else (start + timedelta(days=90) if i % 4 == 1 else None)
            if end is not None and end < start:
                end = start
            out.append(
                (
                    first_id + n,
                    i + 1,
                    kind,
                    start,
                    end,
                    "帮扶责任人丙",
                    Decimal(300 + i % 1700) if kind in WITH_AMOUNT else None,
                    None,
                    now,
                    COUNTY,
                )
            )
        return out


async def load(url: str, households: int) -> dict[str, int]:
    from app.core.identifiers import _resident_id_check_char
    from app.demo.figures import TOWNS
    from app.demo.people import _name
    from app.monitoring.cases import PLAN

    now = datetime.now(UTC)
    conn = await asyncpg.connect(url)
    try:
        county = await home_county(conn)
        towns = [(t + 1, TOWNS[t], f"{COUNTY}{t + 1:03d}", county, now, COUNTY) for t in range(len(TOWNS))]
        villages = [
            (
                t * VILLAGES_PER_TOWN + j + 1,
                t + 1,
                f"{COUNTY}{t + 1:03d}{j + 1:03d}",
                county,
                f"{TOWNS[t][:2]}{j + 1}村",
                False,
                now,
                COUNTY,
            )
            for t in range(len(TOWNS))
            for j in range(VILLAGES_PER_TOWN)
        ]

        def household_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(households):
                yield (
                    i + 1,
                    f"{COUNTY}{i + 1:08d}",
                    i % VILLAGES + 1,
                    "ordinary",
                    ["illness"],
                    "exited",
                    date(2014, 7, 1),
                    False,
                    2016 + i % 5,
                    now,
                    COUNTY,
                )

        def member_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(households):
                for k in range(MEMBERS):
                    local = i * MEMBERS + k
                    born = date(1940, 1, 1) + timedelta(days=(local // 1000) * 150)
                    body = f"{COUNTY}{born:%Y%m%d}{local % 1000:03d}"
                    yield (
                        local + 1,
                        i + 1,
                        _name(local),
                        body + _resident_id_check_char(body),
                        ("head", "spouse", "child")[k],
                        "male" if local % 2 else "female",
                        born,
                        "none" if k == 0 and i % 7 == 0 else "full",
                        "healthy",
                        False,
                        True,
                        now,
                        COUNTY,
                    )

        plan = Cases(PLAN[0], PLAN[1])

        def case_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(households):
                yield plan.row(i, now)

        def measure_rows() -> Iterator[tuple[Any, ...]]:
            next_id = 1
            for i in range(households):
                rows = plan.measures(i, next_id, now)
                next_id += len(rows)
                yield from rows

        tables: list[tuple[str, list[str], Any]] = [
            ("town", ["id", "name", "code", "county_id", "created_at", "county_code"], towns),
            (
                "village",
                ["id", "town", "code", "county_id", "name", "is_poor_village", "created_at", "county_code"],
                villages,
            ),
            (
                "household",
                [
                    "id",
                    "registry_no",
                    "village",
                    "attribute",
                    "causes",
                    "status",
                    "registered_on",
                    "late_addition",
                    "exited_year",
                    "created_at",
                    "county_code",
                ],
                household_rows(),
            ),
            (
                "member",
                [
                    "id",
                    "household",
                    "name",
                    "id_number",
                    "relation",
                    "sex",
                    "birth_date",
                    "labour_ability",
                    "health",
                    "in_school",
                    "in_active_household",
                    "created_at",
                    "county_code",
                ],
                member_rows(),
            ),
            (
                "monitoring_case",
                [
                    "id",
                    "household",
                    "channel",
                    "category",
                    "year",
                    "line",
                    "income",
                    "rigid_spending",
                    "previous_income",
                    "consent",
                    "applied_on",
                    "step",
                    "steps",
                    "state",
                    "elimination",
                    "eliminated_on",
                    "created_at",
                    "county_code",
                ],
                case_rows(),
            ),
            (
                "monitoring_measure",
                [
                    "id",
                    "monitoring_case",
                    "kind",
                    "start_on",
                    "end_on",
                    "officer",
                    "amount",
                    "note",
                    "created_at",
                    "county_code",
                ],
                measure_rows(),
            ),
        ]
        counts = {}
        for table, columns, rows in tables:
            started = time.perf_counter()
            async with conn.transaction():
                await conn.copy_records_to_table(table, columns=columns, records=rows)
            counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            print(f"  {table:<20}{counts[table]:>10,} rows {time.perf_counter() - started:7.1f} s", flush=True)
        await conn.execute("ANALYZE")
        facts = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE state = 'identifying') AS identifying,"
            " count(*) FILTER (WHERE state = 'monitored') AS monitored,"
            " count(*) FILTER (WHERE state = 'eliminating') AS eliminating,"
            " count(*) FILTER (WHERE state = 'eliminated') AS eliminated,"
            " avg(pg_column_size(steps))::int AS steps_bytes FROM monitoring_case"
        )
        print("  cases: " + ", ".join(f"{k} {v:,}" for k, v in dict(facts).items()), flush=True)
    finally:
        await conn.close()
    return counts


# ---- measuring


class Recording:
    """A ``Db`` that runs on a connection and keeps the last statement and its arguments (for EXPLAIN)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.sql = ""
        self.args: tuple[Any, ...] = ()

    async def fetch(self, query: str, *args: Any) -> Any:
        self.sql, self.args = query, args
        return await self.db.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        return await self.db.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self.db.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> Any:
        return await self.db.execute(query, *args)


Probe = Callable[[Any], Awaitable[Any]]


async def _timed(probes: list[tuple[str, Probe]], repeats: int) -> dict[str, tuple[float, Any]]:
    """Each probe's median ms and last answer. The probes run in turn, round after round (the first round
    warms the caches and the connection's prepared statements and is not counted), so that the load of a
    shared machine weighs on each alike and the ratios hold better than the times."""
    from app.core.uow import reading_replica

    times: dict[str, list[float]] = {name: [] for name, _ in probes}
    answers: dict[str, Any] = {}
    for n in range(repeats + 1):
        for name, probe in probes:
            async with reading_replica() as db:
                started = time.perf_counter()
                answers[name] = await probe(db)
                elapsed = (time.perf_counter() - started) * 1000
            if n:
                times[name].append(elapsed)
    return {name: (median(times[name]), answers[name]) for name, _ in probes}


async def _explain(sql: str, args: tuple[Any, ...]) -> list[str]:
    from app.core.uow import reading

    async with reading() as conn:
        rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)
    return [r[0] for r in rows]


def _print_plan(title: str, lines: list[str], top: int) -> None:
    print(f"\n-- EXPLAIN ANALYZE: {title}")
    for line in lines[:top]:
        print("   " + line[:160])
    if len(lines) > top:
        print(f"   ... ({len(lines) - top} more lines)")
    for line in lines[top:]:
        if line.lstrip().startswith(("Planning Time", "Execution Time", "Timing:", "JIT:")):
            print("   " + line)
    # the nodes that take the time: each node's actual total time times its loops, highest first
    timed = []
    for line in lines:
        found = re.search(r"actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)", line)
        if found:
            timed.append((float(found.group(1)) * int(found.group(3)), line.strip()[:150]))
    print("   slowest nodes (ms = actual total time x loops):")
    for ms, line in sorted(timed, reverse=True)[:8]:
        print(f"   {ms:9.1f}  {line}")


async def _open(url: str) -> None:
    from app.core import database
    from app.core.settings import get_settings

    await database.close_pool()
    os.environ["DATABASE_URL"] = url
    database.database_url.cache_clear()
    get_settings.cache_clear()
    await database.open_pool()


async def measure(url: str, repeats: int, town: int, jit: bool, plans: Any) -> None:
    """Every probe on a pool opened afresh (JIT as the server has it, or off for the database)."""
    from app.core import database
    from app.core.pagination import PageParams
    from app.core.uow import reading
    from app.monitoring import queries
    from app.monitoring.cases import PLAN

    async with _postgres(url) as conn:
        await conn.execute(f'ALTER DATABASE "{DATABASE}" {"RESET jit" if jit else "SET jit = off"}')
    await _open(url)
    try:
        page = PageParams(limit=PAGE, offset=0)
        async with reading() as conn:
            setting = await conn.fetchval("SHOW jit")
            recorded = {}
            for name, overdue, filters in (("all", None, {}), ("overdue", True, {}), ("town", None, {"v.town": town})):
                rec = Recording(conn)
                await queries.case_page(rec, PLAN, AS_OF, overdue, filters, COUNTY, page)
                recorded[name] = (rec.sql, rec.args)
            rec = Recording(conn)
            await queries.overview(rec, AS_OF, PLAN, COUNTY, None)
            recorded["overview"] = (rec.sql, rec.args)

        def listing(overdue: bool | None, filters: dict[str, Any]) -> Probe:
            async def run(db: Any) -> Any:
                return await queries.case_page(db, PLAN, AS_OF, overdue, filters, COUNTY, page)

            return run

        async def overview(db: Any) -> Any:
            return await queries.overview(db, AS_OF, PLAN, COUNTY, None)

        def sql(text: str, args: tuple[Any, ...]) -> Probe:
            async def run(db: Any) -> Any:
                return await db.fetch(text, *args)

            return run

        probes: list[tuple[str, Probe]] = [
            ("plain aggregate (baseline)", sql(BASELINE, ())),
            ("list page, unfiltered", listing(None, {})),
            ("list page, overdue=true", listing(True, {})),
            ("list page, one town", listing(None, {"v.town": town})),
            ("list page, one town, overdue", listing(True, {"v.town": town})),
            ("overview per town", overview),
        ]
        results = await _timed(probes, repeats)
        base = results["plain aggregate (baseline)"][0]
        print(f"\n[jit = {setting}] as of {AS_OF}, region {COUNTY}; medians of {repeats} rounds after a warm-up")
        print(f"{'':<32}{'ms':>9}{'x baseline':>12}{'rows':>7}{'total':>8}   aim: within 5x")
        for name, _ in probes:
            ms, result = results[name]
            rows = len(result.items) if hasattr(result, "items") else len(result)
            total = result.total if hasattr(result, "total") else (result[0]["_total"] if "list" in name else "")
            verdict = "" if name.startswith("plain") else ("met" if ms / base <= 5 else "NOT met")
            print(f"{name:<32}{ms:>9.1f}{ms / base:>12.1f}{rows:>7}{total!s:>8}   {verdict}")

        towns = results["overview per town"][1]
        summed = {
            k: sum(t[k] for t in towns) for k in ("identifying", "monitored", "eliminated", "overdue", "returned")
        }
        print("overview summed over the towns: " + ", ".join(f"{k} {v:,}" for k, v in summed.items()))

        if plans is not None:
            for title, (text, args) in (
                ("list page, unfiltered", recorded["all"]),
                ("overview per town", recorded["overview"]),
                ("plain aggregate", (BASELINE, ())),
            ):
                lines = await _explain(text, args)
                _print_plan(f"{title} [jit = {setting}]", lines, plans)
    finally:
        await database.close_pool()


@contextlib.asynccontextmanager
async def _postgres(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(with_database(url, "postgres"))
    try:
        yield conn
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=60_000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="measure the database as the last run left it")
    parser.add_argument("--plan-lines", type=int, default=14, help="lines of each plan printed")
    args = parser.parse_args()
    if args.reuse:
        url = with_database(server_url(), DATABASE)
    else:
        started = time.perf_counter()
        url = await fresh_database(DATABASE)
        print(f"loading {args.households:,} households and as many cases into {DATABASE}", flush=True)
        await load(url, args.households)
        print(f"  loaded in {time.perf_counter() - started:.0f} s (with the migration)", flush=True)
    # JIT as the server has it (on, by PostgreSQL's default), then off for the database (docs/benchmarks.md
    # advises jit = off for a province deployment)
    await measure(url, args.repeats, 5, jit=True, plans=args.plan_lines)
    await measure(url, args.repeats, 5, jit=False, plans=args.plan_lines)


if __name__ == "__main__":
    asyncio.run(main())
