"""Bearer-token authentication and role guards, shared by every domain.

A token is random (``secrets``) and only its SHA-256 is stored: a leaked table
gives nobody a working token, and a fast hash is enough because tokens carry
256 bits of entropy (nothing to brute-force, unlike a password).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware

if TYPE_CHECKING:
    from litestar.handlers.base import BaseRouteHandler
    from litestar.types import Guard

TOKEN_PREFIX = "ca_"


class Role(str, enum.Enum):
    admin = "admin"
    finance = "finance"
    town_officer = "town_officer"
    operator = "operator"
    auditor = "auditor"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling: an account, or the command line acting as the system."""

    account_id: int | None
    name: str
    role: Role
    enterprise_id: int | None = None
    town_id: int | None = None

    @property
    def label(self) -> str:
        return f"account:{self.account_id}" if self.account_id is not None else f"system:{self.name}"


def system_principal(name: str = "cli") -> Principal:
    return Principal(account_id=None, name=name, role=Role.admin)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class BearerTokenMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        from app.accounts.service import principal_for_token

        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        principal = await principal_for_token(token.strip())
        if principal is None:
            raise NotAuthorizedException(
                "invalid or revoked token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return AuthenticationResult(user=principal, auth=token)


# /health and the OpenAPI documents are public; everything else needs a token.
# The console (/console) signs in with a session cookie of its own (app/console/session.py).
auth_middleware = DefineMiddleware(BearerTokenMiddleware, exclude=["^/health$", "^/schema", "^/console"])


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


def ensure_enterprise_scope(principal: Principal, enterprise_id: int) -> None:
    """Operators act only for their own enterprise."""
    if principal.role is Role.operator and principal.enterprise_id != enterprise_id:
        raise PermissionDeniedException("this belongs to another enterprise")


def ensure_town_scope(principal: Principal, town_id: int) -> None:
    """Town officers act only in their own town."""
    if principal.role is Role.town_officer and principal.town_id != town_id:
        raise PermissionDeniedException("this belongs to another town")


async def provide_principal(request: Any) -> Principal:
    return request.user
