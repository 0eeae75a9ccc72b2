"""The enterprises domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.enterprises.controllers import EnterpriseController

router = Router(path="/api/v1", route_handlers=[EnterpriseController])
