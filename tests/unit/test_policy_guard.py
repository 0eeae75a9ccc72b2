"""The API's one guard: it asks the access policy, and refuses an operation the policy does not name."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.testing import TestClient

from app.core.auth import policy_guard
from app.core.principal import Principal, Role
from app.core.problems import EXCEPTION_HANDLERS


class RoleFromHeader(AbstractAuthenticationMiddleware):
    """Stands in for the bearer-token middleware: the caller's role comes from a header."""

    async def authenticate_request(self, connection: Any) -> AuthenticationResult:
        role = Role(connection.headers["x-role"])
        return AuthenticationResult(user=Principal(account_id=1, name="t", role=role), auth=None)


@get("/me", operation_id="getMe", sync_to_thread=False)
def me() -> str:
    return "ok"


@get("/accounts", operation_id="listAccounts", sync_to_thread=False)
def accounts() -> str:
    return "ok"


@get("/unnamed", operation_id="somethingNew", sync_to_thread=False)
def unnamed() -> str:
    return "ok"


def client() -> TestClient[Litestar]:
    app = Litestar(
        route_handlers=[me, accounts, unnamed],
        guards=[policy_guard],
        middleware=[RoleFromHeader],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    return TestClient(app)


def test_the_policy_decides_who_may_call():
    with client() as c:
        for role in Role:
            assert c.get("/me", headers={"x-role": role.value}).status_code == 200
        assert c.get("/accounts", headers={"x-role": "admin"}).status_code == 200
        refused = c.get("/accounts", headers={"x-role": "finance"})
        assert refused.status_code == 403
        assert refused.json()["detail"] == "this needs one of the roles: admin"


def test_an_operation_the_policy_does_not_name_is_refused_even_to_an_admin():
    with client() as c:
        r = c.get("/unnamed", headers={"x-role": "admin"})
        assert r.status_code == 403
        assert "somethingNew" in r.json()["detail"]
