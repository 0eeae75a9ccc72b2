"""The app factory: routes, plugins, errors and the pool's life, in one place."""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from app.accounts.authentication import auth_middleware
from app.accounts.controllers import AccountController, MeController
from app.audit.controllers import AuditController
from app.console.i18n import install as install_console_i18n
from app.console.router import CONSOLE_CSRF, console_router
from app.core.auth import policy_guard
from app.core.database import close_pool, open_pool
from app.core.health import health
from app.core.json_body import ChainAidRequest
from app.core.openapi import document_problems
from app.core.problems import EXCEPTION_HANDLERS
from app.core.templates import TEMPLATES
from app.crosscheck.controllers import CrossCheckController
from app.crosscheck.service import household_flags
from app.domains import wire_events
from app.enterprises.controllers import EnterpriseController
from app.exports.controllers import ExportController
from app.industries.controllers import IndustryController
from app.links.controllers import BaseController, LinkController
from app.monitoring.controllers import (
    HouseholdMonitoringController,
    MonitoringController,
)
from app.pairing.controllers import PairingController, SupportController
from app.payouts.controllers import PayoutController
from app.payouts.report_controllers import (
    ArrearsController,
    EnterpriseSummaryController,
    HouseholdIncomeController,
    PovertyLineController,
)
from app.registry.controllers import TownController, VillageController
from app.registry.household_controllers import (
    HouseholdController,
    MemberController,
    ObjectionController,
)
from app.registry.household_service import FlagReader
from app.stats.controllers import StatsController
from app.subsidies.controllers import SubsidyClaimController, SubsidySchemeController
from app.subsidies.payment_controllers import (
    PaymentBatchController,
    VoucherController,
)

# Every API route, behind the one guard: the access policy (app/core/access.py) names who may call
# each operation, and an operation it does not name is refused.
API = Router(
    path="/",
    guards=[policy_guard],
    route_handlers=[
        MeController,
        AccountController,
        AuditController,
        TownController,
        VillageController,
        HouseholdController,
        ObjectionController,
        MemberController,
        CrossCheckController,
        BaseController,
        LinkController,
        PayoutController,
        HouseholdIncomeController,
        EnterpriseSummaryController,
        ArrearsController,
        PovertyLineController,
        IndustryController,
        EnterpriseController,
        SubsidySchemeController,
        SubsidyClaimController,
        VoucherController,
        PaymentBatchController,
        PairingController,
        SupportController,
        HouseholdMonitoringController,
        MonitoringController,
        StatsController,
        ExportController,
    ],
)

ROUTES: list[ControllerRouterHandler] = [health, API, console_router]


def provide_household_flags() -> FlagReader:
    """The household detail's cross-check flags come from the cross-check domain, which the registry
    does not import."""
    return household_flags


def create_app() -> Litestar:
    wire_events()
    app = Litestar(
        route_handlers=ROUTES,
        dependencies={"household_flags": Provide(provide_household_flags, sync_to_thread=False)},
        request_class=ChainAidRequest,
        middleware=[auth_middleware],
        exception_handlers=EXCEPTION_HANDLERS,
        csrf_config=CONSOLE_CSRF,
        on_startup=[open_pool],
        on_shutdown=[close_pool],
        openapi_config=OpenAPIConfig(
            title="ChainAid",
            version="0.1.0",
            description="Industry-based poverty relief: links, payouts and subsidies.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(path="/"), SwaggerRenderPlugin(path="/swagger")],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", description="an account token")
                }
            ),
            security=[{"bearer": []}],
        ),
        template_config=TemplateConfig(
            directory=TEMPLATES,
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: install_console_i18n(engine.engine),
        ),
        logging_config=None,
    )
    document_problems(app)
    return app


logging.getLogger("app").setLevel(logging.INFO)
