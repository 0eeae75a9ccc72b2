"""Bearer-token authentication: the API's middleware turns a token into the caller's Principal."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware

from app.accounts.service import principal_for_token


class BearerTokenMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
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


# /health, the OpenAPI documents and their assets (/static) are public; everything else needs a token.
# The console (/console) signs in with a session cookie of its own (app/console/session.py).
auth_middleware = DefineMiddleware(BearerTokenMiddleware, exclude=["^/health$", "^/schema", "^/console", "^/static/"])
