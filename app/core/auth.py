"""The API's one guard: the access policy (``app/core/access.py``) decides which role may call which
route (the bearer token is read in app/accounts/authentication.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.exceptions import PermissionDeniedException

from app.core.access import OPERATIONS, can, roles_for
from app.core.errors import Invalid
from app.core.principal import Principal

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler


def policy_guard(connection: ASGIConnection[Any, Principal, Any, Any], route_handler: BaseRouteHandler) -> None:
    """Let the caller through only if the policy lets their role take the route's action.

    The route is named by its operationId, looked up in ``OPERATIONS``; an operation the policy does not
    name is refused (fail closed), so a new route is closed until someone writes down who may call it."""
    refuse_nul(connection)
    if connection.scope.get("method") == "OPTIONS":
        return  # Litestar answers OPTIONS itself with the allowed methods; no token, nothing to guard
    operation = getattr(route_handler, "operation_id", None)
    action = OPERATIONS.get(operation) if isinstance(operation, str) else None
    if action is None:
        raise PermissionDeniedException(f"the access policy does not name the operation {operation!r}")
    role = connection.user.role
    if not can(role, action):
        names = ", ".join(sorted(r.value for r in roles_for(action)))
        raise PermissionDeniedException(f"this needs one of the roles: {names}")


def refuse_nul(connection: ASGIConnection[Any, Any, Any, Any], *_: object) -> None:
    """A guard: a path or query parameter holding a NUL character (which PostgreSQL cannot store or compare)
    is a 400 naming the parameter, before any handler (or a streamed export) asks the database with it."""
    for source, items in (
        ("path", list(connection.path_params.items())),
        ("query", connection.query_params.multi_items()),
    ):
        for name, value in items:
            if isinstance(value, str) and "\x00" in value:
                message = "must not contain a NUL character"
                raise Invalid(name, message, errors=[{"field": name, "message": message, "source": source}])
