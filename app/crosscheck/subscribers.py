"""What cross-check does when the registry changes (see app/domains.py)."""

from __future__ import annotations

from app.core.events import Subscriptions
from app.core.uow import UnitOfWork
from app.crosscheck.service import match_people
from app.registry.events import MembersJoined


async def match_new_members(uow: UnitOfWork, event: MembersJoined) -> None:
    """Records imported before these people joined a household are matched now."""
    await match_people(uow, event.actor, event.id_numbers)


SUBSCRIPTIONS: Subscriptions = {MembersJoined: [match_new_members]}
