"""Who may see which household: the one place the registry's scope rules live."""

from __future__ import annotations

from app.core.errors import Forbidden, NotFound
from app.core.messages import N_
from app.core.principal import Principal, Role, ensure_county_scope
from app.core.uow import Db, reading
from app.registry import queries
from app.registry.queries import HouseholdState


async def household_state(db: Db, household_id: int, *, share: bool = False) -> HouseholdState | None:
    """A household's status, exit year and town, with no access check: for domains that apply their own
    rule (a base links only households of its town, a claim is filed in the officer's town). ``share`` holds
    the status (FOR SHARE) to the end of the caller's transaction."""
    return await queries.household_state(db, household_id, share=share)


def scope_filter(principal: Principal) -> tuple[int | None, int | None]:
    """(town_id, enterprise_id) a list must be narrowed to for this caller (its region, by
    ``list_region``, on top)."""
    if principal.role is Role.town_officer:
        return principal.town_id, None
    if principal.role is Role.operator:
        return None, principal.enterprise_id
    return None, None


async def load_household(
    principal: Principal, household_id: int, *, for_update: bool = False, db: Db | None = None
) -> HouseholdState:
    """The household with its town, after checking the caller may see it (404 / 403).

    ``db`` is the caller's unit of work (needed with ``for_update``, which holds the row to its end);
    without it the household is read on a connection of its own.
    """
    if db is None:
        if for_update:
            raise RuntimeError("a household is locked in the caller's unit of work: pass db=uow")
        async with reading() as conn:
            return await _load(conn, principal, household_id, False)
    return await _load(db, principal, household_id, for_update)


async def _load(db: Db, principal: Principal, household_id: int, lock: bool) -> HouseholdState:
    household = await queries.household_state(db, household_id, lock=lock)
    if household is None:
        raise NotFound.of(N_("household {household} does not exist"), household=household_id)
    linked = principal.role is Role.operator and await queries.linked_to_enterprise(
        db, household_id, principal.enterprise_id
    )
    ensure_may_see(principal, household.town_id, household.county_code, linked)
    return household


def ensure_may_see(principal: Principal, town_id: int, county_code: str | None, linked_to_operator: bool) -> None:
    """A town officer sees its town's households, an operator those linked to its enterprise (in any
    county), everyone else those of the counties of its region."""
    if principal.role is Role.town_officer and principal.town_id != town_id:
        raise Forbidden.of(N_("this household belongs to another town"))
    if principal.role is Role.operator:
        if not linked_to_operator:
            raise Forbidden.of(N_("this household has no link with your enterprise"))
        return
    ensure_county_scope(principal, county_code)


def masks_personal_data(principal: Principal) -> bool:
    """Operators see households they pay, but not their ID numbers or bank cards."""
    return principal.role is Role.operator
