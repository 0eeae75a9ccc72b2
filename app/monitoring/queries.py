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
