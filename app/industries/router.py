"""The industries domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.industries.controllers import IndustryController

router = Router(path="/api/v1", route_handlers=[IndustryController])
