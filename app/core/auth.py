"""Role guards: the API's edge of the access rules (the bearer token is read in app/accounts/authentication.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from app.core.access import roles_for
from app.core.principal import Principal, Role

if TYPE_CHECKING:
    from litestar.handlers.base import BaseRouteHandler
    from litestar.types import Guard


def requires(*roles: Role) -> Guard:
    """A guard letting through only the given roles (403 for the others)."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Principal, Any, Any], _: BaseRouteHandler) -> None:
        if connection.scope["method"] == "OPTIONS":
            return  # Litestar answers OPTIONS itself with the allowed methods; no token, nothing to guard
        if connection.user.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise PermissionDeniedException(f"this needs one of the roles: {names}")

    guard.__name__ = f"requires_{'_'.join(sorted(r.value for r in allowed))}"
    return guard


any_role = requires(*Role)


async def provide_principal(request: Any) -> Principal:
    return request.user


def requires_action(action: str) -> Guard:
    """A guard from the access policy (``app/core/access.py``): the roles that may take ``action``.
    An action the policy does not name fails here, when the route is declared."""
    guard = requires(*roles_for(action))
    guard.__name__ = f"requires_action_{action.replace('.', '_')}"
    return guard
