from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import provide_page_params
from app.regions import service
from app.regions.model import Level
from app.regions.schemas import RegionCreate, RegionOut


class RegionController(Controller):
    path = "/regions"
    tags = ["regions"]
    dependencies = {"page": Provide(provide_page_params)}

    @get("/", operation_id="listRegions")
    async def list_regions(
        self,
        page: NamedDependency[PageParams],
        level: FromQuery[Level | None] = None,
        parent: FromQuery[str | None] = None,
        prefix: FromQuery[str | None] = None,
    ) -> Page[RegionOut]:
        """Regions by code; ``level`` (province, city, county, town, village), ``parent`` (the parent's
        code) and ``prefix`` (every region whose code starts so, e.g. ``4290``) narrow the list."""
        return await service.list_regions(page, level=level, parent=parent, prefix=prefix)

    @get("/{region_code:str}", operation_id="getRegion")
    async def get_region(self, region_code: FromPath[str]) -> RegionOut:
        """One region, by its national division code (``42``, ``429005``, ...)."""
        return await service.get_region(region_code)

    @post("/", operation_id="createRegion")
    async def create(self, request: Request, data: JSONBody[RegionCreate]) -> RegionOut:
        """Add a region, e.g. ``{"code": "429005", "name": "潜江市"}``: the level comes from the code's length,
        the parent from ``parent_code`` or, left out, from the code's prefix (a county hangs from its
        city when listed, otherwise directly from its province)."""
        return await service.create_region(request.user, data)
