from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import PathId, QueryId, provide_page_params
from app.enterprises import service
from app.enterprises.model import EnterpriseKind
from app.enterprises.schemas import EnterpriseCreate, EnterpriseOut


class EnterpriseController(Controller):
    path = "/enterprises"
    tags = ["enterprises"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createEnterprise")
    async def create(self, request: Request, data: JSONBody[EnterpriseCreate]) -> EnterpriseOut:
        """Register an enterprise, cooperative or family farm by its unified social credit code."""
        return await service.create_enterprise(request.user, data)

    @get("/", operation_id="listEnterprises")
    async def list_enterprises(
        self, page: NamedDependency[PageParams], town_id: QueryId = None, kind: FromQuery[EnterpriseKind | None] = None
    ) -> Page[EnterpriseOut]:
        """Enterprises, filtered by town and kind."""
        return await service.list_enterprises(page, town_id=town_id, kind=kind.value if kind else None)

    @get("/{enterprise_id:int}", operation_id="getEnterprise")
    async def get_enterprise(self, enterprise_id: PathId) -> EnterpriseOut:
        """One enterprise."""
        return await service.get_enterprise(enterprise_id)
