"""A synthetic province for ``bench.province``: N Qianjiang-sized counties, loaded with COPY.

Every county has the same shape (22 towns of 20 villages, ``households`` households of 3 members, 42
enterprises with two bases each, one link per household and 10 payouts per link over 2015-2019), so one
county of the province and the single-county database hold the same rows for county 1 (429005 潜江市): a
per-county query reads the same data in both and differs only in the size of the database around it.

Rows are generated in Python, one COPY per table across all counties (asyncpg ``copy_records_to_table``
from a generator: nothing is held in memory whole), with ``session_replication_role = replica`` so neither
the foreign-key checks nor the triggers run per row: the rows are consistent by construction, the county
columns the triggers would fill are given (Citus-style, as every writer will have to), and the daily payout
totals the statement trigger would keep are rebuilt from the ledger once at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import cycle
from typing import Any

import asyncpg

from app.core.identifiers import _resident_id_check_char
from app.demo.chain import INDUSTRIES, credit_code
from app.demo.figures import TOWNS
from app.demo.loader import MAX_COUNTIES, county_codes
from app.demo.people import CAUSES, REMOVAL_REASONS, _name

PROVINCE = ("42", "湖北省")
__all__ = ["MAX_COUNTIES", "PROVINCE", "Shape", "load", "scheme_with_claims"]
VILLAGES_PER_TOWN = 20
ENTERPRISES = 42
MEMBERS = 3
PAYOUT_YEARS = (2015, 2016, 2017, 2018, 2019)  # two payouts a year: 10 per household
COUNTY_COLUMN = "county_code"

_AMOUNTS = [Decimal(f"{800 + k}.50") for k in range(700)]
_HALVES = [(date(y, 1, 1), date(y, 6, 30), date(y, 7, 10)) for y in PAYOUT_YEARS] + [
    (date(y, 7, 1), date(y, 12, 31), date(y, 12, 28)) for y in PAYOUT_YEARS
]
_HALVES.sort(key=lambda h: h[0])
_SLOTS = 3  # event ids per household: created, registered, and exited or removed


class Shape:
    """Where every row of county ``c`` (0-based) goes: ids follow from the county's place and the row's."""

    def __init__(self, counties: int, households: int) -> None:
        self.counties = counties
        self.households = households  # per county
        self.codes = county_codes(counties)
        self.towns = len(TOWNS)
        self.villages = self.towns * VILLAGES_PER_TOWN  # per county

    def region_id(self, c: int) -> int:
        return c + 2  # the province is region 1

    def town_id(self, c: int, t: int) -> int:
        return c * self.towns + t + 1

    def village_id(self, c: int, v: int) -> int:
        return c * self.villages + v + 1

    def household_id(self, c: int, i: int) -> int:
        return c * self.households + i + 1

    def enterprise_id(self, c: int, e: int) -> int:
        return c * ENTERPRISES + e + 1

    def village_of(self, i: int) -> int:
        """A household's village within its county: spread evenly, town by town."""
        return i % self.villages

    def poor_village(self, n: int) -> int:
        """The county's n-th poor village (the first three of every town)."""
        t, j = divmod(n % (self.towns * 3), 3)
        return t * VILLAGES_PER_TOWN + j

    def status(self, i: int) -> tuple[str, int | None, str | None]:
        """(status, exited year, removal reason) of a county's i-th household."""
        if i % 50 == 7:
            return "removed", None, REMOVAL_REASONS[i % len(REMOVAL_REASONS)]
        if i % 4 == 3:
            return "exited", 2016, None
        return "registered", None, None

    def link_enterprise(self, i: int) -> int:
        return i % ENTERPRISES

    def link_kind(self, i: int) -> str:
        return "wage" if i % 2 == 0 else "share"


def _town_name(c: int, t: int, county_name: str) -> str:
    return TOWNS[t] if c == 0 else county_name + TOWNS[t]  # town names are unique across the database


def regions(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    yield (1, PROVINCE[0], "province", PROVINCE[1], None, now)
    for c, (code, name) in enumerate(shape.codes):
        yield (shape.region_id(c), code, "county", name, 1, now)


def towns(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    for c, (code, name) in enumerate(shape.codes):
        for t in range(shape.towns):
            yield (shape.town_id(c, t), _town_name(c, t, name), f"{code}{t + 1:03d}", shape.region_id(c), now, code)


def villages(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    for c, (code, _) in enumerate(shape.codes):
        for v in range(shape.villages):
            t, j = divmod(v, VILLAGES_PER_TOWN)
            poor = j < 3
            yield (
                shape.village_id(c, v),
                shape.town_id(c, t),
                f"{code}{t + 1:03d}{j + 1:03d}",
                shape.region_id(c),
                f"{TOWNS[t][:2]}{j + 1}村",
                poor,
                2014 if poor else None,
                (2016 if j == 0 else None) if poor else None,
                1500 + (v * 37) % 2500,
                now,
                code,
            )


def households(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    attributes = cycle(["ordinary"] * 16 + ["dibao"] * 3 + ["tekun"])
    notice = datetime(2014, 6, 1, tzinfo=UTC)
    registered_on, applied = date(2014, 7, 1), datetime(2014, 3, 1, tzinfo=UTC)
    for c, (code, _) in enumerate(shape.codes):
        for i in range(shape.households):
            hid = shape.household_id(c, i)
            status, exited_year, removed = shape.status(i)
            yield (
                hid,
                f"{code}{i + 1:08d}",
                shape.village_id(c, shape.village_of(i)),
                next(attributes),
                [CAUSES[i % 12]],
                "潜江农商行",
                f"62309{hid:014d}",
                status,
                notice,
                registered_on,
                False,
                exited_year,
                removed,
                applied,
                code,
            )


def members(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    relations = ("head", "spouse", "child")
    for c, (code, _) in enumerate(shape.codes):
        for i in range(shape.households):
            hid = shape.household_id(c, i)
            active = shape.status(i)[0] != "removed"
            for k in range(MEMBERS):
                local = i * MEMBERS + k  # distinct within the county, so are the ID numbers' bodies
                birth = date(1950, 1, 1).toordinal() + (local // 1000) * 211 + (k * 7)
                day = date.fromordinal(birth)
                body = f"{code}{day:%Y%m%d}{local % 1000:03d}"
                yield (
                    (hid - 1) * MEMBERS + k + 1,
                    hid,
                    _name(local),
                    body + _resident_id_check_char(body),
                    relations[k],
                    "male" if local % 2 else "female",
                    day,
                    "full",
                    "healthy",
                    False,
                    active,
                    now,
                    code,
                )


def events(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    applied, registered = datetime(2014, 3, 1, 9, tzinfo=UTC), datetime(2014, 7, 1, 9, tzinfo=UTC)
    exited, removed = datetime(2016, 12, 20, 9, tzinfo=UTC), datetime(2016, 5, 10, 9, tzinfo=UTC)
    for c, (code, _) in enumerate(shape.codes):
        for i in range(shape.households):
            hid = shape.household_id(c, i)
            first = (hid - 1) * _SLOTS
            yield (first + 1, hid, "created", None, "applied", "system:bench", applied, code)
            yield (first + 2, hid, "transition", "applied", "registered", "system:bench", registered, code)
            status = shape.status(i)[0]
            if status != "registered":
                yield (
                    first + 3,
                    hid,
                    "transition",
                    "registered",
                    status,
                    "system:bench",
                    exited if status == "exited" else removed,
                    code,
                )


def enterprises(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    for c, (code, name) in enumerate(shape.codes):
        for e in range(ENTERPRISES):
            yield (
                shape.enterprise_id(c, e),
                f"{name}产业专业合作社{e + 1:02d}",
                ("cooperative", "enterprise", "family_farm")[e % 3],
                credit_code(e + 1, code),
                shape.town_id(c, e % shape.towns),
                now,
                code,
            )


def enterprise_industries(shape: Shape, industry_ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    for c, (code, _) in enumerate(shape.codes):
        for e in range(ENTERPRISES):
            eid = shape.enterprise_id(c, e)
            yield (eid, industry_ids[INDUSTRIES[e % 4]], code)
            yield (eid, industry_ids[INDUSTRIES[(e + 1) % 4]], code)


def bases(shape: Shape, industry_ids: dict[str, int], now: datetime) -> Iterator[tuple[Any, ...]]:
    """Two per enterprise (ids 2e-1 and 2e), in its paired poor village."""
    for c, (code, _) in enumerate(shape.codes):
        for e in range(ENTERPRISES):
            eid = shape.enterprise_id(c, e)
            for k in range(2):
                yield (
                    2 * eid - 1 + k,
                    eid,
                    industry_ids[INDUSTRIES[(e + k) % 4]],
                    shape.village_id(c, shape.poor_village(e)),
                    f"基地{e + 1:02d}-{k + 1}",
                    Decimal(200 + (e * 37 + k * 90) % 600),
                    now,
                    code,
                )


def pairings(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    for c, (code, _) in enumerate(shape.codes):
        for e in range(ENTERPRISES):
            eid = shape.enterprise_id(c, e)
            yield (eid, eid, shape.village_id(c, shape.poor_village(e)), date(2016, 3, 1), now, code)


def links(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    """One per household (id = the household's), wage or share, from 2015."""
    start = date(2015, 1, 1)
    share = (Decimal("5000.00"), Decimal("0.0800"), "yearly", None, None)
    wage = (None, None, None, "day", Decimal("120.00"))
    for c, (code, _) in enumerate(shape.codes):
        for i in range(shape.households):
            hid = shape.household_id(c, i)
            e = shape.link_enterprise(i)
            eid = shape.enterprise_id(c, e)
            kind = shape.link_kind(i)
            terms = wage if kind == "wage" else share
            yield (hid, eid, 2 * eid - 1 + (i // ENTERPRISES) % 2, hid, kind, start, *terms, now, code)


def payouts(shape: Shape, now: datetime) -> Iterator[tuple[Any, ...]]:
    """Ten per link, two a year, in id order by household (so the household index fills in order).

    ``body_hash`` is what an idempotent retry is compared with; no retry of these rows ever comes, so a
    cheap distinct value of the right shape stands in for the SHA-256 of the body."""
    for c, (code, _) in enumerate(shape.codes):
        for i in range(shape.households):
            hid = shape.household_id(c, i)
            eid = shape.enterprise_id(c, shape.link_enterprise(i))
            income_type = "wage" if shape.link_kind(i) == "wage" else "dividend"
            first = (hid - 1) * len(_HALVES)
            for k, (start, end, paid_on) in enumerate(_HALVES):
                pid = first + k + 1
                yield (
                    pid,
                    eid,
                    hid,
                    hid,
                    income_type,
                    _AMOUNTS[(i + k * 31) % 700],
                    start,
                    end,
                    paid_on,
                    "bank",
                    f"P{hid}-{k}",
                    f"{pid:064x}",
                    now,
                    code,
                )


TABLES: Sequence[tuple[str, tuple[str, ...]]] = (
    ("region", ("id", "code", "level", "name", "parent", "created_at")),
    ("town", ("id", "name", "code", "county_id", "created_at", COUNTY_COLUMN)),
    (
        "village",
        (
            "id",
            "town",
            "code",
            "county_id",
            "name",
            "is_poor_village",
            "registered_year",
            "exited_year",
            "rural_population",
            "created_at",
            COUNTY_COLUMN,
        ),
    ),
    (
        "household",
        (
            "id",
            "registry_no",
            "village",
            "attribute",
            "causes",
            "bank_name",
            "bank_card",
            "status",
            "notice_started_at",
            "registered_on",
            "late_addition",
            "exited_year",
            "removed_reason",
            "created_at",
            COUNTY_COLUMN,
        ),
    ),
    (
        "member",
        (
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
            COUNTY_COLUMN,
        ),
    ),
    (
        "household_event",
        ("id", "household", "kind", "from_status", "to_status", "actor_label", "at", COUNTY_COLUMN),
    ),
    ("enterprise", ("id", "name", "kind", "credit_code", "town", "created_at", COUNTY_COLUMN)),
    ("enterprise_industry", ("enterprise", "industry", COUNTY_COLUMN)),
    ("base", ("id", "enterprise", "industry", "village", "name", "area", "created_at", COUNTY_COLUMN)),
    ("pairing", ("id", "enterprise", "village", "start_date", "created_at", COUNTY_COLUMN)),
    (
        "link",
        (
            "id",
            "enterprise",
            "base",
            "household",
            "kind",
            "start_date",
            "share_capital",
            "dividend_rate",
            "dividend_period",
            "wage_basis",
            "wage_rate",
            "created_at",
            COUNTY_COLUMN,
        ),
    ),
    (
        "payout",
        (
            "id",
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
            COUNTY_COLUMN,
        ),
    ),
)


def _rows(table: str, shape: Shape, now: datetime, industry_ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    if table == "enterprise_industry":
        return enterprise_industries(shape, industry_ids)
    if table == "base":
        return bases(shape, industry_ids, now)
    generators = {
        "region": regions,
        "town": towns,
        "village": villages,
        "household": households,
        "member": members,
        "household_event": events,
        "enterprise": enterprises,
        "pairing": pairings,
        "link": links,
        "payout": payouts,
    }
    return generators[table](shape, now)


async def _has_column(conn: asyncpg.Connection, table: str, column: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = $1 AND column_name = $2)",
            table,
            column,
        )
    )


async def load(url: str, counties: int, households: int, report: bool = True) -> dict[str, float]:
    """Fill the migrated, empty database at ``url``; returns the seconds each table took to load."""
    shape = Shape(counties, households)
    now = datetime.now(UTC)
    seconds: dict[str, float] = {}
    conn = await asyncpg.connect(url)
    try:
        # the rows are consistent by construction: no per-row foreign-key checks or triggers
        await conn.execute("SET session_replication_role = replica")
        industry_ids = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM industry")}
        for table, columns in TABLES:
            rows = _rows(table, shape, now, industry_ids)
            if COUNTY_COLUMN in columns and not await _has_column(conn, table, COUNTY_COLUMN):
                # a schema from before the county columns: the same rows without them
                columns = columns[:-1]
                rows = (r[:-1] for r in rows)
            started = time.perf_counter()
            async with conn.transaction():
                await conn.copy_records_to_table(table, columns=list(columns), records=rows)
            seconds[table] = time.perf_counter() - started
            if report:
                n = await conn.fetchval(f"SELECT count(*) FROM {table}")
                print(f"  {table:<20} {n:>12,} rows  {seconds[table]:8.1f} s", flush=True)
        started = time.perf_counter()
        await _payout_days(conn)
        for table, columns in TABLES:
            if columns[0] == "id":
                await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        seconds["payout_day (rebuilt)"] = time.perf_counter() - started
        if report:
            print(f"  {'payout_day (rebuilt)':<20} {'':>12}       {seconds['payout_day (rebuilt)']:8.1f} s", flush=True)
        started = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")  # visibility map and statistics, as a settled database has
        seconds["VACUUM ANALYZE"] = time.perf_counter() - started
        if report:
            print(f"  {'VACUUM ANALYZE':<20} {'':>12}       {seconds['VACUUM ANALYZE']:8.1f} s", flush=True)
    finally:
        await conn.close()
    return seconds


async def _payout_days(conn: asyncpg.Connection) -> None:
    """The daily totals the statement trigger keeps, rebuilt from the ledger (replica mode skipped it)."""
    await conn.execute("DELETE FROM payout_day")
    if await _has_column(conn, "payout_day", COUNTY_COLUMN):
        await conn.execute(
            "INSERT INTO payout_day (county_code, paid_on, income_type, payouts, amount)"
            " SELECT county_code, paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)"
            " FROM payout GROUP BY county_code, paid_on, income_type"
        )
    else:
        await conn.execute(
            "INSERT INTO payout_day (paid_on, income_type, payouts, amount)"
            " SELECT paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)"
            " FROM payout GROUP BY paid_on, income_type"
        )


# a fifth industry, so that one county's 20,000 households can file 100,000 claims (one per industry each)
EXTRA_INDUSTRY = ("bench_tea", "茶叶", "tea", "mu")
EXTRA_RATE = ("bench_tea", 1, 2000, '[{"up_to": "8", "rate": "220.00"}, {"up_to": null, "rate": "90.00"}]')


async def scheme_with_claims(url: str, shape: Shape, claims: int, rates: Sequence[tuple[Any, ...]]) -> int:
    """County 1's 2017 scheme with ``claims`` claims of its households (at most 5 a household, one per
    industry; about a third approved with a voucher, a tenth rejected), set-based as ``bench.subsidy_preview``
    loads its own; returns the scheme's id. Triggers run here: the county columns are filled from the parents."""
    per_household = len(rates) + 1
    if claims > shape.households * per_household:
        raise SystemExit(f"--claims: at most {shape.households * per_household} for {shape.households} households")
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO industry (code, name_zh, name_en, unit, created_at) VALUES ($1, $2, $3, $4, now())",
                *EXTRA_INDUSTRY,
            )
            # the scheme belongs to county 1 where the schema says so (a county region, given as an int of ours)
            county = await _has_column(conn, "subsidy_scheme", "county_id")
            scheme = await conn.fetchval(
                "INSERT INTO subsidy_scheme (year, name, budget, household_cap, exited_eligible_until, status,"
                " created_at" + (", county_id" if county else "") + ")"
                " VALUES (2017, 'bench', 500000000, 5000, 2020, 'published', now()"
                + (f", {shape.region_id(0)}" if county else "")
                + ") RETURNING id"
            )
            codes = [r[0] for r in rates] + [EXTRA_RATE[0]]
            for code, min_quantity, cap, tiers in [*rates, EXTRA_RATE]:
                await conn.execute(
                    "INSERT INTO scheme_rate (scheme, industry, unit, min_quantity, cap, tiers)"
                    " SELECT $1, id, 'mu', $2, $3, $4::jsonb FROM industry WHERE code = $5",
                    scheme,
                    min_quantity,
                    cap,
                    tiers,
                    code,
                )
            # claim k of household h is in industry (h + k) % 5: the households of county 1 in id order
            await conn.execute(
                "INSERT INTO subsidy_claim (scheme, household, industry, declared_quantity, verified_quantity,"
                " verified_on, status, filed_at)"
                " SELECT $1, h.id, i.id, q, CASE WHEN n % 3 <> 0 THEN round(q * 0.95, 2) END,"
                " CASE WHEN n % 3 <> 0 THEN DATE '2017-05-01' END,"
                " CASE WHEN n % 3 = 0 THEN 'filed' WHEN n % 10 = 1 THEN 'rejected' WHEN n % 3 = 1 THEN 'approved'"
                " ELSE 'verified' END, now()"
                " FROM (SELECT h.id, k, row_number() OVER (ORDER BY k, h.id) AS n,"
                "       round((1 + (h.id * 7919 + k * 104729) % 4000) / 100.0, 2) AS q"
                "       FROM household h, generate_series(0, $4 - 1) k WHERE h.id <= $3) h"
                " JOIN industry i ON i.code = ($5::text[])[1 + (h.id + k) % $4]"
                " WHERE n <= $2",
                scheme,
                claims,
                shape.households,
                per_household,
                codes,
            )
            await conn.execute(
                "INSERT INTO voucher (number, scheme, claim, household, quantity, amount, explanation, status)"
                " SELECT 'B' || c.id, c.scheme, c.id, c.household, c.verified_quantity, 1000 + c.id % 1500,"
                " '[\"bench\"]'::jsonb, 'issued' FROM subsidy_claim c WHERE c.scheme = $1 AND c.status = 'approved'",
                scheme,
            )
        await conn.execute("ANALYZE industry, subsidy_scheme, scheme_rate, subsidy_claim, voucher")
    finally:
        await conn.close()
    return scheme
