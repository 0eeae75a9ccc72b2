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
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.console.forms import (
    CaseStepForm,
    EliminationForm,
    EliminationStepForm,
    MeasureForm,
    MonitoringLineForm,
    RoundForm,
    VisitForm,
    read_form,
)
from app.console.i18n import Texts
from app.console.offers import (
    case_next_step,
    case_step_offer,
    elimination_next_step,
    elimination_step_offer,
    may_begin_elimination,
)
from app.console.session import ConsoleUser
from app.console.web import back, chosen_id, refusal, render, said, texts_for
from app.core.access import can
from app.core.errors import DomainError, NotFound, Refused
from app.core.messages import N_
from app.core.pagination import PageParams
from app.core.params import PathId
from app.core.principal import Role
from app.core.validation import check_year
from app.monitoring import cases, lines, rounds
from app.monitoring.case_rules import CHECKLIST, ELIMINATION_STEPS, Category, EliminationStep, Step, due_days
from app.monitoring.model import CaseState, MeasureKind
from app.monitoring.schemas import (
    CaseOut,
    EliminationIn,
    EliminationStepIn,
    MeasureIn,
    MonitoringLineIn,
    RoundIn,
    StepIn,
    VisitIn,
)
from app.notices import service as notices
from app.notices.model import NoticeKind
from app.notices.schemas import NoticeFilter, NoticeOut
from app.registry import household_service as households
from app.registry.access import masks_personal_data
from app.registry.masking import mask_household

Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PER_PAGE = 50
OPEN_CASES = 1_000
"""The open cases a page reads at most to find what is due (a town has far fewer in identification: each
finishes within its deadline of about 15 days)."""
WEEK = 7
NOTICES_OFFERED = 30
"""A village's notices of one kind that a ``noticed`` step's form offers (the newest)."""
ROUNDS_OFFERED = 24
"""The rounds the caseload's filter offers (two years of monthly rounds)."""
HUNDRED = Decimal(100)


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


def _percent(share: object) -> str:
    """A share as stored (``"0.35"``) in per cent (``35``); blank when none is stored."""
    if share is None:
        return ""
    return f"{(Decimal(str(share)) * HUNDRED).normalize():f}"


def _names(given: list[str]) -> list[str]:
    """The names typed into a form's ``by`` inputs, blank ones left out."""
    return [name.strip() for name in given if name.strip()]


def _doers(given: list[str]) -> list[str]:
    """The names of who did a step or a visit: at least one."""
    by = _names(given)
    if not by:
        raise Refused.of(N_("name at least one person who did it"), field="by")
    return by


def _steps_done(texts: Texts, steps: dict[str, Any], order: tuple[Any, ...]) -> list[tuple[Any, dict[str, Any]]]:
    """The steps recorded, in the procedure's order, each with its doers in words."""
    return [
        (step, {**steps[step.value], "by": [_who(texts, by) for by in steps[step.value].get("by") or []]})
        for step in order
        if step.value in steps
    ]


async def _village_notices(user: ConsoleUser, village_id: int, kind: NoticeKind) -> list[NoticeOut]:
    """The village's notices of a kind, newest first: the ones a ``noticed`` step may cite."""
    found = await notices.list_notices(
        user.principal, PageParams(limit=NOTICES_OFFERED, offset=0), NoticeFilter(kind=kind, village_id=village_id)
    )
    return found.items


class MonitoringPages(Controller):
    path = "/monitoring"

    @get("/", opt={"action": "monitoring_cases.read"})
    async def caseload(
        self,
        user: NamedDependency[ConsoleUser],
        case_state: Annotated[str | None, QueryParameter(name="state")] = None,  # ``state`` is Litestar's own
        category: FromQuery[str | None] = None,
        round_id: FromQuery[str | None] = None,  # the filter's select sends "" for every round
        page: Page = 1,
    ) -> Template:
        """我的监测对象: a town officer's town (the county's staff see their region's); ``round_id``: the cases
        visited in that round."""
        today = date.today()
        identifying = await cases.list_cases(
            user.principal,
            PageParams(limit=OPEN_CASES, offset=0),
            as_of=today,
            filters={"c.state": CaseState.identifying.value},
            overdue=None,
        )
        chosen_state, chosen_category = _choice(CaseState, case_state), _choice(Category, category)
        chosen_round = chosen_id(round_id)
        listed = await cases.list_cases(
            user.principal,
            PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE),
            as_of=today,
            filters={"c.state": chosen_state, "c.category": chosen_category},
            overdue=None,
            round_id=chosen_round,
        )
        known_rounds = await rounds.list_rounds(user.principal, PageParams(limit=ROUNDS_OFFERED, offset=0))
        return await render(
            user,
            "monitoring_caseload.html",
            due=due_soon(identifying.items, today),
            listed=listed,
            page=page,
            per_page=PER_PAGE,
            state=chosen_state or "",
            category=chosen_category or "",
            round_id=chosen_round,
            rounds=known_rounds.items,
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
        role = user.principal.role
        offer = case_step_offer(role, case.state, case.step)
        following = case_next_step(case.state, case.step)
        elimination_offer = elimination_step_offer(role, case.state, case.elimination)
        elimination_following = elimination_next_step(case.state, case.elimination)
        texts = texts_for(user)
        return await render(
            user,
            "monitoring_case.html",
            case=case,
            household=household,
            head=head,
            done=_steps_done(texts, case.steps, tuple(Step)),
            offer=offer,
            following=following,
            awaits_county=following is Step.approved and offer is None,
            due_on=due_days(case.applied_on, cases.SETTINGS).get(following) if following else None,
            intake_notices=(
                await _village_notices(user, household.village_id, NoticeKind.monitoring_intake)
                if offer is Step.noticed
                else []
            ),
            elimination_done=_steps_done(texts, (case.elimination or {}).get("steps") or {}, ELIMINATION_STEPS),
            elimination_facts=(case.elimination or {}).get("facts") or {},
            protection_percent=_percent((case.elimination or {}).get("facts", {}).get("protection_income_share")),
            may_begin_elimination=may_begin_elimination(role, case.state),
            elimination_offer=elimination_offer,
            elimination_following=elimination_following,
            elimination_awaits_county=elimination_following is EliminationStep.approved and elimination_offer is None,
            elimination_notices=(
                await _village_notices(user, household.village_id, NoticeKind.risk_elimination)
                if elimination_offer is EliminationStep.noticed
                else []
            ),
            guarantees=CHECKLIST,
            measures=measures,
            measure_kinds=list(MeasureKind),
            may_add_measure=can(role, "monitoring_cases.record") and case.state != CaseState.eliminated.value,
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

    @post("/cases/{case_id:int}/elimination", opt={"action": "monitoring_cases.record"})
    async def begin_elimination(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], case_id: PathId
    ) -> Redirect:
        """The home check that begins risk elimination; refused with every reason the rules give."""
        form = await read_form(request, EliminationForm)
        target = f"/console/monitoring/cases/{case_id}"
        texts = texts_for(user)
        try:
            by = _names(form.by)
            if len(set(by)) < 2:
                raise Refused.of(N_("a home check is made by at least two people"), field="by")
            if not 0 <= form.protection_percent <= HUNDRED:
                raise Refused.of(
                    N_("the share of income from social protection is a per cent, from 0 to 100"),
                    field="protection_percent",
                )
            data = EliminationIn(
                on=form.on,
                by=by,
                months_above_line=form.months_above_line,
                rigid_spending_resolved=form.rigid_spending_resolved,
                food=form.food,
                clothing=form.clothing,
                compulsory_education=form.compulsory_education,
                basic_medical_care=form.basic_medical_care,
                safe_housing=form.safe_housing,
                safe_drinking_water=form.safe_drinking_water,
                risk_gone=form.risk_gone,
                protection_income_share=(form.protection_percent / HUNDRED).quantize(Decimal("0.0001")),
                note=form.note,
            )
            await cases.begin_elimination(user.principal, case_id, data)
        except (DomainError, ValueError) as exc:
            return back(target, err=refusal(user, exc))
        return back(target, msg=said(user, "done", texts._("Home check recorded: risk elimination is under way.")))

    @post("/cases/{case_id:int}/elimination/step", opt={"action": "monitoring_cases.record"})
    async def elimination_step(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], case_id: PathId
    ) -> Redirect:
        form = await read_form(request, EliminationStepForm)
        target = f"/console/monitoring/cases/{case_id}"
        texts = texts_for(user)
        try:
            by = _doers(form.by)
            data = EliminationStepIn(step=form.step, on=form.on, by=by, note=form.note, notice_id=form.notice_id)
            out = await cases.record_elimination_step(user.principal, case_id, data)
        except (DomainError, ValueError) as exc:
            return back(target, err=refusal(user, exc))
        if out.eliminated_on is not None:
            done = texts._("The risk is marked eliminated on %(day)s.", day=out.eliminated_on.isoformat())
        else:
            done = texts._("Recorded: %(step)s.", step=texts.term("elimination step", form.step))
        return back(target, msg=said(user, "done", done))

    @get("/rounds", opt={"action": "monitoring_cases.read"})
    async def round_list(
        self,
        user: NamedDependency[ConsoleUser],
        page: Page = 1,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        """The rounds of the caller's county (or region), newest first; an admin opens one."""
        found = await rounds.list_rounds(user.principal, PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE))
        region = user.principal.region_code or ""
        today = date.today()
        return await render(
            user,
            "monitoring_rounds.html",
            rounds=found,
            page=page,
            per_page=PER_PAGE,
            may_open=can(user.principal.role, "monitoring_rounds.manage"),
            default_county=region if len(region) == 6 else "",  # a round is a county's
            this_month=today.strftime("%Y-%m"),
            today=today.isoformat(),
            msg=msg,
            err=err,
        )

    @post("/rounds", opt={"action": "monitoring_rounds.manage"})
    async def open_round(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await read_form(request, RoundForm)
        texts = texts_for(user)
        try:
            data = RoundIn(county_code=form.county_code.strip(), period=form.period.strip(), started_on=form.started_on)
            opened = await rounds.open_round(user.principal, data)
        except (DomainError, ValueError) as exc:
            return back("/console/monitoring/rounds", err=refusal(user, exc))
        return back(
            f"/console/monitoring/rounds/{opened.id}",
            msg=said(
                user,
                "done",
                texts._("Round %(period)s opened: %(due)s households to visit.", period=opened.period, due=opened.due),
            ),
        )

    @get("/rounds/{round_id:int}", opt={"action": "monitoring_cases.read"})
    async def round_page(
        self,
        user: NamedDependency[ConsoleUser],
        round_id: PathId,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        """A round: who was visited and what changed, and (for whoever records visits) the households of the
        caller's reach still to visit, with the form to record a visit."""
        the_round = await rounds.get_round(user.principal, round_id)  # 404 or 403 (another county's) first
        visits = await rounds.list_visits(user.principal, round_id)
        today = date.today()
        visited_cases = await cases.list_cases(
            user.principal,
            PageParams(limit=OPEN_CASES, offset=0),
            as_of=today,
            filters={},
            overdue=None,
            round_id=round_id,
        )
        reachable = await cases.list_cases(
            user.principal,
            PageParams(limit=OPEN_CASES, offset=0),
            as_of=today,
            filters={"c.county_code": the_round.county_code},
            overdue=None,
        )
        visited = {v.case_id for v in visits}
        to_visit = [
            c
            for c in reachable.items
            if c.id not in visited and (c.eliminated_on is None or c.eliminated_on > the_round.started_on)
        ]
        return await render(
            user,
            "monitoring_round.html",
            round=the_round,
            visits=visits,
            registry={c.id: c.registry_no for c in [*visited_cases.items, *reachable.items]},
            to_visit=sorted(to_visit, key=lambda c: c.registry_no),
            reachable_total=reachable.total,
            reachable_shown=len(reachable.items),
            may_visit=can(user.principal.role, "monitoring_cases.record") and the_round.started_on <= today,
            today=today.isoformat(),
            msg=msg,
            err=err,
        )

    @post("/rounds/{round_id:int}/visits", opt={"action": "monitoring_cases.record"})
    async def visit(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], round_id: PathId
    ) -> Redirect:
        form = await read_form(request, VisitForm)
        target = f"/console/monitoring/rounds/{round_id}"
        texts = texts_for(user)
        try:
            by = _doers(form.by)
            data = VisitIn(case_id=form.case_id, visited_on=form.visited_on, by=by, income=form.income, note=form.note)
            await rounds.record_visit(user.principal, round_id, data)
        except (DomainError, ValueError) as exc:
            return back(target, err=refusal(user, exc))
        return back(target, msg=said(user, "done", texts._("Visit recorded.")))

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
