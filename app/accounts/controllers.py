from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody

from app.accounts import service
from app.accounts.schemas import AccountCreate, AccountCreated, AccountOut, Me
from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.core.principal import Principal, Role


class AccountController(Controller):
    path = "/accounts"
    tags = ["accounts"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createAccount")
    async def create(self, request: Request, data: JSONBody[AccountCreate]) -> AccountCreated:
        """Create an account and return its bearer token, once (only a hash is kept)."""
        return await service.create_account(request.user, data)

    @get("/", operation_id="listAccounts")
    async def list_accounts(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        role: FromQuery[Role | None] = None,
        include_revoked: FromQuery[bool] = True,
    ) -> Page[AccountOut]:
        """Accounts, oldest first (a region's admin: the accounts within its region)."""
        return await service.list_accounts(request.user, page, role=role, include_revoked=include_revoked)

    @post("/{account_id:int}/revoke", operation_id="revokeAccount", status_code=200)
    async def revoke(self, request: Request, account_id: PathId) -> AccountOut:
        """Revoke an account: its token stops working at once."""
        return await service.revoke_account(request.user, account_id)


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]

    @get("/", operation_id="getMe")
    async def me(self, request: Request) -> Me:
        """The account behind the bearer token: role and scope."""
        p: Principal = request.user
        return Me(
            account_id=p.account_id,
            name=p.name,
            role=p.role,
            enterprise_id=p.enterprise_id,
            town_id=p.town_id,
            region_code=p.region_code,
        )
