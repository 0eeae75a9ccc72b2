"""The imports domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.imports.controllers import ImportController

router = Router(path="/api/v1", route_handlers=[ImportController])
