from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter

from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.core.validation import check_year
from app.monitoring import lines, service
from app.monitoring.schemas import (
    AssessmentIn,
    AssessmentOut,
    HardshipIn,
    HardshipOut,
    MonitoringEntry,
    MonitoringLineIn,
    MonitoringLineOut,
    RevisitIn,
    RevisitOut,
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
