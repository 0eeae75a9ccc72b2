"""The composition root's list of domains: which events each one hears.

Each domain that reacts to another's change keeps its handlers in ``app/<domain>/subscribers.py``
as ``SUBSCRIPTIONS``; ``wire_events`` puts them on the process's bus once, at start-up
(the app factory and every CLI command that writes call it).
"""

from __future__ import annotations

from app.core.events import BUS, EventBus, Subscriptions
from app.crosscheck.subscribers import SUBSCRIPTIONS as CROSSCHECK
from app.links.subscribers import SUBSCRIPTIONS as LINKS
from app.monitoring.subscribers import SUBSCRIPTIONS as MONITORING

DOMAIN_SUBSCRIPTIONS: list[Subscriptions] = [LINKS, CROSSCHECK, MONITORING]


def wire_events(bus: EventBus = BUS) -> EventBus:
    for subscriptions in DOMAIN_SUBSCRIPTIONS:
        bus.subscribe_all(subscriptions)
    return bus
