"""Who is calling (a principal with a role and a scope), and the scope checks every service applies.

No web framework here: services receive a ``Principal`` and raise ``Forbidden``.
A token is random (``secrets``) and only its SHA-256 is stored: a leaked table
gives nobody a working token, and a fast hash is enough because tokens carry
256 bits of entropy (nothing to brute-force, unlike a password).
"""

from __future__ import annotations

import enum
import hashlib
import secrets

import msgspec

from app.core.errors import Forbidden
from app.core.messages import N_

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


def ensure_enterprise_scope(principal: Principal, enterprise_id: int) -> None:
    """Operators act only for their own enterprise."""
    if principal.role is Role.operator and principal.enterprise_id != enterprise_id:
        raise Forbidden.of(N_("this belongs to another enterprise"))


def ensure_town_scope(principal: Principal, town_id: int) -> None:
    """Town officers act only in their own town."""
    if principal.role is Role.town_officer and principal.town_id != town_id:
        raise Forbidden.of(N_("this belongs to another town"))
