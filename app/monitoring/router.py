"""The monitoring domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.monitoring.controllers import (
    HouseholdMonitoringController,
    MonitoringCaseController,
    MonitoringController,
    MonitoringLineController,
    MonitoringOverviewController,
    MonitoringRoundController,
)

router = Router(
    path="/api/v1",
    route_handlers=[
        HouseholdMonitoringController,
        MonitoringController,
        MonitoringLineController,
        MonitoringCaseController,
        MonitoringOverviewController,
        MonitoringRoundController,
    ],
)
