"""What links do when another domain changes (see app/core/events.py)."""

from __future__ import annotations

from app.core.events import Subscriptions
from app.core.uow import UnitOfWork
from app.links.service import end_household_links
from app.registry.events import HouseholdRemoved


async def end_links_on_removal(uow: UnitOfWork, event: HouseholdRemoved) -> None:
    """A removed household's running links end on the day of its removal; payouts after it are refused."""
    await end_household_links(uow, event.actor, event.household_id, event.on)


SUBSCRIPTIONS: Subscriptions = {HouseholdRemoved: [end_links_on_removal]}
