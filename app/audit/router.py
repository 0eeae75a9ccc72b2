"""The audit domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.audit.controllers import AuditController

router = Router(path="/api/v1", route_handlers=[AuditController])
