"""The regions domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.regions.controllers import RegionController

router = Router(path="/api/v1", route_handlers=[RegionController])
