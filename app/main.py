"""The app factory: routes, plugins, errors and the pool's life, in one place."""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from app.accounts.authentication import auth_middleware
from app.accounts.router import router as accounts_routes
from app.audit.router import router as audit_routes
from app.console.i18n import install as install_console_i18n
from app.console.router import CONSOLE_CSRF, console_router
from app.core.auth import policy_guard
from app.core.database import close_pool, open_pool
from app.core.headers import API_HEADERS
from app.core.health import health
from app.core.json_body import ChainAidRequest
from app.core.openapi import DecimalTextSchema, document_problems
from app.core.problems import EXCEPTION_HANDLERS
from app.core.templates import TEMPLATES
from app.core.validation import decode_decimal_text, is_decimal_text
from app.crosscheck.router import router as crosscheck_routes
from app.crosscheck.service import household_flags
from app.domains import wire_events
from app.enterprises.router import router as enterprises_routes
from app.exports.router import router as exports_routes
from app.industries.router import router as industries_routes
from app.links.router import router as links_routes
from app.monitoring.router import router as monitoring_routes
from app.pairing.router import router as pairing_routes
from app.payouts.router import router as payouts_routes
from app.registry.household_service import FlagReader
from app.registry.router import router as registry_routes
from app.stats.router import router as stats_routes
from app.subsidies.router import router as subsidies_routes

# Every API route, behind the one guard: the access policy (app/core/access.py) names who may call
# each operation, and an operation it does not name is refused.
API = Router(
    path="/",
    guards=[policy_guard],
    response_headers=[ResponseHeader(name=name, value=value) for name, value in API_HEADERS.items()],
    route_handlers=[
        accounts_routes,
        audit_routes,
        registry_routes,
        crosscheck_routes,
        links_routes,
        payouts_routes,
        industries_routes,
        enterprises_routes,
        subsidies_routes,
        pairing_routes,
        monitoring_routes,
        stats_routes,
        exports_routes,
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
        type_decoders=[(is_decimal_text, decode_decimal_text)],
        plugins=[DecimalTextSchema()],
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
