from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.validation import (
    Id,
    check_day_of_fact,
    check_planned_day,
    check_span,
    clean_name,
    clean_optional,
)
from app.notices.model import Category, NoticeKind, Standing
from app.registry.model import Attribute, Cause

MAX_ENTRIES = 2000  # a village's households, with room to spare


def check_period(starts_on: date, ends_on: date) -> None:
    """A notice's days: from the earliest day on (a notice already posted on paper may be recorded), to at
    most the horizon ahead, the last not before the first."""
    check_planned_day("starts_on", starts_on)
    check_planned_day("ends_on", ends_on)
    check_span("starts_on", starts_on, "ends_on", ends_on)


class EntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A household on a notice and the facts its kind publishes: for identification its attribute and causes,
    for monitoring intake and risk elimination its category."""

    household_id: Id
    attribute: Attribute | None = None
    causes: list[Cause] | None = None
    category: Category | None = None


class NoticeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: NoticeKind
    village_id: Id
    starts_on: date
    ends_on: date
    objection_place: str | None = None
    """Where objections are raised (村委会, the town's office); the page says so under the list."""
    entries: list[EntryIn]

    def __post_init__(self) -> None:
        check_period(self.starts_on, self.ends_on)
        self.objection_place = clean_optional("objection_place", self.objection_place, 200)
        if not 1 <= len(self.entries) <= MAX_ENTRIES:
            raise Invalid("entries", message(N_("must hold 1 to {most} households"), most=MAX_ENTRIES))
        seen: set[int] = set()
        for i, e in enumerate(self.entries):
            if e.household_id in seen:
                raise Invalid(f"entries[{i}].household_id", message(N_("the household is on the notice twice")))
            seen.add(e.household_id)
            if self.kind is NoticeKind.identification:
                if e.attribute is None:
                    raise Invalid(f"entries[{i}].attribute", message(N_("an identification notice gives it")))
                if not e.causes:
                    raise Invalid(f"entries[{i}].causes", message(N_("an identification notice gives it")))
            elif self.kind in (NoticeKind.monitoring_intake, NoticeKind.risk_elimination) and e.category is None:
                raise Invalid(f"entries[{i}].category", message(N_("a monitoring notice gives it")))

    def facts_of(self, e: EntryIn) -> dict[str, Any]:
        """What the entry stores: its kind's facts only."""
        if self.kind is NoticeKind.identification:
            assert e.attribute is not None and e.causes  # checked above
            return {"attribute": e.attribute.value, "causes": sorted({c.value for c in e.causes})}
        assert e.category is not None
        return {"category": e.category.value}


class ClaimsNoticeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A scheme's verified claims of one village, put on a notice (the claims not on one yet)."""

    village_id: Id
    starts_on: date
    ends_on: date
    objection_place: str | None = None

    def __post_init__(self) -> None:
        check_period(self.starts_on, self.ends_on)
        self.objection_place = clean_optional("objection_place", self.objection_place, 200)


class ObjectionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    raised_by: str
    content: str
    raised_on: date
    household_id: Id | None = None
    """The household on the notice it is about (None: the notice as a whole)."""

    def __post_init__(self) -> None:
        self.raised_by = clean_name("raised_by", self.raised_by, 60)
        self.content = clean_name("content", self.content, 2000, multiline=True)
        check_day_of_fact("raised_on", self.raised_on)


class ObjectionResolve(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    note: str
    resolved_on: date

    def __post_init__(self) -> None:
        self.note = clean_name("note", self.note, 2000, multiline=True)
        check_day_of_fact("resolved_on", self.resolved_on)


class EntryOut(msgspec.Struct, kw_only=True):
    household_id: int
    name: str
    claim_id: int | None
    facts: dict[str, Any]


class ObjectionOut(msgspec.Struct, kw_only=True):
    id: int
    notice_id: int
    household_id: int | None
    raised_by: str
    content: str
    raised_on: date
    resolved_on: date | None
    resolution: str | None
    resolved_by: int | None
    created_at: datetime


class NoticeOut(msgspec.Struct, kw_only=True):
    id: int
    number: str
    kind: NoticeKind
    village_id: int
    village_name: str
    town_id: int
    county_code: str
    scheme_id: int | None
    starts_on: date
    ends_on: date
    days: int
    standing: Standing
    """Where it stands today: upcoming, posted (objections may be raised) or ended."""
    objection_place: str | None
    entries_count: int
    open_objections: int
    objections_count: int
    """Every objection raised to it, resolved or not."""
    created_at: datetime


class NoticeDetail(NoticeOut, kw_only=True):
    entries: list[EntryOut]
    objections: list[ObjectionOut]


class NoticeFilter(msgspec.Struct, kw_only=True, frozen=True):
    kind: NoticeKind | None = None
    village_id: int | None = None
    town_id: int | None = None
    scheme_id: int | None = None
    standing: Standing | None = None
    open_objections: bool | None = None
