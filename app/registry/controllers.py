from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from app.auth import Role, any_role, requires
from app.pagination import Page, PageParams, provide_page_params
from app.registry import service
from app.registry.schemas import TownCreate, TownOut


class TownController(Controller):
    path = "/api/v1/towns"
    tags = ["registry"]
    guards = [any_role]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createTown", guards=[requires(Role.admin)])
    async def create(self, request: Request, data: JSONBody[TownCreate]) -> TownOut:
        """Add a town (区镇处)."""
        return await service.create_town(request.user, data)

    @get("/", operation_id="listTowns")
    async def list_towns(self, page: NamedDependency[PageParams]) -> Page[TownOut]:
        """Towns by name."""
        return await service.list_towns(page)

    @get("/{town_id:int}", operation_id="getTown")
    async def get_town(self, town_id: FromPath[int]) -> TownOut:
        """One town."""
        return await service.get_town(town_id)
