"""The app factory: routes, plugins, errors, logs, metrics and the pool's life, in one place."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from app.accounts.authentication import auth_middleware
from app.accounts.router import router as accounts_routes
from app.assets.router import router as assets_routes
from app.audit.router import router as audit_routes
from app.audit.service import start_checkpoints, stop_checkpoints
from app.console.i18n import install as install_console_i18n
from app.console.router import CONSOLE_CSRF, console_router
from app.core.auth import policy_guard
from app.core.database import close_pool, open_pool
from app.core.docs import LocalScalar, LocalSwagger, html_headers, static_files
from app.core.headers import API_HEADERS
from app.core.health import health, ready
from app.core.json_body import ChainAidRequest
from app.core.logs import configure_logging
from app.core.metrics_endpoint import MetricsController, prometheus_config
from app.core.openapi import DecimalTextSchema, document_problems
from app.core.problems import EXCEPTION_HANDLERS
from app.core.replica_cookie import read_your_writes
from app.core.request_log import RequestLog
from app.core.settings import get_settings
from app.core.templates import TEMPLATES
from app.core.validation import decode_decimal_text, is_decimal_text
from app.crosscheck.router import router as crosscheck_routes
from app.crosscheck.service import household_flags
from app.domains import wire_events
from app.enterprises.router import router as enterprises_routes
from app.evaluation.router import router as evaluation_routes
from app.exports.router import router as exports_routes
from app.imports.jobs import mark_interrupted
from app.imports.router import router as imports_routes
from app.industries.router import router as industries_routes
from app.links.router import router as links_routes
from app.monitoring.router import router as monitoring_routes
from app.notices.router import router as notices_routes
from app.pairing.router import router as pairing_routes
from app.payouts.router import router as payouts_routes
from app.regions.router import router as regions_routes
from app.registry.household_service import FlagReader
from app.registry.router import router as registry_routes
from app.sheets.router import router as sheets_routes
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
        regions_routes,
        registry_routes,
        crosscheck_routes,
        links_routes,
        payouts_routes,
        industries_routes,
        enterprises_routes,
        subsidies_routes,
        pairing_routes,
        monitoring_routes,
        notices_routes,
        evaluation_routes,
        assets_routes,
        stats_routes,
        exports_routes,
        sheets_routes,
        imports_routes,
    ],
)

ROUTES: list[ControllerRouterHandler] = [health, API, console_router, static_files]


def provide_household_flags() -> FlagReader:
    """The household detail's cross-check flags come from the cross-check domain, which the registry
    does not import."""
    return household_flags


def create_app() -> Litestar:
    settings = get_settings()
    # the logs are set up here, not by the server that runs the app: the same lines under any ASGI server
    configure_logging(settings.log_format, settings.log_level)
    wire_events()
    # the readiness probe, and Prometheus's scrape target and its per-route middleware unless turned off
    metrics_on = settings.metrics == "on"
    probes: list[ControllerRouterHandler] = [ready, MetricsController] if metrics_on else [ready]
    app = Litestar(
        route_handlers=[*ROUTES, *probes],
        dependencies={"household_flags": Provide(provide_household_flags, sync_to_thread=False)},
        request_class=ChainAidRequest,
        type_decoders=[(is_decimal_text, decode_decimal_text)],
        plugins=[DecimalTextSchema()],
        middleware=[prometheus_config().middleware, html_headers, read_your_writes, auth_middleware]
        if metrics_on
        else [html_headers, read_your_writes, auth_middleware],
        exception_handlers=EXCEPTION_HANDLERS,
        csrf_config=CONSOLE_CSRF,
        # the audit chain's head is checkpointed while the app serves, and once more before the pool closes
        # an import job left running by a process that stopped is failed (its transaction died with it)
        on_startup=[open_pool, start_checkpoints, mark_interrupted],
        on_shutdown=[stop_checkpoints, close_pool],
        openapi_config=OpenAPIConfig(
            title="ChainAid",
            version="0.1.0",
            description="Industry-based poverty relief: links, payouts and subsidies.",
            path="/schema",
            render_plugins=[LocalScalar(path="/"), LocalSwagger(path="/swagger")],  # assets in app/static/docs
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
        logging_config=None,  # app.core.logs configures the standard library's logging itself
    )
    # Around routing and the exception handlers, so that every answer (a 404 for an unknown path, a 500)
    # carries its request id and gets its access line.
    app.asgi_handler = RequestLog(app.asgi_handler)
    document_problems(app)
    return app
