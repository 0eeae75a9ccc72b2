"""The API docs pages and the HTML pages' headers: docs served with their assets from this server.

``/schema`` (Scalar) and ``/schema/swagger`` (Swagger UI) load their scripts and styles from
``/static/docs`` (files vendored from npm, versions in ``app/static/docs/README.md``), so they work
offline and load nothing from a CDN; they run no inline script, so the pages' CSP allows this server's
scripts only. ``html_headers`` puts the HTML pages' headers (``app/core/headers.py``) on every HTML answer.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.core.headers import HTML_HEADERS

STATIC = Path(__file__).parents[1] / "static"
static_files = create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False)

_FAVICON = ""  # Litestar's default favicon comes from a CDN
_SCALAR_OPTIONS = {"withDefaultFonts": False}  # the system's fonts; Scalar's own come from its CDN


class LocalScalar(ScalarRenderPlugin):
    """Scalar from ``/static/docs/scalar``, configured by data attributes (no inline script)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(js_url="/static/docs/scalar/standalone.js", css_url="", favicon=_FAVICON, **kwargs)

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        url = html.escape(self.get_openapi_json_route(request))
        options = html.escape(json.dumps(_SCALAR_OPTIONS))
        return (
            "<!DOCTYPE html><html><head>"
            f'<title>{title}</title><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "</head><body>"
            "<noscript>The API reference needs JavaScript; /schema/openapi.json is the document itself.</noscript>"
            f'<script id="api-reference" data-url="{url}" data-configuration="{options}"></script>'
            f'<script src="{self.js_url}"></script>'
            "</body></html>"
        ).encode()


class LocalSwagger(SwaggerRenderPlugin):
    """Swagger UI from ``/static/docs/swagger-ui``, started by ``/static/docs/swagger-init.js``."""

    def __init__(self, **kwargs: Any) -> None:
        base = "/static/docs/swagger-ui"
        super().__init__(
            js_url=f"{base}/swagger-ui-bundle.js",
            css_url=f"{base}/swagger-ui.css",
            standalone_preset_js_url=f"{base}/swagger-ui-standalone-preset.js",
            favicon=_FAVICON,
            **kwargs,
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        url = html.escape(self.get_openapi_json_route(request))
        return (
            "<!DOCTYPE html><html><head>"
            f'<title>{title}</title><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link href="{self.css_url}" rel="stylesheet">'
            "</head><body>"
            f'<div id="swagger-container" data-url="{url}"></div>'
            f'<script src="{self.js_url}"></script>'
            f'<script src="{self.standalone_preset_js_url}"></script>'
            '<script src="/static/docs/swagger-init.js"></script>'
            "</body></html>"
        ).encode()


def html_headers(app: ASGIApp) -> ASGIApp:
    """Middleware: every answer is not to be sniffed, and every HTML answer gets ``HTML_HEADERS`` (its CSP,
    no framing)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["X-Content-Type-Options"] = "nosniff"  # every answer is what it says it is
                if (headers.get("content-type") or "").startswith("text/html"):
                    for name, value in HTML_HEADERS.items():
                        headers[name] = value
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
