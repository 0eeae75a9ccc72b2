"""The accounts domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.accounts.controllers import AccountController, MeController

router = Router(path="/api/v1", route_handlers=[MeController, AccountController])
