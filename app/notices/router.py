"""The notices domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.notices.controllers import NoticeController

router = Router(path="/api/v1", route_handlers=[NoticeController])
