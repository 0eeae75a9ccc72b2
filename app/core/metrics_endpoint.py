"""``/metrics`` for Prometheus, through Litestar's Prometheus support.

Litestar's middleware counts requests and times them per route template (``path`` is
``/api/v1/households/{household_id}``, never the raw path: one series per route, not one per household);
``app.core.metrics`` adds the pool gauges and the payout and approval counters.

The figures hold no personal data (counts, latencies, pool sizes), so the endpoint is public by default,
like ``/health``, and meant to be reached from the monitoring network only: bind or firewall it there, set
``CHAINAID_METRICS_TOKEN`` to ask Prometheus for a bearer token (its ``authorization`` setting), or turn it
off with ``CHAINAID_METRICS=off``.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController, PrometheusMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from app.core.metrics import POOL_COLLECTOR
from app.core.settings import get_settings

PATH = "/metrics"


_SPAN: ContextVar[dict[str, float] | None] = ContextVar("chainaid_metrics_span", default=None)


class RouteMetrics(PrometheusMiddleware):
    """Litestar's Prometheus middleware, counting a refusal raised by a middleware inside it with its status.

    The token check's 401 and the CSRF check's 403 are raised, not answered, and Litestar turns them into an
    answer outside this middleware, which would count them as 200s; here the exception's status is noted on
    the way out instead.
    """

    def __init__(self, app: ASGIApp, config: PrometheusConfig) -> None:
        super().__init__(app=_noting_refusals(app), config=config)

    def _get_wrapped_send(self, send: Send, request_span: dict[str, float]) -> Callable[..., Any]:
        _SPAN.set(request_span)  # the request's measurements, for the refusal to be noted in
        return super()._get_wrapped_send(send, request_span)


def _noting_refusals(app: ASGIApp) -> ASGIApp:
    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            span = _SPAN.get()
            if span is not None and not span.get("end_time"):
                span["status_code"] = exc.status_code if isinstance(exc, HTTPException) else 500
                span["duration"] = time.perf_counter() - span["start_time"]
            raise

    return call


def prometheus_config() -> PrometheusConfig:
    """Request counts, latencies and requests in flight, labelled by route template, method and status."""
    return PrometheusConfig(
        app_name="chainaid",
        prefix="chainaid_http",
        group_path=True,
        exclude=[f"^{PATH}$"],
        middleware_class=RouteMetrics,
    )


def _registry() -> CollectorRegistry:
    # several workers (PROMETHEUS_MULTIPROC_DIR set before start): the counters of all of them, summed, and
    # the pool of the worker that answers
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(POOL_COLLECTOR)
        return registry
    return REGISTRY


class MetricsController(PrometheusController):
    """Prometheus's scrape target, in its text format; outside the API and its policy, like ``/health``."""

    path = PATH
    include_in_schema = False

    @get(operation_id="metrics", exclude_from_auth=True)
    async def get(self, request: Request) -> Response:
        """The app's figures in Prometheus's text format (a bearer token when CHAINAID_METRICS_TOKEN is set)."""
        token = get_settings().metrics_token
        if token is not None:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
                raise NotAuthorizedException("the metrics need their token", headers={"WWW-Authenticate": "Bearer"})
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
