"""The links domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.links.controllers import BaseController, LinkController

router = Router(path="/api/v1", route_handlers=[BaseController, LinkController])
