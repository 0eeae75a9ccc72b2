"""What monitoring does when the registry changes (see app/domains.py)."""

from __future__ import annotations

from app.core.errors import Conflict
from app.core.events import Subscriptions
from app.core.uow import UnitOfWork
from app.monitoring.service import exit_refusal
from app.registry.events import HouseholdExiting


async def refuse_exit_without_passing_test(uow: UnitOfWork, event: HouseholdExiting) -> None:
    """A household exits only with a passing exit assessment for its exit year."""
    if failed := await exit_refusal(uow, event.household_id, event.exit_year):
        reason, reasons = failed
        raise Conflict(reason, extra={"reasons": reasons})


SUBSCRIPTIONS: Subscriptions = {HouseholdExiting: [refuse_exit_without_passing_test]}
