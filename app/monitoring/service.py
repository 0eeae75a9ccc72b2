"""Exit assessments, hardship events, revisits, and the monitoring list."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from app import audit
from app.core.errors import Conflict, Refused
from app.core.principal import Principal, Role
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.monitoring.rules import CHECKLIST, below_watch_line, exit_test, revisit_due
from app.monitoring.schemas import (
    AssessmentIn,
    AssessmentOut,
    HardshipIn,
    HardshipOut,
    MonitoringEntry,
    RevisitIn,
    RevisitOut,
)
from app.core.pagination import Page, PageParams
from app.payouts.reports import ledger_income
from app.registry.access import load_household
from app.registry.rules import HouseholdStatus
from app.registry.schemas import TransitionIn
from app.core.settings import get_settings

_KEYS = [key for key, _ in CHECKLIST]


def _assessment(row: Any) -> AssessmentOut:
    return to_struct(AssessmentOut, {
        **dict(row), "household_id": row["household"],
        "reasons": json.loads(row["reasons"]), "notes": json.loads(row["notes"]),
        "checklist": {k: row[k] for k in _KEYS},
    })


async def assess(actor: Principal, household_id: int, data: AssessmentIn) -> AssessmentOut:
    """Record the year's exit test; passing it is what lets the household be marked exited."""
    async with transaction():
        household = await load_household(actor, household_id, for_update=True)
        if household["status"] not in (HouseholdStatus.registered.value, HouseholdStatus.returned.value,
                                       HouseholdStatus.exited.value):
            raise Conflict(f"the household is {household['status']}; only registered households are assessed")
        line = await fetchrow("SELECT amount FROM poverty_line WHERE year = $1", data.year)
        if line is None:
            raise Refused(f"no poverty line is set for {data.year}", extra={"field": "year"})
        members = (await fetchrow(
            "SELECT count(*) AS n FROM member WHERE household = $1 AND (left_on IS NULL OR left_on >= $2)",
            household_id, date(data.year, 1, 1),
        ))["n"]
        income = await ledger_income(household_id, data.year)
        checklist = {k: getattr(data, k).met for k in _KEYS}
        test = exit_test(checklist, income, data.other_net_income, members, line["amount"])
        row = await fetchrow(
            "INSERT INTO exit_assessment (household, year, food, clothing, compulsory_education, basic_medical_care,"
            " safe_housing, safe_drinking_water, notes, ledger_income, other_net_income, members, per_capita,"
            " poverty_line, passed, reasons, verification, assessed_by, assessed_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, $18,"
            " now()) RETURNING *",
            household_id, data.year, *checklist.values(),
            json.dumps({k: getattr(data, k).note for k in _KEYS}, ensure_ascii=False),
            income, data.other_net_income, members, test.per_capita, line["amount"], test.passed,
            json.dumps(list(test.reasons), ensure_ascii=False), data.verification.value, actor.account_id,
        )
        out = _assessment(row)
        await audit.record(actor, "assess", "household", household_id, after=out)
    return out


async def list_assessments(actor: Principal, household_id: int) -> list[AssessmentOut]:
    await load_household(actor, household_id)
    rows = await fetch("SELECT * FROM exit_assessment WHERE household = $1 ORDER BY id", household_id)
    return [_assessment(r) for r in rows]


async def exit_refusal(household_id: int, year: int) -> tuple[str, list[str]] | None:
    """None when the household passed the exit test for ``year``, else why it may not exit."""
    latest = await fetchrow(
        "SELECT passed, reasons FROM exit_assessment WHERE household = $1 AND year = $2"
        " ORDER BY passed DESC, id DESC LIMIT 1",
        household_id, year,
    )
    if latest is None:
        return f"no exit assessment for {year}: assess the household first", []
    if not latest["passed"]:
        return f"the {year} exit assessment failed", json.loads(latest["reasons"])
    return None


async def record_hardship(actor: Principal, household_id: int, data: HardshipIn) -> HardshipOut:
    async with transaction():
        await load_household(actor, household_id)
        row = await fetchrow(
            "INSERT INTO hardship_event (household, kind, occurred_on, note, recorded_by, created_at)"
            " VALUES ($1, $2, $3, $4, $5, now()) RETURNING *, household AS household_id",
            household_id, data.kind.value, data.occurred_on, data.note, actor.account_id,
        )
        out = to_struct(HardshipOut, row)
        await audit.record(actor, "record", "hardship_event", out.id, after=out)
    return out


async def record_revisit(actor: Principal, household_id: int, data: RevisitIn) -> RevisitOut:
    """A revisit; "returned" also moves an exited household back onto the register (返贫)."""
    from app.registry.household_service import transition

    async with transaction():
        household = await load_household(actor, household_id, for_update=True)
        row = await fetchrow(
            "INSERT INTO revisit (household, trigger, trigger_ref, visited_on, outcome, note, recorded_by, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING *, household AS household_id",
            household_id, data.trigger.value, data.trigger_ref, data.visited_on, data.outcome.value, data.note,
            actor.account_id,
        )
        out = to_struct(RevisitOut, row)
        await audit.record(actor, "revisit", "household", household_id, after=out)
        if data.outcome.value == "returned" and household["status"] == HouseholdStatus.exited.value:
            await transition(actor, household_id, TransitionIn(
                to=HouseholdStatus.returned, note=f"revisit {out.id}: {data.note or data.trigger.value}"))
    return out


async def monitoring(actor: Principal, page: PageParams, *, year: int, open_only: bool) -> Page[MonitoringEntry]:
    """Exited households under the watch line, hardship events, and ended links of exited households."""
    settings = get_settings()
    town_id = actor.town_id if actor.role is Role.town_officer else None
    first, last = date(year, 1, 1), date(year, 12, 31)
    line = await fetchrow("SELECT amount FROM poverty_line WHERE year = $1", year)
    entries: list[dict[str, Any]] = []
    if line is not None:
        low = await fetch(
            """
            WITH income AS (
                SELECT household, sum(amount) AS amount FROM (
                    SELECT household, amount FROM payout WHERE paid_on BETWEEN $1 AND $2
                    UNION ALL
                    SELECT household, amount FROM voucher WHERE status = 'paid' AND paid_on BETWEEN $1 AND $2
                ) x GROUP BY household
            ), members AS (
                SELECT household, count(*) AS n FROM member WHERE left_on IS NULL OR left_on >= $1
                GROUP BY household
            ), declared AS (
                SELECT DISTINCT ON (household) household, other_net_income FROM exit_assessment
                WHERE year = $3 ORDER BY household, id DESC
            )
            SELECT h.id, h.registry_no, v.town AS town_id, m.n AS members,
                   coalesce(i.amount, 0) + coalesce(d.other_net_income, 0) AS income
            FROM household h JOIN village v ON v.id = h.village JOIN members m ON m.household = h.id
            LEFT JOIN income i ON i.household = h.id LEFT JOIN declared d ON d.household = h.id
            WHERE h.status = 'exited' AND ($4::int IS NULL OR v.town = $4)
            """,
            first, last, year, town_id,
        )
        since = min(last, date.today())
        for r in low:
            per_capita = (Decimal(r["income"]) / r["members"]).quantize(Decimal("0.01"))
            if below_watch_line(per_capita, line["amount"], settings.watch_multiple):
                entries.append({
                    "household_id": r["id"], "registry_no": r["registry_no"], "town_id": r["town_id"],
                    "trigger": "low_income", "trigger_ref": str(year), "since": since,
                    "detail": f"{year} per-capita income {per_capita:.2f} is under {settings.watch_multiple}"
                              f" × the poverty line {line['amount']:.2f}",
                })
    hardship = await fetch(
        "SELECT e.id, e.kind, e.occurred_on, e.note, h.id AS household_id, h.registry_no, v.town AS town_id"
        " FROM hardship_event e JOIN household h ON h.id = e.household JOIN village v ON v.id = h.village"
        " WHERE e.occurred_on BETWEEN $1 AND $2 AND h.status <> 'removed' AND ($3::int IS NULL OR v.town = $3)",
        first, last, town_id,
    )
    entries += [{
        "household_id": r["household_id"], "registry_no": r["registry_no"], "town_id": r["town_id"],
        "trigger": "hardship", "trigger_ref": str(r["id"]), "since": r["occurred_on"],
        "detail": f"{r['kind']} on {r['occurred_on']}" + (f": {r['note']}" if r["note"] else ""),
    } for r in hardship]
    ended = await fetch(
        "SELECT l.id, l.kind, l.end_date, e.name AS enterprise, h.id AS household_id, h.registry_no, v.town AS town_id"
        " FROM link l JOIN household h ON h.id = l.household JOIN village v ON v.id = h.village"
        " JOIN enterprise e ON e.id = l.enterprise"
        " WHERE h.status = 'exited' AND l.end_date BETWEEN $1 AND $2 AND l.end_date <= current_date"
        " AND ($3::int IS NULL OR v.town = $3)",
        first, last, town_id,
    )
    entries += [{
        "household_id": r["household_id"], "registry_no": r["registry_no"], "town_id": r["town_id"],
        "trigger": "link_ended", "trigger_ref": str(r["id"]), "since": r["end_date"],
        "detail": f"{r['kind']} link with {r['enterprise']} ended on {r['end_date']}",
    } for r in ended]

    visits = await fetch(
        "SELECT DISTINCT ON (household, trigger, trigger_ref) *, household AS household_id FROM revisit"
        " WHERE household = ANY ($1::int[]) ORDER BY household, trigger, trigger_ref, visited_on DESC, id DESC",
        sorted({e["household_id"] for e in entries}),
    )
    last_visit = {(v["household_id"], v["trigger"], v["trigger_ref"]): v for v in visits}
    today = date.today()
    out = []
    for e in sorted(entries, key=lambda e: (e["since"], e["household_id"], e["trigger"])):
        visit = last_visit.get((e["household_id"], e["trigger"], e["trigger_ref"]))
        if visit is not None and visit["visited_on"] < e["since"]:
            visit = None
        if open_only and visit is not None:
            continue
        due = revisit_due(e["since"], settings.revisit_days)
        out.append(MonitoringEntry(
            **e, revisit_due=due, overdue=visit is None and due < today,
            last_revisit=None if visit is None else to_struct(RevisitOut, visit),
        ))
    return Page(items=out[page.offset:page.offset + page.limit], total=len(out), limit=page.limit,
                offset=page.offset)
