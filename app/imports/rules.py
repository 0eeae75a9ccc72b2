"""The rules an imported household's history keeps, and what a re-import may change: pure, no I/O.

A household comes in with the steps of its flow as dates (identified in a year, registered on a day, exited,
returned, removed); ``history`` orders them as the events they become, ``history_problems`` names what
cannot be (an exit before registration, a removed household without its reason), and ``flow_change``
decides what a later export of the same household may do: go forward in the flow (registered → exited →
returned, any of them → removed), never back.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.messages import N_, Message, code, message

IMPORTABLE = ("registered", "exited", "returned", "removed")
"""The statuses an import brings: a household on the register (or once on it). One still being identified
goes through the identification steps and its public notice in ChainAid."""

# where each status may go next: the registry's dynamic adjustment, forward only
FORWARD: Mapping[str, frozenset[str]] = {
    "registered": frozenset({"exited", "removed"}),
    "exited": frozenset({"returned", "removed"}),
    "returned": frozenset({"exited", "removed"}),
    "removed": frozenset(),
}

Problem = tuple[str, Message]
"""(the column's code name, what is wrong with it)."""


@dataclass(frozen=True, slots=True)
class Step:
    status: str
    day: date


def registration_day(values: Mapping[str, Any]) -> date:
    """The day a household was registered: its ``registered_on``, or (a file without it) the last day of the
    year it was identified in, so that a year's figures count it."""
    registered_on = values.get("registered_on")
    return registered_on if registered_on is not None else date(values["identified_year"], 12, 31)


def history(values: Mapping[str, Any]) -> list[Step]:
    """The statuses the household passed through, in order, with their days (``history_problems`` first)."""
    steps = [Step("registered", registration_day(values))]
    status = values["status"]
    if values.get("exited_on") is not None and status in ("exited", "returned", "removed"):
        steps.append(Step("exited", values["exited_on"]))
    if values.get("returned_on") is not None and status in ("returned", "removed"):
        steps.append(Step("returned", values["returned_on"]))
    if status == "removed":
        steps.append(Step("removed", values["removed_on"]))
    return steps


def history_problems(values: Mapping[str, Any], today: date) -> list[Problem]:
    """What is wrong with a household row's status and its dates."""
    status = values["status"]
    if status == "ordinary":
        return [
            (
                "status",
                message(
                    N_(
                        "{status}: an ordinary household is on no register; an import brings households on the"
                        " register (registered, exited, returned or removed)"
                    ),
                    status=code("household status", status),
                ),
            )
        ]
    if status not in IMPORTABLE:
        return [
            (
                "status",
                message(
                    N_(
                        "{status} is a step of identification; an import brings households on the register"
                        " (registered, exited, returned or removed)"
                    ),
                    status=code("household status", status),
                ),
            )
        ]
    problems: list[Problem] = []
    identified, registered_on = values["identified_year"], values.get("registered_on")
    if registered_on is not None and registered_on.year < identified:
        problems.append(("registered_on", message(N_("is before the year of identification {year}"), year=identified)))
    exited_on, returned_on, removed_on = values.get("exited_on"), values.get("returned_on"), values.get("removed_on")
    needs = {
        "exited_on": status in ("exited", "returned"),
        "returned_on": status == "returned",
        "removed_on": status == "removed",
        "removed_reason": status == "removed",
    }
    for column, needed in needs.items():
        if needed and values.get(column) is None:
            problems.append(
                (
                    column,
                    message(
                        N_("is required for a household that is {status}"), status=code("household status", status)
                    ),
                )
            )
    if status == "registered" and exited_on is not None:
        problems.append(("exited_on", message(N_("a household still registered has no exit date"))))
    if status in ("registered", "exited") and returned_on is not None:
        problems.append(("returned_on", message(N_("only a household that returned to poverty has this date"))))
    if status != "removed" and (removed_on is not None or values.get("removed_reason") is not None):
        column = "removed_on" if removed_on is not None else "removed_reason"
        problems.append((column, message(N_("only a removed household has this"))))
    if problems:
        return problems
    steps = history(values)
    for earlier, later in itertools.pairwise(steps):
        if later.day <= earlier.day:
            column = {"exited": "exited_on", "returned": "returned_on", "removed": "removed_on"}[later.status]
            problems.append(
                (
                    column,
                    message(
                        N_("must be after the day the household was {status} ({day})"),
                        status=code("household status", earlier.status),
                        day=earlier.day.isoformat(),
                    ),
                )
            )
    if registered_on is None and registration_day(values) > today:
        problems.append(("identified_year", message(N_("is this year or later: give the day of registration"))))
    for step in steps:
        if step.day > today:
            column = {
                "registered": "registered_on",
                "exited": "exited_on",
                "returned": "returned_on",
                "removed": "removed_on",
            }[step.status]
            if values.get(column) is not None:
                problems.append((column, message(N_("is in the future"))))
    return problems


def flow_change(
    stored_status: str, stored_history: Mapping[str, date], steps: list[Step]
) -> tuple[list[Step], Problem | None]:
    """The steps a re-import adds to a household on record (the file's steps after its present status), or
    why the file's history cannot be taken: it would move the household back in its flow, or it tells
    another day for a step on record (corrected on the household's page, where the correction is its own
    event with its reason, not by an import)."""
    file_status = steps[-1].status
    for step in steps:
        on_record = stored_history.get(step.status)
        if on_record is not None and on_record != step.day and _reached(stored_status, step.status):
            column = {
                "registered": "registered_on",
                "exited": "exited_on",
                "returned": "returned_on",
                "removed": "removed_on",
            }[step.status]
            return [], (
                column,
                message(
                    N_("the record has {status} on {day}; a different day is corrected on the household's page"),
                    status=code("household status", step.status),
                    day=on_record.isoformat(),
                ),
            )
    if file_status == stored_status:
        return [], None
    names = [s.status for s in steps]
    if stored_status not in names:
        return [], _backwards(stored_status, file_status)
    added = steps[names.index(stored_status) + 1 :]
    current = stored_status
    for step in added:
        if step.status not in FORWARD[current]:
            return [], _backwards(stored_status, file_status)
        current = step.status
    return added, None


def _reached(stored_status: str, status: str) -> bool:
    """Whether a household now ``stored_status`` has passed through ``status`` (so its day is on record)."""
    order = {"registered": 0, "exited": 1, "returned": 2, "removed": 3}
    return order[status] <= order[stored_status]


def _backwards(stored_status: str, file_status: str) -> Problem:
    return (
        "status",
        message(
            N_("would move the household from {stored} back to {status}; a household's flow only goes forward"),
            stored=code("household status", stored_status),
            status=code("household status", file_status),
        ),
    )
