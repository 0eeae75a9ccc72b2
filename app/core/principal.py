"""Who is calling (a principal with a role and a scope), and the scope checks every service applies.

No web framework here: services receive a ``Principal`` and raise ``Forbidden``.

A scope is one of three, by role (the README's "Scopes" says the same for people):

* a region (``region_code``: a province's 2 digits, a city's 4, a county's 6) for ``admin``, ``finance`` and
  ``auditor``: they reach every county whose code starts with it; ``None`` is the whole deployment (an
  account given no region, and the command line);
* a town for ``town_officer`` (``town_id``), inside its county (``region_code`` is the town's county);
* an enterprise for ``operator`` (``enterprise_id``), in whatever county its bases and households are: an
  operator has no region, a county never lets one in (``covers`` is false), only its enterprise does.

Every county-owned row carries its county's code (``app/core/counties.py``); ``covers`` says whether a
principal reaches a row of that county, ``ensure_county_scope`` refuses (403) one it does not, and
``list_region`` is the region a list narrows to.
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
    region_code: str | None = None
    """The region reached (2, 4 or 6 digits; a town officer's is its town's county); None: every county."""

    @property
    def label(self) -> str:
        return f"account:{self.account_id}" if self.account_id is not None else f"system:{self.name}"


def system_principal(name: str = "cli") -> Principal:
    return Principal(account_id=None, name=name, role=Role.admin)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def covers(principal: Principal, county_code: str | None, *, enterprise_id: int | None = None) -> bool:
    """Whether the principal reaches a row of this county (``None``: a row in no county yet, which only an
    unscoped principal reaches). An operator is reached through its enterprise alone: pass the row's
    ``enterprise_id`` (a base, a link, a payout) and it is covered in any county; a row of no enterprise never
    is. A town officer's county covers it here; its town is checked on its own (``ensure_town_scope``)."""
    if principal.role is Role.operator:
        return enterprise_id is not None and enterprise_id == principal.enterprise_id
    if principal.region_code is None:
        return True
    return county_code is not None and county_code.startswith(principal.region_code)


def ensure_county_scope(principal: Principal, county_code: str | None, *, enterprise_id: int | None = None) -> None:
    """Refuse (403) a row out of the principal's reach (see ``covers``)."""
    if covers(principal, county_code, enterprise_id=enterprise_id):
        return
    if principal.role is Role.operator:
        raise Forbidden.of(N_("this belongs to another enterprise"))
    raise Forbidden.of(N_("this belongs to another county"))


def covers_region(principal: Principal, region_code: str) -> bool:
    """Whether a region (of any level) lies wholly within the principal's reach: its code starts with the
    principal's region; an unscoped principal (an operator among them) reaches every region. Who may act on
    a region at all is the access policy's question (``app/core/access.py``), not this one's."""
    return principal.region_code is None or region_code.startswith(principal.region_code)


def ensure_region_scope(principal: Principal, region_code: str) -> None:
    """Refuse (403) acting on a region outside the principal's (a county admin adding a town to another
    county, a city auditor asking for the province's overview)."""
    if not covers_region(principal, region_code):
        raise Forbidden.of(N_("this region is outside yours"))


def list_region(principal: Principal) -> str | None:
    """The region code a list narrows to by county prefix (``county_code LIKE code%``, as
    ``app.core.counties.county_clause`` writes it), or None when the principal's lists are not narrowed by
    county: an unscoped principal sees every county, an operator's lists are narrowed by its enterprise
    instead."""
    if principal.role is Role.operator:
        return None
    return principal.region_code


def ensure_enterprise_scope(principal: Principal, enterprise_id: int) -> None:
    """Operators act only for their own enterprise."""
    if principal.role is Role.operator and principal.enterprise_id != enterprise_id:
        raise Forbidden.of(N_("this belongs to another enterprise"))


def ensure_town_scope(principal: Principal, town_id: int) -> None:
    """Town officers act only in their own town."""
    if principal.role is Role.town_officer and principal.town_id != town_id:
        raise Forbidden.of(N_("this belongs to another town"))
