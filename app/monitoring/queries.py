"""The monitoring app's SQL: exit assessments, hardship events, revisits, and the monitoring list's facts.

Every function takes the connection or unit of work it runs on; none opens a transaction.
The list's facts read the registry, the ledgers and the links in set-based joins; writes touch
only this app's tables.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.pagination import fetch_page
from app.core.uow import Db, fetch_planned
from app.monitoring.model import MeasureKind
from app.monitoring.rules import CHECKLIST
from app.monitoring.schemas import AssessmentOut, HardshipOut, RevisitOut

_KEYS = [key for key, _ in CHECKLIST]


def _written(row: Any) -> dict[str, Any]:
    assert row is not None  # INSERT ... RETURNING answers with the row it wrote
    return dict(row)


def _assessment(row: Any) -> AssessmentOut:
    return msgspec.convert(
        {
            **dict(row),
            "household_id": row["household"],
            "reasons": json.loads(row["reasons"]),
            "notes": json.loads(row["notes"]),
            "checklist": {k: row[k] for k in _KEYS},
        },
        AssessmentOut,
    )


class NewAssessment(msgspec.Struct, frozen=True, kw_only=True):
    household_id: int
    year: int
    checklist: dict[str, bool]
    notes: dict[str, str | None]
    ledger_income: Decimal
    other_net_income: Decimal
    members: int
    per_capita: Decimal
    poverty_line: Decimal
    passed: bool
    reasons: list[str]
    verification: str
    assessed_by: int | None


async def insert_assessment(db: Db, a: NewAssessment) -> AssessmentOut:
    return _assessment(
        await db.fetchrow(
            "INSERT INTO exit_assessment (household, year, food, clothing, compulsory_education, basic_medical_care,"
            " safe_housing, safe_drinking_water, notes, ledger_income, other_net_income, members, per_capita,"
            " poverty_line, passed, reasons, verification, assessed_by, assessed_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, $18,"
            " now()) RETURNING *",
            a.household_id,
            a.year,
            *(a.checklist[k] for k in _KEYS),
            json.dumps(a.notes, ensure_ascii=False),
            a.ledger_income,
            a.other_net_income,
            a.members,
            a.per_capita,
            a.poverty_line,
            a.passed,
            json.dumps(a.reasons, ensure_ascii=False),
            a.verification,
            a.assessed_by,
        )
    )


async def assessments_of(db: Db, household_id: int) -> list[AssessmentOut]:
    rows = await db.fetch("SELECT * FROM exit_assessment WHERE household = $1 ORDER BY id", household_id)
    return [_assessment(r) for r in rows]


class AssessmentVerdict(msgspec.Struct, frozen=True, kw_only=True):
    passed: bool
    reasons: list[str]


async def best_assessment(db: Db, household_id: int, year: int) -> AssessmentVerdict | None:
    """The year's latest passing assessment, else its latest failing one."""
    row = await db.fetchrow(
        "SELECT passed, reasons FROM exit_assessment WHERE household = $1 AND year = $2"
        " ORDER BY passed DESC, id DESC LIMIT 1",
        household_id,
        year,
    )
    return None if row is None else AssessmentVerdict(passed=row["passed"], reasons=json.loads(row["reasons"]))


async def insert_hardship(
    db: Db, household_id: int, kind: str, occurred_on: date, note: str | None, recorded_by: int | None
) -> HardshipOut:
    return msgspec.convert(
        _written(
            await db.fetchrow(
                "INSERT INTO hardship_event (household, kind, occurred_on, note, recorded_by, created_at)"
                " VALUES ($1, $2, $3, $4, $5, now())"
                " RETURNING id, household AS household_id, kind, occurred_on, note, created_at",
                household_id,
                kind,
                occurred_on,
                note,
                recorded_by,
            )
        ),
        HardshipOut,
    )


_REVISIT = "id, household AS household_id, trigger, trigger_ref, visited_on, outcome, note, created_at"


async def insert_revisit(
    db: Db,
    household_id: int,
    trigger: str,
    trigger_ref: str,
    visited_on: date,
    outcome: str,
    note: str | None,
    recorded_by: int | None,
) -> RevisitOut:
    return msgspec.convert(
        _written(
            await db.fetchrow(
                "INSERT INTO revisit (household, trigger, trigger_ref, visited_on, outcome, note, recorded_by, created_at)"
                f" VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING {_REVISIT}",
                household_id,
                trigger,
                trigger_ref,
                visited_on,
                outcome,
                note,
                recorded_by,
            )
        ),
        RevisitOut,
    )


class ExitedIncome(msgspec.Struct, frozen=True, kw_only=True):
    """An exited household's income for a year (ledgers plus what it declared) and its members then."""

    household_id: int
    registry_no: str
    town_id: int
    county_id: int | None
    members: int
    income: Decimal


async def exited_incomes(
    db: Db, first: date, last: date, year: int, town_id: int | None, region: str | None = None
) -> list[ExitedIncome]:
    args: list[Any] = [first, last, year, town_id]
    within = county_clause("h.county_code", region, args)
    rows = await db.fetch(
        """
        WITH income AS (
            SELECT household, sum(amount) AS amount FROM household_income_item
            WHERE paid_on BETWEEN $1 AND $2 GROUP BY household
        ), members AS (
            SELECT household, count(*) AS n FROM member WHERE member_counted_on(left_on, $1)
            GROUP BY household
        ), declared AS (
            SELECT DISTINCT ON (household) household, other_net_income FROM exit_assessment
            WHERE year = $3 ORDER BY household, id DESC
        )
        SELECT h.id AS household_id, h.registry_no, v.town AS town_id, v.county_id, m.n AS members,
               coalesce(i.amount, 0) + coalesce(d.other_net_income, 0) AS income
        FROM household h JOIN village v ON v.id = h.village JOIN members m ON m.household = h.id
        LEFT JOIN income i ON i.household = h.id LEFT JOIN declared d ON d.household = h.id
        WHERE h.status = 'exited' AND ($4::int IS NULL OR v.town = $4)
        """
        + within,
        *args,
    )
    return [msgspec.convert(dict(r), ExitedIncome) for r in rows]


class HardshipFact(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    occurred_on: date
    note: str | None
    household_id: int
    registry_no: str
    town_id: int


async def hardships_between(
    db: Db, first: date, last: date, town_id: int | None, region: str | None = None
) -> list[HardshipFact]:
    args: list[Any] = [first, last, town_id]
    rows = await db.fetch(
        "SELECT e.id, e.kind, e.occurred_on, e.note, h.id AS household_id, h.registry_no, v.town AS town_id"
        " FROM hardship_event e JOIN household h ON h.id = e.household JOIN village v ON v.id = h.village"
        " WHERE e.occurred_on BETWEEN $1 AND $2 AND h.status <> 'removed' AND ($3::int IS NULL OR v.town = $3)"
        + county_clause("e.county_code", region, args),
        *args,
    )
    return [msgspec.convert(dict(r), HardshipFact) for r in rows]


class EndedLink(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    end_date: date
    enterprise: str
    household_id: int
    registry_no: str
    town_id: int


async def ended_links_of_exited(
    db: Db, first: date, last: date, town_id: int | None, region: str | None = None
) -> list[EndedLink]:
    args: list[Any] = [first, last, town_id]
    rows = await db.fetch(
        "SELECT l.id, l.kind, l.end_date, e.name AS enterprise, h.id AS household_id, h.registry_no, v.town AS town_id"
        " FROM link l JOIN household h ON h.id = l.household JOIN village v ON v.id = h.village"
        " JOIN enterprise e ON e.id = l.enterprise"
        " WHERE h.status = 'exited' AND l.end_date BETWEEN $1 AND $2 AND l.end_date <= current_date"
        " AND ($3::int IS NULL OR v.town = $3)" + county_clause("l.county_code", region, args),
        *args,
    )
    return [msgspec.convert(dict(r), EndedLink) for r in rows]


async def last_revisits(db: Db, household_ids: list[int]) -> list[RevisitOut]:
    """The latest revisit of each (household, trigger, trigger_ref)."""
    rows = await db.fetch(
        f"SELECT DISTINCT ON (household, trigger, trigger_ref) {_REVISIT} FROM revisit"
        " WHERE household = ANY ($1::int[]) ORDER BY household, trigger, trigger_ref, visited_on DESC, id DESC",
        household_ids,
    )
    return [msgspec.convert(dict(r), RevisitOut) for r in rows]


# ------------------------------------------------------------------------------------ monitoring lines


class StoredMonitoringLine(msgspec.Struct, frozen=True, kw_only=True):
    region_code: str
    level: str
    year: int
    amount: Decimal


async def monitoring_lines(db: Db, region_prefix: str | None, year: int | None) -> list[StoredMonitoringLine]:
    """The lines set, of the regions under ``region_prefix`` and the provinces above it (their lines hold in
    it), for one year or all, by region code and year."""
    rows = await db.fetch(
        "SELECT r.code AS region_code, r.level, l.year, l.amount FROM monitoring_line l JOIN region r ON r.id = l.region"
        " WHERE ($1::text IS NULL OR r.code LIKE $1::text || '%' OR $1::text LIKE r.code || '%')"
        " AND ($2::int IS NULL OR l.year = $2) ORDER BY r.code, l.year",
        region_prefix,
        year,
    )
    return [msgspec.convert(dict(r), StoredMonitoringLine) for r in rows]


async def held_monitoring_line(db: Db, region_id: int, year: int) -> Decimal | None:
    return await db.fetchval(
        "SELECT amount FROM monitoring_line WHERE region = $1 AND year = $2 FOR UPDATE", region_id, year
    )


async def set_monitoring_line(db: Db, region_id: int, year: int, amount: Decimal) -> None:
    await db.execute(
        "INSERT INTO monitoring_line (region, year, amount, created_at) VALUES ($1, $2, $3, now())"
        " ON CONFLICT (region, year) DO UPDATE SET amount = EXCLUDED.amount",
        region_id,
        year,
        amount,
    )


async def county_monitoring_line(db: Db, county_code: str, year: int) -> Decimal | None:
    """The line that holds in a county for a year: the county's own, else its province's."""
    return await db.fetchval(
        "SELECT l.amount FROM monitoring_line l JOIN region r ON r.id = l.region"
        " WHERE l.year = $2 AND r.code IN ($1::text, left($1::text, 2)) ORDER BY length(r.code) DESC LIMIT 1",
        county_code,
        year,
    )


# ------------------------------------------------------------------------------------ monitoring cases


class CaseHousehold(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    county_code: str
    town_id: int
    status: str


async def case_household(db: Db, household_id: int) -> CaseHousehold | None:
    row = await db.fetchrow(
        "SELECT h.id, h.county_code, v.town AS town_id, h.status FROM household h JOIN village v ON v.id = h.village"
        " WHERE h.id = $1 FOR SHARE OF h",
        household_id,
    )
    return None if row is None else msgspec.convert(dict(row), CaseHousehold)


async def last_eliminated_on(db: Db, household_id: int) -> date | None:
    """The day the household's risk was last eliminated (None: never)."""
    return await db.fetchval("SELECT max(eliminated_on) FROM monitoring_case WHERE household = $1", household_id)


async def open_case_of(db: Db, household_id: int) -> int | None:
    return await db.fetchval(
        "SELECT id FROM monitoring_case WHERE household = $1 AND state IN ('identifying', 'monitored', 'eliminating')",
        household_id,
    )


async def insert_case(db: Db, values: dict[str, Any]) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO monitoring_case (household, channel, category, year, line, income, rigid_spending,"
            " previous_income, consent, applied_on, step, steps, state, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'applied', $11::jsonb, 'identifying', now()) RETURNING id",
            values["household_id"],
            values["channel"],
            values["category"],
            values["year"],
            values["line"],
            values["income"],
            values["rigid_spending"],
            values["previous_income"],
            values["consent"],
            values["applied_on"],
            json.dumps(values["steps"], ensure_ascii=False),
        )
    )


async def record_case_step(db: Db, case_id: int, step: str, record: dict[str, Any], state: str) -> None:
    await db.execute(
        "UPDATE monitoring_case SET step = $2::text, steps = steps || jsonb_build_object($2::text, $3::jsonb), state = $4"
        " WHERE id = $1",
        case_id,
        step,
        json.dumps(record, ensure_ascii=False),
        state,
    )


# the last identification step a case had done by a day. Steps are recorded in order, each on or after the
# one before, so a case whose last step was done by the day (``step_on``, kept from the steps by a trigger)
# stood at it then; for an earlier day the plan's steps are tried from the last one back. Written as one
# CASE over the plan's steps (the names are the statement's parameter ``names``, a text[]), with no subquery,
# so that a parallel plan computes it in its workers and never carries the steps jsonb to the leader
# (bench/monitoring.py).
def step_then(names: str, day: str, count: int) -> str:
    """``SELECT <the step on the day> AS step`` for a plan of ``count`` steps (a LATERAL's body)."""
    earlier = " ".join(
        f"WHEN (c.steps -> ({names})[{i}] ->> 'on')::date <= {day} THEN ({names})[{i}]" for i in range(count, 0, -1)
    )
    return f"SELECT CASE WHEN c.step_on <= {day} THEN c.step::text {earlier} END AS step"


# each case with its next step and that step's due day as of ``$3``, from the plan's steps and their days
# from the application (``$1`` names, ``$2`` days)
_CASES = """
SELECT * FROM (
    SELECT c.id, c.household AS household_id, h.registry_no, v.town AS town_id, c.county_code, c.channel, c.category,
           c.year, c.line, c.income, c.rigid_spending, c.previous_income, c.applied_on, c.step, c.state, c.steps,
           c.elimination, c.eliminated_on,
           ($1::text[])[array_position($1::text[], s.step) + 1] AS next_step,
           CASE WHEN s.step NOT IN ('approved', 'announced')
                THEN c.applied_on + ($2::int[])[array_position($1::text[], s.step) + 1] END AS due_on
    FROM monitoring_case c JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village
    CROSS JOIN LATERAL ({step_then}) s
    WHERE {where}
) q WHERE ($4::bool IS NULL OR (q.due_on IS NOT NULL AND q.due_on < $3::date) = $4)
"""


async def case_page(
    db: Db,
    plan: tuple[list[str], list[int]],
    as_of: date,
    overdue: bool | None,
    filters: dict[str, Any],
    region: str | None,
    page: Any,
    round_id: int | None = None,
) -> Any:
    """One page of cases, with their due days, in one query; ``round_id``: the cases visited in that round."""
    args: list[Any] = [plan[0], plan[1], as_of, overdue]
    where = ["TRUE"]
    for column, value in filters.items():
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if round_id is not None:
        args.append(round_id)
        where.append(
            f"EXISTS (SELECT 1 FROM monitoring_visit mv WHERE mv.monitoring_case = c.id AND mv.monitoring_round = ${len(args)})"
        )
    clause = " AND ".join(where) + " " + county_clause("c.county_code", region, args)
    sql = _CASES.format(where=clause, step_then=step_then("$1::text[]", "$3::date", len(plan[0])))
    return await fetch_page(sql, args, page, "id", _case_row, db=db, narrow="id")


def _case_row(row: Any) -> dict[str, Any]:
    values = {k: v for k, v in dict(row).items() if k != "_total"}
    for key in ("steps", "elimination"):
        if isinstance(values[key], str):
            values[key] = json.loads(values[key])
    return values


async def one_case(
    db: Db, plan: tuple[list[str], list[int]], case_id: int, as_of: date, *, lock: bool = False
) -> dict[str, Any] | None:
    if lock:
        await db.execute("SELECT id FROM monitoring_case WHERE id = $1 FOR UPDATE", case_id)
    sql = _CASES.format(where="c.id = $5", step_then=step_then("$1::text[]", "$3::date", len(plan[0])))
    row = await db.fetchrow(sql, plan[0], plan[1], as_of, None, case_id)
    return None if row is None else _case_row(row)


_MEASURE = "id, monitoring_case AS case_id, kind, start_on, end_on, officer, amount, note"


async def insert_measure(db: Db, case_id: int, values: dict[str, Any], account: int | None) -> dict[str, Any]:
    row = await db.fetchrow(
        "INSERT INTO monitoring_measure (monitoring_case, kind, start_on, end_on, officer, amount, note, recorded_by,"
        f" created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING {_MEASURE}",
        case_id,
        values["kind"],
        values["start_on"],
        values["end_on"],
        values["officer"],
        values["amount"],
        values["note"],
        account,
    )
    assert row is not None
    return dict(row)


async def measures_of(db: Db, case_id: int) -> list[dict[str, Any]]:
    rows = await db.fetch(f"SELECT {_MEASURE} FROM monitoring_measure WHERE monitoring_case = $1 ORDER BY id", case_id)
    return [dict(r) for r in rows]


async def set_elimination(
    db: Db, case_id: int, elimination: dict[str, Any], state: str, eliminated_on: date | None
) -> None:
    await db.execute(
        "UPDATE monitoring_case SET elimination = $2::jsonb, state = $3, eliminated_on = $4 WHERE id = $1",
        case_id,
        json.dumps(elimination, ensure_ascii=False),
        state,
        eliminated_on,
    )


async def has_labour(db: Db, household_id: int) -> bool:
    """Whether a present member of the household can work (labour ability other than none)."""
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM member WHERE household = $1 AND left_on IS NULL AND labour_ability <> 'none')",
            household_id,
        )
    )


# the kinds of measure, in the order of the bits of a case's ``kinds`` in the overview
_MEASURE_KINDS = tuple(k.value for k in MeasureKind)

# the monitoring picture of each town on a day ($1), from the cases opened by then: by category, by where
# they stood (identifying: not yet approved; monitored: approved, risk not yet eliminated; eliminated), overdue
# identification steps (the plan's days, $2 names and $3 days), households still monitored with a measure
# running by kind of measure (a household whose risk was eliminated is no longer counted assisted), and
# cases of households whose risk had been eliminated once before (returned).
# One pass over the cases, grouped by town (a hashed, parallel grouping of a few dozen groups): the cases
# not eliminated by the step each stood at are counted per step of the plan as columns (grouping by the step
# too made PostgreSQL sort every case with its steps jsonb). The step days are plain columns (``approved_on``,
# ``step_on``), and each case's running measures arrive as one bit per kind ($4 names the kinds), so the
# measures are grouped once per case and never joined to the households again (bench/monitoring.py measures
# it against a plain aggregate).
_OVERVIEW = """
SELECT g.*, t.name AS town FROM (
    SELECT c.town AS town_id,
           count(*) FILTER (WHERE c.category = 'unstable') AS unstable,
           count(*) FILTER (WHERE c.category = 'marginal') AS marginal,
           count(*) FILTER (WHERE c.category = 'sudden_hardship') AS sudden_hardship,
           count(*) FILTER (WHERE c.approved_on IS NULL OR c.approved_on > $1) AS identifying,
           count(*) FILTER (WHERE c.approved_on <= $1 AND c.standing) AS monitored,
           count(*) FILTER (WHERE c.eliminated_on <= $1) AS eliminated,
           count(*) FILTER (WHERE (c.approved_on IS NULL OR c.approved_on > $1) AND c.due_on < $1) AS overdue,
           count(*) FILTER (WHERE c.returned) AS returned,
           {assisted},
           {steps}
    FROM (
        SELECT v.town, c.category, c.eliminated_on, c.approved_on, s.step,
               c.eliminated_on IS NULL OR c.eliminated_on > $1 AS standing,
               c.applied_on + ($3::int[])[array_position($2::text[], s.step) + 1] AS due_on,
               c.returned, coalesce(k.kinds, 0) AS kinds
        FROM monitoring_case c JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village
        CROSS JOIN LATERAL ({step_then}) s
        LEFT JOIN (
            SELECT m.monitoring_case, bit_or(1 << (array_position($4::text[], m.kind::text) - 1)) AS kinds
            FROM monitoring_measure m
            WHERE m.start_on <= $1 AND (m.end_on IS NULL OR m.end_on >= $1) {measure_where}
            GROUP BY m.monitoring_case
        ) k ON k.monitoring_case = c.id
        WHERE c.applied_on <= $1 {where}
    ) c
    GROUP BY c.town
) g JOIN town t ON t.id = g.town_id
ORDER BY g.town_id
"""

_TOWN_COUNTS = (
    "unstable",
    "marginal",
    "sudden_hardship",
    "identifying",
    "monitored",
    "eliminated",
    "overdue",
    "returned",
)


async def overview(
    db: Db, as_of: date, plan: tuple[list[str], list[int]], region: str | None, town_id: int | None
) -> list[dict[str, Any]]:
    """The monitoring picture per town on ``as_of``, in one query: each town's counts, the cases not
    eliminated by the step each stood at (``steps``) and the households assisted by kind (``assisted``)."""
    args: list[Any] = [as_of, plan[0], plan[1], list(_MEASURE_KINDS)]
    where = county_clause("c.county_code", region, args)
    measure_where = where.replace("c.county_code", "m.county_code")
    if town_id is not None:
        args.append(town_id)
        where += f" AND v.town = ${len(args)}"
    assisted = ", ".join(
        f"count(*) FILTER (WHERE c.standing AND c.kinds & {1 << i} <> 0) AS assisted_{i}"
        for i in range(len(_MEASURE_KINDS))
    )
    steps = ", ".join(
        f"count(*) FILTER (WHERE c.standing AND c.step = ($2::text[])[{i + 1}]) AS step_{i}"
        for i in range(len(plan[0]))
    )
    sql = _OVERVIEW.format(
        where=where,
        measure_where=measure_where,
        assisted=assisted,
        steps=steps,
        step_then=step_then("$2::text[]", "$1::date", len(plan[0])),
    )
    out = []
    for r in await fetch_planned(db, sql, *args):
        town = {"town_id": r["town_id"], "town": r["town"]} | {key: r[key] for key in _TOWN_COUNTS}
        town["assisted"] = {kind: r[f"assisted_{i}"] for i, kind in enumerate(_MEASURE_KINDS) if r[f"assisted_{i}"]}
        town["steps"] = {name: r[f"step_{i}"] for i, name in enumerate(plan[0]) if r[f"step_{i}"]}
        out.append(town)
    return out


# ------------------------------------------------------------------------------------- rounds and visits

_ROUND = """
SELECT r.id, g.code AS county_code, r.period, r.started_on, r.ended_on,
       (SELECT count(*) FROM monitoring_case c WHERE c.county_code = g.code AND c.applied_on <= r.started_on
            AND (c.eliminated_on IS NULL OR c.eliminated_on > r.started_on)) AS due,
       (SELECT count(*) FROM monitoring_visit v WHERE v.monitoring_round = r.id) AS visited
FROM monitoring_round r JOIN region g ON g.id = r.county
"""


async def insert_round(db: Db, county_id: int, period: str, started_on: date) -> int | None:
    return await db.fetchval(
        "INSERT INTO monitoring_round (county, period, started_on, created_at) VALUES ($1, $2, $3, now())"
        " ON CONFLICT (county, period) DO NOTHING RETURNING id",
        county_id,
        period,
        started_on,
    )


async def one_round(db: Db, round_id: int) -> dict[str, Any] | None:
    row = await db.fetchrow(_ROUND + " WHERE r.id = $1", round_id)
    return None if row is None else dict(row)


async def round_page(db: Db, region: str | None, page: Any) -> Any:
    args: list[Any] = []
    clause = county_clause("g.code", region, args, keyword="WHERE")
    return await fetch_page(
        _ROUND + " " + clause,
        args,
        page,
        "id DESC",
        lambda r: {k: v for k, v in dict(r).items() if k != "_total"},
        db=db,
    )


async def insert_visit(db: Db, round_id: int, case_id: int, values: dict[str, Any]) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "INSERT INTO monitoring_visit (monitoring_round, monitoring_case, visited_on, visited_by, income, note,"
        " created_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6, now()) ON CONFLICT DO NOTHING"
        " RETURNING id, monitoring_round AS round_id, monitoring_case AS case_id, visited_on, visited_by AS by,"
        " income, note",
        round_id,
        case_id,
        values["visited_on"],
        json.dumps(values["by"], ensure_ascii=False),
        values["income"],
        values["note"],
    )
    return None if row is None else _visit_row(row)


def _visit_row(row: Any) -> dict[str, Any]:
    values = dict(row)
    if isinstance(values["by"], str):
        values["by"] = json.loads(values["by"])
    return values


async def visits_of(db: Db, round_id: int, town_id: int | None) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT m.id, m.monitoring_round AS round_id, m.monitoring_case AS case_id, m.visited_on,"
        " m.visited_by AS by, m.income, m.note FROM monitoring_visit m"
        " JOIN monitoring_case c ON c.id = m.monitoring_case JOIN household h ON h.id = c.household"
        " JOIN village v ON v.id = h.village WHERE m.monitoring_round = $1 AND ($2::int IS NULL OR v.town = $2)"
        " ORDER BY m.id",
        round_id,
        town_id,
    )
    return [_visit_row(r) for r in rows]


async def households_with_open_cases(db: Db, household_ids: list[int]) -> set[int]:
    rows = await db.fetch(
        "SELECT DISTINCT household FROM monitoring_case WHERE household = ANY ($1::int[])"
        " AND state IN ('identifying', 'monitored', 'eliminating')",
        household_ids,
    )
    return {r["household"] for r in rows}


async def monitored_among(db: Db, household_ids: list[int]) -> set[int]:
    """The households among these that are monitored now: a case approved by the county (``monitored``) or
    on its way out (``eliminating``, still monitored)."""
    rows = await db.fetch(
        "SELECT DISTINCT household FROM monitoring_case WHERE household = ANY ($1::int[])"
        " AND state IN ('monitored', 'eliminating')",
        household_ids,
    )
    return {r["household"] for r in rows}
