"""In-transaction domain events: how one domain reacts to another's change without importing it back.

A domain that changes something others care about defines the event (``app/<domain>/events.py``)
and emits it through its unit of work; a domain that reacts lists its handlers in
``app/<domain>/subscribers.py``. The composition root (``app/domains.py``) puts the two
together once, at start-up. A handler runs in the emitter's transaction, so its writes
commit or roll back with the change, and a handler that raises a domain error refuses it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import msgspec

if TYPE_CHECKING:  # the unit of work carries the bus; the bus only names its type
    from app.core.uow import UnitOfWork


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """Something that happened in a domain, in the words of that domain.

    An event whose subscribers enforce a rule (one that may refuse the change) sets ``must_be_heard``:
    emitting it with nobody subscribed is a wiring error, not a change that silently skips the rule.
    """

    must_be_heard: ClassVar[bool] = False


E = TypeVar("E", bound=Event)
Handler = Callable[["UnitOfWork", Any], Awaitable[None]]
Subscriptions = Mapping[type[Event], Sequence[Handler]]


class EventBus:
    """Which handlers hear which event type, in the order they were subscribed."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = {}

    def subscribe_all(self, subscriptions: Subscriptions) -> None:
        for event_type, handlers in subscriptions.items():
            listed = self._handlers.setdefault(event_type, [])
            listed.extend(h for h in handlers if h not in listed)

    def handlers(self, event_type: type[Event]) -> Sequence[Handler]:
        return self._handlers.get(event_type, ())

    def clear(self) -> None:
        self._handlers.clear()


BUS = EventBus()
"""The process's bus, filled by ``app.domains.wire_events()``."""
