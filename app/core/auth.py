"""The API's one guard: the access policy (``app/core/access.py``) decides which role may call which
route (the bearer token is read in app/accounts/authentication.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.exceptions import PermissionDeniedException

from app.core.access import OPERATIONS, can, roles_for
from app.core.principal import Principal

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler


def policy_guard(connection: ASGIConnection[Any, Principal, Any, Any], route_handler: BaseRouteHandler) -> None:
    """Let the caller through only if the policy lets their role take the route's action.

    The route is named by its operationId, looked up in ``OPERATIONS``; an operation the policy does not
    name is refused (fail closed), so a new route is closed until someone writes down who may call it."""
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
