"""The exports domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.exports.controllers import ExportController, PaymentListController

router = Router(path="/api/v1", route_handlers=[ExportController, PaymentListController])
