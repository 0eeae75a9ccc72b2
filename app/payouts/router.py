"""The payouts domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.payouts.controllers import PayoutController
from app.payouts.report_controllers import (
    ArrearsController,
    EnterpriseSummaryController,
    HouseholdIncomeController,
)

router = Router(
    path="/api/v1",
    route_handlers=[
        PayoutController,
        HouseholdIncomeController,
        EnterpriseSummaryController,
        ArrearsController,
    ],
)
