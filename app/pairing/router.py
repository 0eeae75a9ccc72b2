"""The pairing domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.pairing.controllers import PairingController, SupportController

router = Router(path="/api/v1", route_handlers=[PairingController, SupportController])
