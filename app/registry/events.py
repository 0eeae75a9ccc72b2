"""What the registry tells other domains, in its transaction (see app/core/events.py)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from app.core.events import Event
from app.core.principal import Principal


class MembersJoined(Event, frozen=True, kw_only=True):
    """People joined the registry: a household was filed, or a member added to one."""

    actor: Principal
    household_id: int
    id_numbers: tuple[str, ...]


class HouseholdRemoved(Event, frozen=True, kw_only=True):
    """A household left the registry as ineligible (清退); what hangs on it ends on ``on``."""

    actor: Principal
    household_id: int
    on: date


class HouseholdExiting(Event, frozen=True, kw_only=True):
    """A household is about to exit poverty (脱贫) in ``exit_year``; a subscriber that raises refuses the exit.

    The exit test (一有两不愁四保障) is such a subscriber, so an exit nobody hears is refused.
    """

    must_be_heard: ClassVar[bool] = True

    actor: Principal
    household_id: int
    exit_year: int
