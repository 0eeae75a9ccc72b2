"""Who may see which household: the one place the registry's scope rules live."""

from __future__ import annotations

from typing import Any


from app.core.errors import Forbidden, NotFound
from app.core.principal import Principal, Role
from app.core.database import fetchrow


def scope_filter(principal: Principal) -> tuple[int | None, int | None]:
    """(town_id, enterprise_id) a list must be narrowed to for this caller."""
    if principal.role is Role.town_officer:
        return principal.town_id, None
    if principal.role is Role.operator:
        return None, principal.enterprise_id
    return None, None


# SQL fragment narrowing households ``h`` (joined to village ``v``) to a caller's scope;
# takes the two parameters scope_filter returns, at positions $n and $n+1.
def scope_sql(n: int) -> str:
    return (
        f"(${n}::int IS NULL OR v.town = ${n}) AND "
        f"(${n + 1}::int IS NULL OR EXISTS (SELECT 1 FROM link l WHERE l.household = h.id AND l.enterprise = ${n + 1}))"
    )


async def load_household(principal: Principal, household_id: int, *, for_update: bool = False) -> Any:
    """The household row with its town, after checking the caller may see it (404 / 403)."""
    lock = " FOR UPDATE OF h" if for_update else ""
    row = await fetchrow(
        "SELECT h.*, v.town AS town_id FROM household h JOIN village v ON v.id = h.village WHERE h.id = $1" + lock,
        household_id,
    )
    if row is None:
        raise NotFound(f"household {household_id} does not exist")
    ensure_may_see(principal, row["town_id"], await _linked_to(principal, household_id))
    return row


async def _linked_to(principal: Principal, household_id: int) -> bool:
    if principal.role is not Role.operator:
        return False
    row = await fetchrow(
        "SELECT 1 FROM link WHERE household = $1 AND enterprise = $2 LIMIT 1", household_id, principal.enterprise_id
    )
    return row is not None


def ensure_may_see(principal: Principal, town_id: int, linked_to_operator: bool) -> None:
    if principal.role is Role.town_officer and principal.town_id != town_id:
        raise Forbidden("this household belongs to another town")
    if principal.role is Role.operator and not linked_to_operator:
        raise Forbidden("this household has no link with your enterprise")


def masks_personal_data(principal: Principal) -> bool:
    """Operators see households they pay, but not their ID numbers or bank cards."""
    return principal.role is Role.operator
