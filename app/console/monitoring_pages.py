"""Monitoring (防止返贫动态监测, issue 14) in the console.

A town officer's caseload (我的监测对象): what is due this week, overdue first, and every case of the town;
a case's page with its steps and measures and the forms to record the next step and add a measure. The
county's pages (admin; finance and auditors read): the approval queue, the overview per town on a day with
its overdue cases by town, and the monitoring lines per year. Everything is the monitoring domain's
(``app.monitoring.cases``, ``app.monitoring.lines``); these pages only read it and post its forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.console.forms import CaseStepForm, MeasureForm, MonitoringLineForm, read_form
from app.console.i18n import Texts
from app.console.offers import case_next_step, case_step_offer
from app.console.session import ConsoleUser
from app.console.web import back, refusal, render, said, texts_for
from app.core.access import can
from app.core.errors import DomainError, NotFound
from app.core.messages import N_
from app.core.pagination import PageParams
from app.core.params import PathId
from app.core.principal import Role
from app.core.validation import check_year
from app.monitoring import cases, lines
from app.monitoring.case_rules import Category, Step, due_days
from app.monitoring.model import CaseState, MeasureKind
from app.monitoring.schemas import CaseOut, MeasureIn, MonitoringLineIn, StepIn
from app.registry import household_service as households
from app.registry.access import masks_personal_data
from app.registry.masking import mask_household

Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PER_PAGE = 50
OPEN_CASES = 1_000
"""The open cases a page reads at most to find what is due (a town has far fewer in identification: each
finishes within its deadline of about 15 days)."""
WEEK = 7


@dataclass(frozen=True, slots=True)
class Due:
    case: CaseOut
    step: Step
    due_on: date
    days_overdue: int
    """0 when not yet overdue."""


def due_soon(found: list[CaseOut], today: date, days: int = WEEK) -> list[Due]:
    """The cases whose next step is due within ``days`` of ``today``, or already past its day: overdue first
    (the longest overdue on top), then by due day."""
    due: list[Due] = []
    for case in found:
        if case.overdue is not None:
            due.append(Due(case, Step(case.overdue.step), case.overdue.due_on, case.overdue.days))
            continue
        following = case_next_step(case.state, case.step)
        if following is None or following is Step.announced:
            continue
        day = due_days(case.applied_on, cases.SETTINGS)[following]
        if day <= today + timedelta(days=days):
            due.append(Due(case, following, day, 0))
    return sorted(due, key=lambda d: (-d.days_overdue, d.due_on, d.case.id))


def _who(texts: Texts, name: str) -> str:
    """A step's doer as the page names them: the account that opened the case is stored as ``account:<id>``."""
    account = name.removeprefix("account:")
    return texts._("account %(id)s", id=account) if account != name else name


def _choice(kind: type[Any], value: str | None) -> str | None:
    try:
        return kind(value).value if value else None
    except ValueError:
        return None


def _as_of(value: str | None) -> date:
    """The day asked about (the date picker's), today when none or not a day; never after today."""
    try:
        chosen = date.fromisoformat(value) if value else date.today()
    except ValueError:
        chosen = date.today()
    return min(chosen, date.today())


class MonitoringPages(Controller):
    path = "/monitoring"

    @get("/", opt={"action": "monitoring_cases.read"})
    async def caseload(
        self,
        user: NamedDependency[ConsoleUser],
        case_state: Annotated[str | None, QueryParameter(name="state")] = None,  # ``state`` is Litestar's own
        category: FromQuery[str | None] = None,
        page: Page = 1,
    ) -> Template:
        """我的监测对象: a town officer's town (the county's staff see their region's)."""
        today = date.today()
        identifying = await cases.list_cases(
            user.principal,
            PageParams(limit=OPEN_CASES, offset=0),
            as_of=today,
            filters={"c.state": CaseState.identifying.value},
            overdue=None,
        )
        chosen_state, chosen_category = _choice(CaseState, case_state), _choice(Category, category)
        listed = await cases.list_cases(
            user.principal,
            PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE),
            as_of=today,
            filters={"c.state": chosen_state, "c.category": chosen_category},
            overdue=None,
        )
        return await render(
            user,
            "monitoring_caseload.html",
            due=due_soon(identifying.items, today),
            listed=listed,
            page=page,
            per_page=PER_PAGE,
            state=chosen_state or "",
            category=chosen_category or "",
            states=list(CaseState),
            categories=list(Category),
            next_step=case_next_step,
        )

    @get("/cases/{case_id:int}", opt={"action": "monitoring_cases.read"})
    async def case(
        self,
        user: NamedDependency[ConsoleUser],
        case_id: PathId,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        measures = await cases.list_measures(user.principal, case_id)  # 404 or 403 (another town's) first
        found = await cases.list_cases(
            user.principal, PageParams(limit=1, offset=0), as_of=date.today(), filters={"c.id": case_id}, overdue=None
        )
        if not found.items:
            raise NotFound.of(N_("no monitoring case {id}"), field="case_id", id=case_id)
        case = found.items[0]
        household = await households.get_household(user.principal, case.household_id)
        if masks_personal_data(user.principal):
            household = mask_household(household)
        head = next((m.name for m in household.members if m.relation == "head"), "")
        offer = case_step_offer(user.principal.role, case.state, case.step)
        following = case_next_step(case.state, case.step)
        texts = texts_for(user)
        done = [
            (Step(name), {**case.steps[name], "by": [_who(texts, by) for by in case.steps[name].get("by") or []]})
            for name in (s.value for s in Step)
            if name in case.steps
        ]
        return await render(
            user,
            "monitoring_case.html",
            case=case,
            household=household,
            head=head,
            done=done,
            offer=offer,
            following=following,
            awaits_county=following is Step.approved and offer is None,
            due_on=due_days(case.applied_on, cases.SETTINGS).get(following) if following else None,
            measures=measures,
            measure_kinds=list(MeasureKind),
            may_add_measure=can(user.principal.role, "monitoring_cases.record")
            and case.state != CaseState.eliminated.value,
            today=date.today().isoformat(),
            officer_name=user.principal.name,
            msg=msg,
            err=err,
        )

    @post("/cases/{case_id:int}/step", opt={"action": "monitoring_cases.record"})
    async def step(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], case_id: PathId
    ) -> Redirect:
        form = await read_form(request, CaseStepForm)
        target = f"/console/monitoring/cases/{case_id}"
        texts = texts_for(user)
        try:
            by = [name.strip() for name in form.by if name.strip()]
            data = StepIn(step=form.step, on=form.on, by=by, note=form.note, notice_id=form.notice_id)
            await cases.record_step(user.principal, case_id, data)
        except (DomainError, ValueError) as exc:
            return back(target, err=refusal(user, exc))
        return back(
            target, msg=said(user, "done", texts._("Recorded: %(step)s.", step=texts.term("case step", form.step)))
        )

    @post("/cases/{case_id:int}/measures", opt={"action": "monitoring_cases.record"})
    async def measure(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], case_id: PathId
    ) -> Redirect:
        form = await read_form(request, MeasureForm)
        target = f"/console/monitoring/cases/{case_id}"
        texts = texts_for(user)
        try:
            data = MeasureIn(
                kind=form.kind,
                start_on=form.start_on,
                officer=form.officer,
                amount=form.amount,
                end_on=form.end_on,
                note=form.note,
            )
            await cases.add_measure(user.principal, case_id, data)
        except (DomainError, ValueError) as exc:
            return back(target, err=refusal(user, exc))
        return back(
            target,
            msg=said(user, "done", texts._("Measure added: %(kind)s.", kind=texts.term("measure kind", form.kind))),
        )

    @get("/county", opt={"action": "monitoring.county"})
    async def county(self, user: NamedDependency[ConsoleUser], as_of: FromQuery[str | None] = None) -> Template:
        """The county's picture on a day: the overview per town, the cases awaiting county approval, and the
        overdue cases by town."""
        day = _as_of(as_of)
        overview = await cases.monitoring_overview(user.principal, day, None)
        towns = {t.town_id: t.town for t in overview.towns}
        queue = await cases.list_cases(  # the queue is today's: a case's stored step is its step now
            user.principal,
            PageParams(limit=OPEN_CASES, offset=0),
            as_of=date.today(),
            filters={"c.step": Step.town_reviewed.value, "c.state": CaseState.identifying.value},
            overdue=None,
        )
        late = await cases.list_cases(
            user.principal, PageParams(limit=OPEN_CASES, offset=0), as_of=day, filters={}, overdue=True
        )
        by_town: dict[int, list[CaseOut]] = {}
        for case in sorted(late.items, key=lambda c: (c.town_id, -(c.overdue.days if c.overdue else 0), c.id)):
            by_town.setdefault(case.town_id, []).append(case)
        return await render(
            user,
            "monitoring_county.html",
            overview=overview,
            as_of=day.isoformat(),
            today=date.today().isoformat(),
            towns=towns,
            queue=queue,
            late_by_town=[(towns.get(t, str(t)), found) for t, found in by_town.items()],
            late_total=late.total,
            late_shown=len(late.items),
            queue_shown=len(queue.items),
            may_approve=user.principal.role is Role.admin,
        )

    @get("/lines", opt={"action": "monitoring.county"})
    async def monitoring_lines(
        self,
        user: NamedDependency[ConsoleUser],
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        found = await lines.list_monitoring_lines(None, None)
        years = sorted({x.year for x in found}, reverse=True)
        regions = sorted({(x.region_code, x.level) for x in found})
        table = {(x.region_code, x.year): x.amount for x in found}
        region = user.principal.region_code or ""
        return await render(
            user,
            "monitoring_lines.html",
            years=years,
            regions=regions,
            table=table,
            default_region=region if len(region) in (2, 6) else "",  # a line is a province's or a county's
            this_year=date.today().year,
            msg=msg,
            err=err,
        )

    @post("/lines", opt={"action": "monitoring_lines.manage"})
    async def set_line(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await read_form(request, MonitoringLineForm)
        texts = texts_for(user)
        try:
            check_year("year", form.year)
            await lines.set_monitoring_line(
                user.principal, form.region_code.strip(), form.year, MonitoringLineIn(amount=form.amount)
            )
        except (DomainError, ValueError) as exc:
            return back("/console/monitoring/lines", err=refusal(user, exc))
        return back(
            "/console/monitoring/lines",
            msg=said(
                user,
                "done",
                texts._("The line of %(year)s for %(region)s is set.", year=form.year, region=form.region_code),
            ),
        )
