"""The crosscheck domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.crosscheck.controllers import CrossCheckController

router = Router(path="/api/v1", route_handlers=[CrossCheckController])
