from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from app.core.validation import (
    DecimalIn,
    Id,
    check_day_of_fact,
    check_money,
    check_year,
    clean_name,
    clean_note,
)
from app.monitoring.model import HardshipKind, Outcome, Trigger, Verification


class ChecklistItem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    met: bool
    note: str | None = None


class AssessmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    year: int
    food: ChecklistItem
    clothing: ChecklistItem
    compulsory_education: ChecklistItem
    basic_medical_care: ChecklistItem
    safe_housing: ChecklistItem
    safe_drinking_water: ChecklistItem
    verification: Verification
    """How it was verified: full survey, spot check or a third party."""
    other_net_income: DecimalIn = Decimal("0.00")
    """Net income the ledger does not see (own farming, migrant work), declared for the year."""

    def __post_init__(self) -> None:
        check_year("year", self.year)
        self.other_net_income = check_money("other_net_income", self.other_net_income, ceiling="income")
        for key in (
            "food",
            "clothing",
            "compulsory_education",
            "basic_medical_care",
            "safe_housing",
            "safe_drinking_water",
        ):
            item = getattr(self, key)
            item.note = clean_note(f"{key}.note", item.note, 1000)


class AssessmentOut(msgspec.Struct, kw_only=True):
    id: int
    household_id: Id
    year: int
    passed: bool
    reasons: list[str]
    checklist: dict[str, bool]
    notes: dict[str, str | None]
    ledger_income: Decimal
    other_net_income: Decimal
    members: int
    per_capita: Decimal
    poverty_line: Decimal
    verification: Verification
    assessed_by: int | None
    assessed_at: datetime


class HardshipIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: HardshipKind
    occurred_on: date
    note: str | None = None

    def __post_init__(self) -> None:
        self.note = clean_note("note", self.note, 2000)
        check_day_of_fact("occurred_on", self.occurred_on)


class HardshipOut(msgspec.Struct, kw_only=True):
    id: int
    household_id: Id
    kind: HardshipKind
    occurred_on: date
    note: str | None
    created_at: datetime


class RevisitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    trigger: Trigger
    trigger_ref: str
    """What the monitoring entry names: the year (low_income), the event id (hardship) or the link id."""
    visited_on: date
    outcome: Outcome
    note: str | None = None

    def __post_init__(self) -> None:
        self.trigger_ref = clean_name("trigger_ref", self.trigger_ref, 40)
        self.note = clean_note("note", self.note, 2000)
        check_day_of_fact("visited_on", self.visited_on)


class RevisitOut(msgspec.Struct, kw_only=True):
    id: int
    household_id: Id
    trigger: Trigger
    trigger_ref: str
    visited_on: date
    outcome: Outcome
    note: str | None
    created_at: datetime


class MonitoringEntry(msgspec.Struct, kw_only=True):
    household_id: Id
    registry_no: str
    town_id: Id
    trigger: Trigger
    trigger_ref: str
    detail: str
    since: date
    revisit_due: date
    overdue: bool
    last_revisit: RevisitOut | None


class MonitoringLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: DecimalIn
    """Per-capita net income a year, yuan: under it a household is monitored."""

    def __post_init__(self) -> None:
        self.amount = check_money("amount", self.amount, positive=True, ceiling="income")


class MonitoringLineOut(msgspec.Struct, kw_only=True):
    region_code: str
    """The province (2 digits) whose line holds in its counties, or a county (6 digits) with a line of its own."""
    level: str
    year: int
    amount: Decimal
