from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, PathParameter

from app.core.pagination import Page, PageParams
from app.core.params import PathId, QueryId, provide_page_params
from app.core.validation import check_year
from app.registry import poverty_lines, service
from app.registry.schemas import (
    PovertyLineIn,
    PovertyLineOut,
    TownCreate,
    TownOut,
    VillageCreate,
    VillageExit,
    VillageListing,
    VillageOut,
    VillageUpdate,
)


class TownController(Controller):
    path = "/towns"
    tags = ["registry"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createTown")
    async def create(self, request: Request, data: JSONBody[TownCreate]) -> TownOut:
        """Add a town (区镇处)."""
        return await service.create_town(request.user, data)

    @get("/", operation_id="listTowns")
    async def list_towns(self, request: Request, page: NamedDependency[PageParams]) -> Page[TownOut]:
        """Towns by name (a region's accounts: those of their region)."""
        return await service.list_towns(request.user, page)

    @get("/{town_id:int}", operation_id="getTown")
    async def get_town(self, town_id: PathId) -> TownOut:
        """One town."""
        return await service.get_town(town_id)


class VillageController(Controller):
    path = "/villages"
    tags = ["registry"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createVillage")
    async def create(self, request: Request, data: JSONBody[VillageCreate]) -> VillageOut:
        """Add a village; a registered poor village (贫困村) carries its registration year."""
        return await service.create_village(request.user, data)

    @get("/", operation_id="listVillages")
    async def list_villages(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        town_id: QueryId = None,
        poor: FromQuery[bool | None] = None,
        exited: FromQuery[bool | None] = None,
    ) -> Page[VillageOut]:
        """Villages by town and name; ``poor`` and ``exited`` filter the poor list (a region's accounts: those of
        their region)."""
        return await service.list_villages(request.user, page, town_id=town_id, poor=poor, exited=exited)

    @get("/{village_id:int}", operation_id="getVillage")
    async def get_village(self, village_id: PathId) -> VillageOut:
        """One village."""
        return await service.get_village(village_id)

    @patch("/{village_id:int}", operation_id="updateVillage")
    async def update(self, request: Request, village_id: PathId, data: JSONBody[VillageUpdate]) -> VillageOut:
        """Rename a village or record its rural population."""
        return await service.update_village(request.user, village_id, data)

    @post("/{village_id:int}/poor-listing", operation_id="listPoorVillage", status_code=200)
    async def list_as_poor(self, request: Request, village_id: PathId, data: JSONBody[VillageListing]) -> VillageOut:
        """Put a village on the poor list; a village that has exited can never be listed again (409)."""
        return await service.list_as_poor_village(request.user, village_id, data)

    @post("/{village_id:int}/exit", operation_id="exitPoorVillage", status_code=200)
    async def exit(self, request: Request, village_id: PathId, data: JSONBody[VillageExit]) -> VillageOut:
        """Take a poor village off the list (出列) in the given year."""
        return await service.exit_village(request.user, village_id, data)


class PovertyLineController(Controller):
    path = "/poverty-lines"
    tags = ["registry"]

    @get("/", operation_id="listPovertyLines")
    async def list_lines(self) -> list[PovertyLineOut]:
        """The poverty line of each year, per person."""
        return await poverty_lines.list_poverty_lines()

    @put("/{year:int}", operation_id="setPovertyLine")
    async def set_line(
        self, request: Request, year: Annotated[int, PathParameter(ge=1, le=9999)], data: JSONBody[PovertyLineIn]
    ) -> PovertyLineOut:
        """Set a year's poverty line."""
        check_year("year", year, planned=True)
        return await poverty_lines.set_poverty_line(request.user, year, data)
