"""The stats domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.stats.controllers import StatsController

router = Router(path="/api/v1", route_handlers=[StatsController])
