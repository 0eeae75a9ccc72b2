"""Monitoring cases (防止返贫动态监测, issue 14): a household taken in through its identification steps.

A case opens on an application (or a cadre's or department's finding, or the exited-household watch) with
the year's figures and the signed consent; its category follows from the household's standing, its figures
and the county's monitoring line for the year (``case_rules``). The steps then follow in order, each dated
and by whom: the survey by at least two people, the village's public notice at least five days after its
democratic review; county approval makes the household a monitored one. A step past its due day shows the
case overdue, with the days, on any day asked about (the list is one query, the due days computed in it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from app.core.errors import Conflict, Forbidden, NotFound, Refused
from app.core.messages import N_, code
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_town_scope, list_region
from app.core.uow import reading_replica, unit_of_work
from app.monitoring import lines, queries
from app.monitoring.case_rules import STEPS, CaseSettings, Finances, Standing, Step, category, intake_refusal
from app.monitoring.schemas import CaseIn, CaseOut, MeasureIn, MeasureOut, OverdueOut, StepIn

SETTINGS = CaseSettings()
NOTICE_DAYS = 5
"""A village's public notice runs at least five days (from its democratic review to the notice's end)."""

STANDING = {
    "exited": Standing.exited,
    "registered": Standing.registered,
    "returned": Standing.registered,
    "ordinary": Standing.ordinary,
}


def _plan(settings: CaseSettings) -> tuple[list[str], list[int]]:
    """Each step and its days from the application (calendar days: the SQL list counts these)."""
    names, days, total = [], [], 0
    for step in STEPS:
        total += settings.step_days.get(step, 0) if step is not Step.applied else 0
        names.append(step.value)
        days.append(total)
    return names, days


PLAN = _plan(SETTINGS)


def _out(row: dict[str, Any], as_of: date) -> CaseOut:
    due, next_step = row.pop("due_on"), row.pop("next_step")
    overdue = (
        OverdueOut(step=next_step, due_on=due, days=(as_of - due).days) if due is not None and as_of > due else None
    )
    return msgspec.convert({**row, "overdue": overdue}, CaseOut, from_attributes=True)


def _ensure_scope(actor: Principal, county_code: str, town_id: int) -> None:
    ensure_county_scope(actor, county_code)
    if actor.role is Role.town_officer:
        ensure_town_scope(actor, town_id)


async def open_case(actor: Principal, data: CaseIn) -> CaseOut:
    """Take a household in on its application (or a finding), with its figures for the year."""
    async with unit_of_work() as uow:
        household = await queries.case_household(uow, data.household_id)
        if household is None:
            raise NotFound.of(N_("no household {id}"), field="household_id", id=data.household_id)
        _ensure_scope(actor, household.county_code, household.town_id)
        standing = STANDING.get(household.status)
        if standing is None:
            raise Refused.of(
                N_("a household that is {status} is not taken in for monitoring"),
                field="household_id",
                status=code("household status", household.status),
            )
        line = await lines.monitoring_line(uow, household.county_code, data.year)
        if line is None:
            raise Refused.of(
                N_("no monitoring line is set for county {county} in {year}"),
                field="year",
                county=household.county_code,
                year=data.year,
            )
        money = Finances(data.income, data.rigid_spending, data.previous_income)
        refusal = intake_refusal(standing, money, line, SETTINGS)
        if refusal is not None:
            raise Refused(refusal, field="income")
        if await queries.open_case_of(uow, household.id) is not None:
            raise Conflict.of(N_("the household has an open monitoring case"), field="household_id")
        found = category(standing, money, line, SETTINGS)
        assert found is not None  # intake_refusal said it qualifies
        case_id = await queries.insert_case(
            uow,
            {
                "household_id": household.id,
                "channel": data.channel.value,
                "category": found.value,
                "year": data.year,
                "line": line,
                "income": data.income,
                "rigid_spending": data.rigid_spending,
                "previous_income": data.previous_income,
                "consent": data.consent,
                "applied_on": data.applied_on,
                "steps": {"applied": {"on": data.applied_on.isoformat(), "by": [actor.label], "note": None}},
            },
        )
        row = await queries.one_case(uow, PLAN, case_id, date.today())
        assert row is not None
        out = _out(row, date.today())
        await uow.audit(actor, "open", "monitoring_case", case_id, after=out)
    return out


def _step_problem(case: dict[str, Any], data: StepIn) -> str | None:
    """Why a step cannot be recorded now (None: it can)."""
    expected = STEPS[STEPS.index(Step(case["step"])) + 1] if case["step"] != STEPS[-1].value else None
    if expected is None or data.step is not expected:
        return "order"
    last_day = date.fromisoformat(case["steps"][case["step"]]["on"])
    if data.on < last_day:
        return "early"
    if data.step is Step.surveyed and len(set(data.by)) < 2:
        return "two"
    if data.step is Step.noticed:
        reviewed = date.fromisoformat(case["steps"][Step.village_reviewed.value]["on"])
        if (data.on - reviewed).days < NOTICE_DAYS:
            return "notice"
    return None


async def record_step(actor: Principal, case_id: int, data: StepIn) -> CaseOut:
    """The case's next step, dated and by whom; county approval makes the household a monitored one."""
    async with unit_of_work() as uow:
        case = await queries.one_case(uow, PLAN, case_id, date.today(), lock=True)
        if case is None:
            raise NotFound.of(N_("no monitoring case {id}"), field="case_id", id=case_id)
        _ensure_scope(actor, case["county_code"], case["town_id"])
        if data.step is Step.approved and actor.role is not Role.admin:
            raise Forbidden.of(N_("the county approves a case"))
        problem = _step_problem(case, data)
        if problem == "order":
            raise Conflict.of(
                N_("the case's last step is {step}; {next} is not the next"),
                field="step",
                step=case["step"],
                next=data.step.value,
            )
        if problem == "early":
            raise Refused.of(N_("is before the case's last step"), field="on")
        if problem == "two":
            raise Refused.of(N_("a home survey is made by at least two people"), field="by")
        if problem == "notice":
            raise Refused.of(
                N_("the village notice runs at least {days} days after the democratic review"),
                field="on",
                days=NOTICE_DAYS,
            )
        state = "monitored" if data.step in (Step.approved, Step.announced) else case["state"]
        record = {"on": data.on.isoformat(), "by": data.by, "note": data.note}
        await queries.record_case_step(uow, case_id, data.step.value, record, state)
        row = await queries.one_case(uow, PLAN, case_id, date.today())
        assert row is not None
        out = _out(row, date.today())
        await uow.audit(
            actor, f"step:{data.step.value}", "monitoring_case", case_id, before={"step": case["step"]}, after=record
        )
    return out


async def list_cases(
    actor: Principal, page: PageParams, *, as_of: date, filters: dict[str, Any], overdue: bool | None
) -> Page[CaseOut]:
    """The cases the caller reaches (a town officer its town's), by filters, with what is overdue on
    ``as_of``: one query a page."""
    if actor.role is Role.town_officer:
        filters = {**filters, "v.town": actor.town_id}
    async with reading_replica() as db:
        found = await queries.case_page(db, PLAN, as_of, overdue, filters, list_region(actor), page)
    return Page(items=[_out(r, as_of) for r in found.items], total=found.total, limit=found.limit, offset=found.offset)


async def _reachable_case(db: Any, actor: Principal, case_id: int) -> dict[str, Any]:
    case = await queries.one_case(db, PLAN, case_id, date.today())
    if case is None:
        raise NotFound.of(N_("no monitoring case {id}"), field="case_id", id=case_id)
    _ensure_scope(actor, case["county_code"], case["town_id"])
    return case


async def add_measure(actor: Principal, case_id: int, data: MeasureIn) -> MeasureOut:
    """An assistance measure for a monitored household (or one being identified), audited."""
    async with unit_of_work() as uow:
        await _reachable_case(uow, actor, case_id)
        values = {
            "kind": data.kind.value,
            "start_on": data.start_on,
            "end_on": data.end_on,
            "officer": data.officer,
            "amount": data.amount,
            "note": data.note,
        }
        out = msgspec.convert(await queries.insert_measure(uow, case_id, values, actor.account_id), MeasureOut)
        await uow.audit(actor, "measure", "monitoring_case", case_id, after=out)
    return out


async def list_measures(actor: Principal, case_id: int) -> list[MeasureOut]:
    async with reading_replica() as db:
        await _reachable_case(db, actor, case_id)
        return [msgspec.convert(m, MeasureOut) for m in await queries.measures_of(db, case_id)]
