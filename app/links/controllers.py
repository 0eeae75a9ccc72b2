from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import PathId, QueryId, provide_page_params
from app.links import service
from app.links.dependencies import provide_link_filter
from app.links.schemas import BaseCreate, BaseOut, LinkCreate, LinkEnd, LinkFilter, LinkOut


class BaseController(Controller):
    path = "/bases"
    tags = ["links"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createBase")
    async def create(self, request: Request, data: JSONBody[BaseCreate]) -> BaseOut:
        """Register a production base (基地) of an enterprise, in a village, for one of its industries."""
        return await service.create_base(request.user, data)

    @get("/", operation_id="listBases")
    async def list_bases(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        enterprise_id: QueryId = None,
        village_id: QueryId = None,
    ) -> Page[BaseOut]:
        """Bases; operators see their own enterprise's."""
        return await service.list_bases(request.user, page, enterprise_id=enterprise_id, village_id=village_id)

    @get("/{base_id:int}", operation_id="getBase")
    async def get_base(self, request: Request, base_id: PathId) -> BaseOut:
        """One base."""
        return await service.get_base(request.user, base_id)


class LinkController(Controller):
    path = "/links"
    tags = ["links"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_link_filter)}

    @post("/", operation_id="createLink")
    async def create(self, request: Request, data: JSONBody[LinkCreate]) -> LinkOut:
        """Link a registered household to an enterprise's base (利益联结), with the terms of its kind.

        Refused (422) for a household not registered, removed, or exited beyond the policy continuation
        period, and for a base of another enterprise; an overlapping link of the same kind is a 409.
        """
        return await service.create_link(request.user, data)

    @get("/", operation_id="listLinks")
    async def list_links(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[LinkFilter]
    ) -> Page[LinkOut]:
        """Links the caller may see: operators their enterprise's, town officers their town's."""
        return await service.list_links(request.user, page, filters)

    @get("/{link_id:int}", operation_id="getLink")
    async def get_link(self, request: Request, link_id: PathId) -> LinkOut:
        """One link with its terms."""
        return await service.get_link(request.user, link_id)

    @post("/{link_id:int}/end", operation_id="endLink", status_code=200)
    async def end(self, request: Request, link_id: PathId, data: JSONBody[LinkEnd]) -> LinkOut:
        """Set or bring forward the day a link ends."""
        return await service.end_link(request.user, link_id, data)
