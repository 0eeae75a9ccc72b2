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
from app.core.messages import N_, code, listing
from app.core.pagination import Page, PageParams
from app.core.principal import (
    Principal,
    Role,
    ensure_county_scope,
    ensure_region_scope,
    ensure_town_scope,
    list_region,
)
from app.core.uow import reading_replica, unit_of_work
from app.monitoring import lines, queries
from app.monitoring.case_rules import (
    CHECKLIST,
    ELIMINATION_STEPS,
    STEPS,
    CaseSettings,
    EliminationFacts,
    EliminationStep,
    Finances,
    Standing,
    Step,
    category,
    elimination_refusals,
    intake_refusal,
)
from app.monitoring.rules import per_capita_income
from app.monitoring.schemas import (
    CaseIn,
    CaseOut,
    CaseProposal,
    EliminationIn,
    EliminationStepIn,
    MeasureIn,
    MeasureOut,
    MonitoringOverview,
    OverdueOut,
    StepIn,
    TownMonitoring,
)
from app.notices import service as notices
from app.notices.model import NoticeKind
from app.regions import service as regions

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
        cleared = await queries.last_eliminated_on(uow, household.id)
        if cleared is not None and data.applied_on < cleared:
            # a household comes back into monitoring after its risk was eliminated, never before: the case
            # counts as a return from its first day (queries.overview)
            raise Refused.of(
                N_("the household's risk was eliminated on {day}; a new case is applied for on or after it"),
                field="applied_on",
                day=cleared.isoformat(),
            )
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
    if data.step is Step.noticed and data.notice_id is None:
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
                step=code("case step", case["step"]),
                next=code("case step", data.step.value),
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
        record: dict[str, Any] = {"on": data.on.isoformat(), "by": data.by, "note": data.note}
        if data.notice_id is not None:
            if data.step is not Step.noticed:
                raise Refused.of(N_("only the step noticed cites a notice"), field="notice_id")
            record["notice"] = await _cited_notice(
                uow, data.notice_id, case["household_id"], NoticeKind.monitoring_intake, data.on
            )
        await queries.record_case_step(uow, case_id, data.step.value, record, state)
        row = await queries.one_case(uow, PLAN, case_id, date.today())
        assert row is not None
        out = _out(row, date.today())
        await uow.audit(
            actor, f"step:{data.step.value}", "monitoring_case", case_id, before={"step": case["step"]}, after=record
        )
    return out


async def list_cases(
    actor: Principal,
    page: PageParams,
    *,
    as_of: date,
    filters: dict[str, Any],
    overdue: bool | None,
    round_id: int | None = None,
) -> Page[CaseOut]:
    """The cases the caller reaches (a town officer its town's), by filters, with what is overdue on
    ``as_of``: one query a page."""
    if actor.role is Role.town_officer:
        filters = {**filters, "v.town": actor.town_id}
    async with reading_replica() as db:
        found = await queries.case_page(db, PLAN, as_of, overdue, filters, list_region(actor), page, round_id)
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


async def begin_elimination(actor: Principal, case_id: int, data: EliminationIn) -> CaseOut:
    """The home check that begins risk elimination: refused (422, every reason listed) unless income has run
    above the line long enough, the rigid spending is resolved, every guarantee is secured and the risk gone;
    a household without labour living on social protection is never cleared, it stays monitored."""
    async with unit_of_work() as uow:
        case = await queries.one_case(uow, PLAN, case_id, date.today(), lock=True)
        if case is None:
            raise NotFound.of(N_("no monitoring case {id}"), field="case_id", id=case_id)
        _ensure_scope(actor, case["county_code"], case["town_id"])
        if case["state"] != "monitored":
            raise Conflict.of(
                N_("the case is {state}; risk elimination begins for a monitored household"),
                field="case_id",
                state=code("case state", case["state"]),
            )
        checklist = {item: getattr(data, item) for item in CHECKLIST}
        facts = EliminationFacts(
            months_above_line=data.months_above_line,
            rigid_spending_resolved=data.rigid_spending_resolved,
            checklist=checklist,
            risk_gone=data.risk_gone,
            has_labour=await queries.has_labour(uow, case["household_id"]),
            protection_income_share=data.protection_income_share,
        )
        refusals = elimination_refusals(facts, SETTINGS)
        if refusals:
            # every reason, in the reader's words in the console; each one also in ``reasons``
            raise Refused.of(
                N_("the risk cannot be marked eliminated ({count} reason(s)): {reasons}"),
                field="case_id",
                count=len(refusals),
                reasons=listing(refusals, "; "),
                extra={"reasons": [str(r) for r in refusals]},
            )
        elimination = {
            "facts": {
                **checklist,
                "months_above_line": data.months_above_line,
                "rigid_spending_resolved": data.rigid_spending_resolved,
                "risk_gone": data.risk_gone,
                "has_labour": facts.has_labour,
                "protection_income_share": str(data.protection_income_share),
            },
            "steps": {"home_checked": {"on": data.on.isoformat(), "by": data.by, "note": data.note}},
            "step": "home_checked",
        }
        await queries.set_elimination(uow, case_id, elimination, "eliminating", None)
        out = await _reread(uow, case_id)
        await uow.audit(actor, "elimination:home_checked", "monitoring_case", case_id, after=elimination)
    return out


async def record_elimination_step(actor: Principal, case_id: int, data: EliminationStepIn) -> CaseOut:
    """The next risk-elimination step; county approval marks the risk eliminated (the record stays, and the
    household can be taken in again)."""
    async with unit_of_work() as uow:
        case = await queries.one_case(uow, PLAN, case_id, date.today(), lock=True)
        if case is None:
            raise NotFound.of(N_("no monitoring case {id}"), field="case_id", id=case_id)
        _ensure_scope(actor, case["county_code"], case["town_id"])
        elimination = case["elimination"]
        if case["state"] != "eliminating" or elimination is None:
            raise Conflict.of(N_("the case has no risk elimination under way"), field="case_id")
        last = EliminationStep(elimination["step"])
        position = ELIMINATION_STEPS.index(last)
        if position + 1 >= len(ELIMINATION_STEPS) or data.step is not ELIMINATION_STEPS[position + 1]:
            raise Conflict.of(
                N_("the case's last step is {step}; {next} is not the next"),
                field="step",
                step=code("elimination step", last.value),
                next=code("elimination step", data.step.value),
            )
        if data.on < date.fromisoformat(elimination["steps"][last.value]["on"]):
            raise Refused.of(N_("is before the case's last step"), field="on")
        if data.notice_id is not None:
            if data.step is not EliminationStep.noticed:
                raise Refused.of(N_("only the step noticed cites a notice"), field="notice_id")
            cited = await _cited_notice(uow, data.notice_id, case["household_id"], NoticeKind.risk_elimination, data.on)
        elif data.step is EliminationStep.noticed:
            reviewed = date.fromisoformat(elimination["steps"][EliminationStep.village_reviewed.value]["on"])
            if (data.on - reviewed).days < NOTICE_DAYS:
                raise Refused.of(
                    N_("the village notice runs at least {days} days after the democratic review"),
                    field="on",
                    days=NOTICE_DAYS,
                )
        if data.step is EliminationStep.approved and actor.role is not Role.admin:
            raise Forbidden.of(N_("the county approves a case"))
        elimination["steps"][data.step.value] = {"on": data.on.isoformat(), "by": data.by, "note": data.note}
        if data.notice_id is not None:
            elimination["steps"][data.step.value]["notice"] = cited
        elimination["step"] = data.step.value
        done = data.step is EliminationStep.approved
        await queries.set_elimination(
            uow, case_id, elimination, "eliminated" if done else "eliminating", data.on if done else None
        )
        out = await _reread(uow, case_id)
        await uow.audit(
            actor,
            f"elimination:{data.step.value}",
            "monitoring_case",
            case_id,
            after=elimination["steps"][data.step.value],
        )
    return out


async def _reread(db: Any, case_id: int) -> CaseOut:
    row = await queries.one_case(db, PLAN, case_id, date.today())
    assert row is not None
    return _out(row, date.today())


async def monitoring_overview(actor: Principal, as_of: date, region: str | None) -> MonitoringOverview:
    """Monitoring per town of the caller's region (a town officer's town) on ``as_of``, and the sum: one query."""
    if region is not None:
        ensure_region_scope(actor, region)
    narrow = region or list_region(actor)
    town = actor.town_id if actor.role is Role.town_officer else None
    async with reading_replica() as db:
        rows = await queries.overview(db, as_of, PLAN, narrow, town)
    towns = [msgspec.convert(r, TownMonitoring) for r in rows]
    counted = (
        "unstable",
        "marginal",
        "sudden_hardship",
        "identifying",
        "monitored",
        "eliminated",
        "overdue",
        "returned",
    )
    assisted: dict[str, int] = {}
    steps: dict[str, int] = {}
    for t in towns:
        for kind, n in t.assisted.items():
            assisted[kind] = assisted.get(kind, 0) + n
        for step, n in t.steps.items():
            steps[step] = steps.get(step, 0) + n
    total = TownMonitoring(
        town_id=0, town="", assisted=assisted, steps=steps, **{k: sum(getattr(t, k) for t in towns) for k in counted}
    )
    return MonitoringOverview(as_of=as_of, towns=towns, total=total)


async def proposals(actor: Principal, page: PageParams, year: int) -> Page[CaseProposal]:
    """The watch as the first way cases are found: exited households whose per-capita income of ``year`` (the
    ledgers and what they declared, as the monitoring list reads it) is under their county's monitoring line,
    and that have no open case. Set-based: one read of the incomes, one of the lines per county, one of the
    open cases."""
    town = actor.town_id if actor.role is Role.town_officer else None
    first, last = date(year, 1, 1), date(year, 12, 31)
    async with reading_replica() as db:
        incomes = await queries.exited_incomes(db, first, last, year, town, list_region(actor))
        codes = await regions.codes_of(db, sorted({h.county_id for h in incomes if h.county_id is not None}))
        county_lines = {code: await lines.monitoring_line(db, code, year) for code in set(codes.values())}
        taken = await queries.households_with_open_cases(db, [h.household_id for h in incomes])
    found = []
    for h in incomes:
        code = codes.get(h.county_id) if h.county_id is not None else None
        line = county_lines.get(code) if code else None
        if line is None or h.household_id in taken:
            continue
        per_capita = per_capita_income(h.income, h.members)
        if per_capita < line:
            found.append(
                CaseProposal(
                    household_id=h.household_id,
                    registry_no=h.registry_no,
                    town_id=h.town_id,
                    county_code=code or "",
                    year=year,
                    per_capita=per_capita,
                    line=line,
                )
            )
    return Page(
        items=found[page.offset : page.offset + page.limit], total=len(found), limit=page.limit, offset=page.offset
    )


async def _cited_notice(db: Any, notice_id: int, household_id: int, kind: NoticeKind, on: date) -> dict[str, Any]:
    """The notice a ``noticed`` step cites, checked: of the step's kind, listing the household, ended before the
    step's day, with no open objection; its id and number for the step's record."""
    notice = await notices.household_notice(db, notice_id, household_id)
    if notice is None:
        raise Refused.of(N_("no notice {id}"), field="notice_id", id=notice_id)
    if notice.kind != kind.value or not notice.lists_household:
        raise Refused.of(
            N_("notice {number} is not a {kind} notice listing this household"),
            field="notice_id",
            number=notice.number,
            kind=code("notice kind", kind.value),
        )
    if on <= notice.ends_on:
        raise Refused.of(
            N_("notice {number} stands until {day}; the step is recorded after it"),
            field="on",
            number=notice.number,
            day=notice.ends_on.isoformat(),
        )
    if notice.open_objections:
        raise Conflict.of(
            N_("notice {number} has {count} open objection(s)"),
            field="notice_id",
            number=notice.number,
            count=notice.open_objections,
        )
    return {"id": notice.notice_id, "number": notice.number}
