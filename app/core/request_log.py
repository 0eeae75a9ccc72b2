"""A request id for every request, and one access line for each, around the whole app.

The layer wraps the app's ASGI handler (``app.main.create_app``), outside routing and the exception
handlers, so that every answer carries ``X-Request-ID``: the API's, the console's, a 404 for a path no
route has, and a 500. A client's own id is kept when it is sane (1–64 characters of letters, digits and
``._:-``), so a proxy's or a caller's id can be followed through; otherwise one is made.

The access line names the route template (``/api/v1/households/{household_id}``), never the raw path or
its query string (an ID number or a phone may be searched for), and the account that called, never its
token. A path no route has is logged without its path.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.core.logs import REQUEST_ID

if TYPE_CHECKING:  # the ASGI types only; this layer runs no framework code
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
ACCOUNT_KEY = "chainaid.account_id"
"""Where a part of the app that authenticates on its own (the console's session) notes the account."""

access_log = logging.getLogger("app.access")


def request_id_from(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The client's ``X-Request-ID`` when it is sane, else a new one (32 hex digits)."""
    for name, value in headers:
        if name.lower() == HEADER:
            try:
                given = value.decode("ascii")
            except UnicodeDecodeError:
                break
            if _SANE.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def note_account(scope: Scope, account_id: int | None) -> None:
    """Name the signed-in account in the access line (the API's token middleware does it by itself)."""
    scope.setdefault("state", {})[ACCOUNT_KEY] = account_id


def _account_of(scope: Scope) -> int | None:
    user = scope.get("user")
    account = getattr(user, "account_id", None)
    if isinstance(account, int):
        return account
    noted = scope.get("state", {}).get(ACCOUNT_KEY)
    return noted if isinstance(noted, int) else None


class RequestLog:
    """ASGI layer: sets the request id (in the logs' context and on the answer) and writes the access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", ()))
        context = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != HEADER]
                headers.append((HEADER, request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            route = scope.get("path_template") or None
            client = scope.get("client")
            access_log.info(
                "%s %s %s %.2f ms",
                scope.get("method", "-"),
                route or "-",
                status,
                duration_ms,
                extra={
                    "event": "request",
                    "method": scope.get("method"),
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                    "account_id": _account_of(scope),
                    "client": client[0] if client else None,
                },
            )
            REQUEST_ID.reset(context)
