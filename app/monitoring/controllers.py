from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter

from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.core.validation import check_year
from app.monitoring import cases, lines, rounds, service
from app.monitoring.case_rules import Category, Step
from app.monitoring.model import CaseState
from app.monitoring.schemas import (
    AssessmentIn,
    AssessmentOut,
    CaseIn,
    CaseOut,
    CaseProposal,
    EliminationIn,
    EliminationStepIn,
    HardshipIn,
    HardshipOut,
    MeasureIn,
    MeasureOut,
    MonitoringEntry,
    MonitoringLineIn,
    MonitoringLineOut,
    MonitoringOverview,
    RevisitIn,
    RevisitOut,
    RoundIn,
    RoundOut,
    StepIn,
    VisitIn,
    VisitOut,
)


class HouseholdMonitoringController(Controller):
    path = "/households/{household_id:int}"
    tags = ["monitoring"]

    @post("/assessments", operation_id="assessHousehold")
    async def assess(self, request: Request, household_id: PathId, data: JSONBody[AssessmentIn]) -> AssessmentOut:
        """The year's exit test (一有两不愁四保障): six guarantees, each met or not with a note, and per-capita
        income from the ledger plus declared other net income against the poverty line. A household is
        marked exited only with a passing assessment for its exit year."""
        return await service.assess(request.user, household_id, data)

    @get("/assessments", operation_id="listAssessments")
    async def list_assessments(self, request: Request, household_id: PathId) -> list[AssessmentOut]:
        """The household's exit assessments, oldest first."""
        return await service.list_assessments(request.user, household_id)

    @post("/hardships", operation_id="recordHardship")
    async def hardship(self, request: Request, household_id: PathId, data: JSONBody[HardshipIn]) -> HardshipOut:
        """Record an illness, disaster, accident or other hardship; it puts the household on the monitoring list."""
        return await service.record_hardship(request.user, household_id, data)

    @post("/revisits", operation_id="recordRevisit")
    async def revisit(self, request: Request, household_id: PathId, data: JSONBody[RevisitIn]) -> RevisitOut:
        """Record a revisit answering a monitoring entry; the outcome ``returned`` marks an exited household
        as returned to poverty (返贫)."""
        return await service.record_revisit(request.user, household_id, data)


class MonitoringController(Controller):
    path = "/monitoring"
    tags = ["monitoring"]
    dependencies = {"page": Provide(provide_page_params)}

    @get("/", operation_id="listMonitoring")
    async def monitoring(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        year: Annotated[int, QueryParameter(description="calendar year, from the earliest day's year to this year")],
        open_only: FromQuery[bool] = True,
    ) -> Page[MonitoringEntry]:
        """Households to revisit for ``year``: exited ones earning under the watch line, recorded hardships,
        and links that ended for exited households; each with its revisit due date and last revisit."""
        check_year("year", year)
        return await service.monitoring(request.user, page, year=year, open_only=open_only)


class MonitoringLineController(Controller):
    path = "/monitoring-lines"
    tags = ["monitoring"]

    @get("/", operation_id="listMonitoringLines")
    async def list_lines(
        self,
        region: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2}([0-9]{2}([0-9]{2})?)?$")] = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> list[MonitoringLineOut]:
        """The monitoring lines set: each province's, and each county's own where its province delegates the
        line. ``region`` narrows to a province, city or county (with the province above it)."""
        return await lines.list_monitoring_lines(region, year)

    @put("/{region_code:str}/{year:int}", operation_id="setMonitoringLine")
    async def set_line(
        self,
        request: Request,
        region_code: Annotated[str, PathParameter(pattern=r"^[0-9]{2}([0-9]{4})?$")],
        year: Annotated[int, PathParameter(ge=2000, le=2100)],
        data: JSONBody[MonitoringLineIn],
    ) -> MonitoringLineOut:
        """Set a province's (2 digits) or a county's (6 digits) monitoring line for a year: the per-capita net
        income a year under which a household is monitored for (return to) poverty."""
        return await lines.set_monitoring_line(request.user, region_code, year, data)


class MonitoringCaseController(Controller):
    path = "/monitoring-cases"
    tags = ["monitoring"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="openMonitoringCase")
    async def open_case(self, request: Request, data: JSONBody[CaseIn]) -> CaseOut:
        """Take a household in for monitoring on its application, a cadre's visit, a department's warning or
        the exited-household watch: its per-capita income, rigid spending and (for a sharp fall) last year's
        income for the year, against the county's monitoring line; the category follows (脱贫不稳定户 for an
        exited household under the line, 突发严重困难户 when rigid spending or a sharp fall puts it at risk).
        Refused (422) when the household does not qualify, naming why."""
        return await cases.open_case(request.user, data)

    @post("/{case_id:int}/steps", operation_id="recordMonitoringCaseStep")
    async def record_step(self, request: Request, case_id: PathId, data: JSONBody[StepIn]) -> CaseOut:
        """The case's next identification step, dated and by whom: surveyed (two people at least), data
        checked, village reviewed, noticed (at least five days after the review), town reviewed, approved (the
        county: an admin), announced."""
        return await cases.record_step(request.user, case_id, data)

    @post("/{case_id:int}/measures", operation_id="addMonitoringMeasure")
    async def add_measure(self, request: Request, case_id: PathId, data: JSONBody[MeasureIn]) -> MeasureOut:
        """An assistance measure: its kind (industry, employment, training for a household with labour; dibao,
        tekun, temporary or medical assistance without; education, housing, water where a guarantee is at
        risk), from when, the officer responsible, and the amount where there is one."""
        return await cases.add_measure(request.user, case_id, data)

    @get("/{case_id:int}/measures", operation_id="listMonitoringMeasures")
    async def list_measures(self, request: Request, case_id: PathId) -> list[MeasureOut]:
        """The case's assistance measures, oldest first."""
        return await cases.list_measures(request.user, case_id)

    @post("/{case_id:int}/elimination", operation_id="beginRiskElimination")
    async def begin_elimination(self, request: Request, case_id: PathId, data: JSONBody[EliminationIn]) -> CaseOut:
        """Begin risk elimination (风险消除) with the home check's findings: income above the monitoring line for
        at least six months, the rigid spending resolved, 两不愁三保障 and safe water secured, the risk gone.
        Refused (422, every reason in ``reasons``) otherwise; a household without labour whose income rests on
        social protection is never cleared: it stays monitored."""
        return await cases.begin_elimination(request.user, case_id, data)

    @post("/{case_id:int}/elimination/steps", operation_id="recordRiskEliminationStep")
    async def elimination_step(self, request: Request, case_id: PathId, data: JSONBody[EliminationStepIn]) -> CaseOut:
        """The next risk-elimination step: village reviewed, noticed (at least five days after the review),
        town reviewed, approved (the county: an admin), which marks the risk eliminated."""
        return await cases.record_elimination_step(request.user, case_id, data)

    @get("/proposals", operation_id="listMonitoringProposals")
    async def proposals(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        year: Annotated[int, QueryParameter(ge=2000, le=2100)],
    ) -> Page[CaseProposal]:
        """The watch: exited households whose per-capita income of ``year`` is under their county's monitoring
        line and that have no open case, for a cadre to confirm by opening one (channel ``watch``)."""
        return await cases.proposals(request.user, page, year)

    @get("/", operation_id="listMonitoringCases")
    async def list_cases(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        category: FromQuery[Category | None] = None,
        step: FromQuery[Step | None] = None,
        case_state: Annotated[CaseState | None, QueryParameter(name="state")] = None,
        town_id: Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)] = None,
        overdue: FromQuery[bool | None] = None,
        as_of: FromQuery[date | None] = None,
        round_id: Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)] = None,
    ) -> Page[CaseOut]:
        """Monitoring cases by category, last step, state and town; ``overdue=true``: those whose next step is
        past its due day on ``as_of`` (default today), with the days overdue; ``round_id``: those visited in that
        round."""
        filters = {
            "c.category": category.value if category else None,
            "c.step": step.value if step else None,
            "c.state": case_state.value if case_state else None,
            "v.town": town_id,
        }
        return await cases.list_cases(
            request.user, page, as_of=as_of or date.today(), filters=filters, overdue=overdue, round_id=round_id
        )


class MonitoringOverviewController(Controller):
    path = "/monitoring-overview"
    tags = ["monitoring"]

    @get("/", operation_id="getMonitoringOverview")
    async def overview(
        self,
        request: Request,
        as_of: FromQuery[date | None] = None,
        region: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2}([0-9]{2}([0-9]{2})?)?$")] = None,
    ) -> MonitoringOverview:
        """Monitoring per town on a day (default today): cases by category, in identification, monitored,
        eliminated, overdue, returned, and the households assisted by kind of measure; the sum of the towns.
        The caller's region (a town officer's town), or ``region`` within it."""
        return await cases.monitoring_overview(request.user, as_of or date.today(), region)


class MonitoringRoundController(Controller):
    path = "/monitoring-rounds"
    tags = ["monitoring"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="openMonitoringRound")
    async def open_round(self, request: Request, data: JSONBody[RoundIn]) -> RoundOut:
        """Open a county's monitoring round for a month: the households to visit are the cases open on its
        first day."""
        return await rounds.open_round(request.user, data)

    @get("/", operation_id="listMonitoringRounds")
    async def list_rounds(self, request: Request, page: NamedDependency[PageParams]) -> Page[RoundOut]:
        """The rounds of the caller's region, newest first, each with the households due and visited."""
        return await rounds.list_rounds(request.user, page)

    @post("/{round_id:int}/visits", operation_id="recordMonitoringVisit")
    async def record_visit(self, request: Request, round_id: PathId, data: JSONBody[VisitIn]) -> VisitOut:
        """A household visited in the round: when, by whom, the income found, what changed (one visit a case a
        round)."""
        return await rounds.record_visit(request.user, round_id, data)

    @get("/{round_id:int}/visits", operation_id="listMonitoringVisits")
    async def list_visits(self, request: Request, round_id: PathId) -> list[VisitOut]:
        """The round's visits (a town officer's, its town's)."""
        return await rounds.list_visits(request.user, round_id)
