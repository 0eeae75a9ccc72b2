"""Read-your-writes with a replica: a client that has just written reads from the primary for a while.

Replication lag could hide a row a client has just written from a list read on the replica (the console shows
a list right after each form it posts). So, when a replica is configured, every successful write (POST, PUT,
PATCH, DELETE answered below 400) sets a short-lived cookie, and a request that carries it reads everything from
the primary until it expires (``CHAINAID_PRIMARY_AFTER_WRITE_SECONDS``). The cookie is the client's to keep:
any worker on any machine honours it, and the API keeps no state of its own. Forging one only moves that
client's reads to the primary.
"""

from __future__ import annotations

from contextlib import nullcontext

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.core.database import reads_from_primary, replica_configured
from app.core.settings import get_settings

COOKIE = "chainaid_wrote"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _carries_cookie(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and any(part.strip().startswith(f"{COOKIE}=".encode()) for part in value.split(b";")):
            return True
    return False


def read_your_writes(app: ASGIApp) -> ASGIApp:
    """Middleware: the cookie set after a write, and the primary for the requests that carry it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        seconds = get_settings().primary_after_write_seconds
        if scope["type"] != "http" or not seconds or not replica_configured():
            await app(scope, receive, send)
            return
        primary = reads_from_primary() if _carries_cookie(scope) else nullcontext()
        if scope.get("method") not in _WRITES:
            with primary:
                await app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                cookie = Cookie(
                    key=COOKIE, value="1", max_age=seconds, path="/", httponly=True, secure=True, samesite="strict"
                )
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        with primary:
            await app(scope, receive, send_with_cookie)

    return middleware
