"""The sheets domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.sheets.controllers import ImportTemplateController

router = Router(path="/api/v1", route_handlers=[ImportTemplateController])
