from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import PathId, QueryId, provide_page_params
from app.core.validation import check_year
from app.pairing import service
from app.pairing.dependencies import provide_support_filter
from app.pairing.schemas import (
    PairingCreate,
    PairingEnd,
    PairingOut,
    ProgrammeReport,
    SupportFilter,
    SupportIn,
    SupportOut,
)


class PairingController(Controller):
    path = "/pairings"
    tags = ["pairing"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createPairing")
    async def create(self, request: Request, data: JSONBody[PairingCreate]) -> PairingOut:
        """Pair an enterprise with a village (千企帮千村); the mode is derived from the other pairings."""
        return await service.create_pairing(request.user, data)

    @get("/", operation_id="listPairings")
    async def list_pairings(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        enterprise_id: QueryId = None,
        village_id: QueryId = None,
        in_force: FromQuery[bool | None] = None,
    ) -> Page[PairingOut]:
        """Pairings with their derived mode; operators see their enterprise's."""
        return await service.list_pairings(
            request.user, page, enterprise_id=enterprise_id, village_id=village_id, in_force=in_force
        )

    @post("/{pairing_id:int}/end", operation_id="endPairing", status_code=200)
    async def end(self, request: Request, pairing_id: PathId, data: JSONBody[PairingEnd]) -> PairingOut:
        """Set or bring forward the day a pairing ends."""
        return await service.end_pairing(request.user, pairing_id, data)

    @get("/report", operation_id="pairingProgrammeReport")
    async def report(self, request: Request, year: FromQuery[int | None] = None) -> ProgrammeReport:
        """The programme: enterprises and villages paired, poor villages without a pairing, and support by
        kind and year per enterprise and per village."""
        check_year("year", year, planned=True)
        return await service.programme_report(request.user, year)


class SupportController(Controller):
    path = "/support-records"
    tags = ["pairing"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_support_filter)}

    @post(
        "/",
        operation_id="recordSupport",
        responses={200: ResponseSpec(data_container=SupportOut, description="the first record, sent again")},
    )
    async def record(self, request: Request, data: JSONBody[SupportIn]) -> Response[SupportOut]:
        """Log support given to a paired village (422 when not paired on that day).

        Retry-safe by ``reference``: the same body again returns the first record (200); another body, 409.
        """
        record, created = await service.record_support(request.user, data)
        return Response(record, status_code=201 if created else 200)

    @get("/", operation_id="listSupportRecords")
    async def list_support(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[SupportFilter]
    ) -> Page[SupportOut]:
        """Support records; operators see their enterprise's."""
        return await service.list_support(request.user, page, **filters.as_kwargs())
