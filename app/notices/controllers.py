from __future__ import annotations

from litestar import Controller, MediaType, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody
from litestar.response import Template

from app.core.pagination import Page, PageParams
from app.core.params import PathId, QueryId, provide_page_params
from app.notices import printing, service
from app.notices.model import NoticeKind, Standing
from app.notices.schemas import (
    NoticeCreate,
    NoticeDetail,
    NoticeFilter,
    NoticeOut,
    ObjectionIn,
    ObjectionOut,
    ObjectionResolve,
)


class NoticeController(Controller):
    path = "/notices"
    tags = ["notices"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createNotice")
    async def create(self, request: Request, data: JSONBody[NoticeCreate]) -> NoticeDetail:
        """Open a public notice (公示) of a village's households: identification, monitoring intake or risk
        elimination (a scheme's claims are put on notice from the scheme). Shorter than its kind's least
        days: 422."""
        return await service.create_notice(request.user, data)

    @get("/", operation_id="listNotices")
    async def list_notices(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        kind: FromQuery[NoticeKind | None] = None,
        village_id: QueryId = None,
        town_id: QueryId = None,
        scheme_id: QueryId = None,
        standing: FromQuery[Standing | None] = None,
        open_objections: FromQuery[bool | None] = None,
    ) -> Page[NoticeOut]:
        """Notices, newest first; a town officer sees its town's."""
        f = NoticeFilter(
            kind=kind,
            village_id=village_id,
            town_id=town_id,
            scheme_id=scheme_id,
            standing=standing,
            open_objections=open_objections,
        )
        return await service.list_notices(request.user, page, f)

    @get("/{notice_id:int}", operation_id="getNotice")
    async def get_notice(self, request: Request, notice_id: PathId) -> NoticeDetail:
        """A notice with its households and its objections."""
        return await service.get_notice(request.user, notice_id)

    @get("/{notice_id:int}/print", operation_id="printNotice", media_type=MediaType.HTML)
    async def print_page(self, request: Request, notice_id: PathId) -> Template:
        """The notice as an A4 page to post in the village: heads' names partly hidden (张*明), the facts its
        kind publishes, never an ID number, a phone, a bank card or a health detail; its number as a
        barcode for objections."""
        notice, places = await service.printable(request.user, notice_id)
        return Template(template_name="notice_print.html", context=printing.print_context(notice, places))

    @post("/{notice_id:int}/objections", operation_id="raiseNoticeObjection")
    async def raise_objection(self, request: Request, notice_id: PathId, data: JSONBody[ObjectionIn]) -> ObjectionOut:
        """Record an objection raised while the notice stood; a scheme's claims on it wait until it is resolved."""
        return await service.raise_objection(request.user, notice_id, data)

    @post(
        "/{notice_id:int}/objections/{notice_objection_id:int}/resolve",
        operation_id="resolveNoticeObjection",
        status_code=200,
    )
    async def resolve_objection(
        self, request: Request, notice_id: PathId, notice_objection_id: PathId, data: JSONBody[ObjectionResolve]
    ) -> ObjectionOut:
        """Resolve an objection with a note of what was found and done."""
        return await service.resolve_objection(request.user, notice_id, notice_objection_id, data)
