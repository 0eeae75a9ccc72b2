"""Events run their subscribers in order; an event that enforces a rule cannot go unheard."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest

from app.core.events import EventBus
from app.core.principal import system_principal
from app.core.uow import UnitOfWork
from app.registry.events import HouseholdExiting, HouseholdRemoved

ACTOR = system_principal("tests")


def _uow(bus: EventBus) -> UnitOfWork:
    return UnitOfWork(cast(Any, None), bus)  # emit never touches the connection


async def test_an_exit_nobody_hears_is_refused_rather_than_skipping_the_exit_test() -> None:
    with pytest.raises(RuntimeError, match="HouseholdExiting has no subscriber"):
        await _uow(EventBus()).emit(HouseholdExiting(actor=ACTOR, household_id=1, exit_year=2017))


async def test_an_event_that_only_informs_may_go_unheard() -> None:
    await _uow(EventBus()).emit(HouseholdRemoved(actor=ACTOR, household_id=1, on=date(2017, 5, 1)))


async def test_subscribers_run_in_order_and_once_however_often_they_are_wired() -> None:
    heard: list[str] = []

    async def first(uow: UnitOfWork, event: HouseholdRemoved) -> None:
        heard.append(f"first {event.household_id}")

    async def second(uow: UnitOfWork, event: HouseholdRemoved) -> None:
        heard.append(f"second {event.household_id}")

    bus = EventBus()
    bus.subscribe_all({HouseholdRemoved: [first, second]})
    bus.subscribe_all({HouseholdRemoved: [first]})
    await _uow(bus).emit(HouseholdRemoved(actor=ACTOR, household_id=7, on=date(2017, 5, 1)))
    assert heard == ["first 7", "second 7"]
