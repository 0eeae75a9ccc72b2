from __future__ import annotations

from datetime import datetime

import msgspec

from app.core.errors import Invalid
from app.core.principal import Role
from app.core.validation import Id, clean_name


class AccountCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    role: Role
    enterprise_id: Id | None = None
    town_id: Id | None = None
    region_id: Id | None = None
    """The region (a province, city or county) an admin, finance or auditor account reaches; left out, the
    creating admin's own region (none for an unscoped admin: the whole deployment)."""

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 100)
        if self.role is Role.operator and self.enterprise_id is None:
            raise Invalid("enterprise_id", "an operator account must be bound to an enterprise")
        if self.role is not Role.operator and self.enterprise_id is not None:
            raise Invalid("enterprise_id", "only operator accounts are bound to an enterprise")
        if self.role is Role.town_officer and self.town_id is None:
            raise Invalid("town_id", "a town officer account must be bound to a town")
        if self.role is not Role.town_officer and self.town_id is not None:
            raise Invalid("town_id", "only town officer accounts are bound to a town")
        if self.role in (Role.operator, Role.town_officer) and self.region_id is not None:
            raise Invalid("region_id", "operator and town officer accounts take no region (their scope is theirs)")


class AccountOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    role: Role
    enterprise_id: int | None
    town_id: int | None
    region_id: int | None
    region_code: str | None
    """The county prefix the account reaches (a town officer's: its town's county); none: every county."""
    token_prefix: str
    created_at: datetime
    revoked_at: datetime | None


class AccountCreated(msgspec.Struct, kw_only=True):
    account: AccountOut
    token: str
    """Shown once: only its hash is stored."""


class Me(msgspec.Struct, kw_only=True):
    account_id: int | None
    name: str
    role: Role
    enterprise_id: int | None
    town_id: int | None
    region_code: str | None
    """The region reached (a town officer's: its town's county); none: every county (or, for an operator,
    wherever its enterprise works)."""
