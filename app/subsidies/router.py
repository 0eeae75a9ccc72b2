"""The subsidies domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.subsidies.controllers import SubsidyClaimController, SubsidySchemeController
from app.subsidies.payment_controllers import PaymentBatchController, VoucherController

router = Router(
    path="/api/v1",
    route_handlers=[SubsidySchemeController, SubsidyClaimController, VoucherController, PaymentBatchController],
)
