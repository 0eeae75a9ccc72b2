from __future__ import annotations

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import provide_page_params
from app.regions import service
from app.regions.model import Level
from app.regions.schemas import CountyPolicyIn, CountyPolicyOut, RegionCreate, RegionOut


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

    @get("/{region_code:str}/policy", operation_id="getCountyPolicy")
    async def get_policy(self, region_code: FromPath[str]) -> CountyPolicyOut:
        """A county's own policy (null: the setting applies) and the policy in effect there."""
        return await service.get_county_policy(region_code)

    @put("/{region_code:str}/policy", operation_id="setCountyPolicy")
    async def set_policy(
        self, request: Request, region_code: FromPath[str], data: JSONBody[CountyPolicyIn]
    ) -> CountyPolicyOut:
        """Set a county's policy, whole, e.g. ``{"notice_days": 10, "continuation_years": 3}``: continuation
        years (0-20), notice days (1-90), exit incidence (above 0, at most 1) and the least households an
        operator must bring along in a year (``min_linked_households``, 0-100,000; the linkage evaluation flags
        one with fewer), and its project assets' supervision: months without income before an asset in use is
        idle (``asset_idle_months``, 1-120), days to distribute an income (``asset_distribution_days``, 1-365),
        days of grace after a year before its income short of the promise is in arrears
        (``asset_arrears_grace_days``, 0-365); a value left out is the deployment's setting."""
        return await service.set_county_policy(request.user, region_code, data)
