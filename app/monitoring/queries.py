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
from app.core.uow import Db
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


# the last identification step a case had done by a day: the steps are few, read off its steps' days
# Steps are recorded in order, each on or after the one before, so a case whose last step was done by the
# day stood at it then: the steps are read only for a day before that (bench/monitoring.py: 2-3.5x faster)
STEP_THEN = (
    "SELECT CASE WHEN (c.steps -> c.step ->> 'on')::date <= {day} THEN c.step ELSE ("
    "SELECT u.step FROM unnest({names}::text[]) WITH ORDINALITY AS u(step, i)"
    " WHERE (c.steps -> u.step ->> 'on')::date <= {day} ORDER BY u.i DESC LIMIT 1) END AS step"
)

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
    sql = _CASES.format(where=clause, step_then=STEP_THEN.format(names="$1", day="$3::date"))
    return await fetch_page(sql, args, page, "id", _case_row, db=db)


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
    sql = _CASES.format(where="c.id = $5", step_then=STEP_THEN.format(names="$1", day="$3::date"))
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


# the monitoring picture of each town on a day ($1), from the cases opened by then: by category, by where
# they stood (identifying: not yet approved; monitored: approved, risk not yet eliminated; eliminated), overdue
# identification steps (the plan's days, $2 names and $3 days), households still monitored with a measure
# running by kind of measure (a household whose risk was eliminated is no longer counted assisted), and
# cases of households whose risk had been eliminated once before (returned)
_OVERVIEW = """
WITH first_out AS (
    -- each household's first case whose risk was eliminated by the day: a later case of it is a return
    SELECT household, min(id) AS first_id FROM monitoring_case WHERE eliminated_on <= $1 GROUP BY household
), c AS MATERIALIZED (
    -- the few columns the counts read (not the steps' jsonb, which would make the rows wide and spill)
    SELECT c.id, c.category, c.eliminated_on, v.town, s.step, (c.steps -> 'approved' ->> 'on')::date AS approved_on,
           c.applied_on + ($3::int[])[array_position($2::text[], s.step) + 1] AS due_on,
           coalesce(f.first_id < c.id, false) AS returned
    FROM monitoring_case c JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village
    CROSS JOIN LATERAL ({step_then}) s
    LEFT JOIN first_out f ON f.household = c.household
    WHERE c.applied_on <= $1 {where}
), assisted AS (
    SELECT town, jsonb_object_agg(kind, households) AS assisted FROM (
        SELECT c.town, m.kind, count(DISTINCT m.monitoring_case) AS households
        FROM monitoring_measure m JOIN c ON c.id = m.monitoring_case
        WHERE m.start_on <= $1 AND (m.end_on IS NULL OR m.end_on >= $1)
            AND (c.eliminated_on IS NULL OR c.eliminated_on > $1)
        GROUP BY c.town, m.kind
    ) k GROUP BY town
), by_step AS (
    -- the cases not eliminated by the day, by the identification step each stood at then
    SELECT town, jsonb_object_agg(step, cases) AS steps FROM (
        SELECT town, step, count(*) AS cases FROM c WHERE c.eliminated_on IS NULL OR c.eliminated_on > $1
        GROUP BY town, step
    ) k GROUP BY town
)
SELECT t.id AS town_id, t.name AS town,
       count(*) FILTER (WHERE c.category = 'unstable') AS unstable,
       count(*) FILTER (WHERE c.category = 'marginal') AS marginal,
       count(*) FILTER (WHERE c.category = 'sudden_hardship') AS sudden_hardship,
       count(*) FILTER (WHERE c.approved_on IS NULL OR c.approved_on > $1) AS identifying,
       count(*) FILTER (WHERE c.approved_on <= $1 AND (c.eliminated_on IS NULL OR c.eliminated_on > $1)) AS monitored,
       count(*) FILTER (WHERE c.eliminated_on <= $1) AS eliminated,
       count(*) FILTER (WHERE (c.approved_on IS NULL OR c.approved_on > $1) AND c.due_on < $1) AS overdue,
       count(*) FILTER (WHERE c.returned) AS returned,
       coalesce(a.assisted, '{{}}') AS assisted, coalesce(b.steps, '{{}}') AS steps
FROM c JOIN town t ON t.id = c.town LEFT JOIN assisted a ON a.town = t.id LEFT JOIN by_step b ON b.town = t.id
GROUP BY t.id, t.name, a.assisted, b.steps ORDER BY t.id
"""


async def overview(
    db: Db, as_of: date, plan: tuple[list[str], list[int]], region: str | None, town_id: int | None
) -> list[dict[str, Any]]:
    """The monitoring picture per town on ``as_of``, in one query."""
    args: list[Any] = [as_of, plan[0], plan[1]]
    where = county_clause("c.county_code", region, args)
    if town_id is not None:
        args.append(town_id)
        where += f" AND v.town = ${len(args)}"
    sql = _OVERVIEW.format(where=where, step_then=STEP_THEN.format(names="$2", day="$1::date"))
    rows = await db.fetch(sql, *args)
    out = []
    for r in rows:
        values = dict(r)
        for key in ("assisted", "steps"):
            values[key] = json.loads(values[key]) if isinstance(values[key], str) else values[key]
        out.append(values)
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
