from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.validation import (
    DecimalIn,
    Id,
    check_day_of_fact,
    check_money,
    check_year,
    clean_name,
    clean_note,
)
from app.monitoring.case_rules import EliminationStep
from app.monitoring.case_rules import Step as CaseStep
from app.monitoring.model import Channel, HardshipKind, MeasureKind, Outcome, Trigger, Verification


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


class CaseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A household's application (or a cadre's or department's finding) to be monitored, with its figures."""

    household_id: Id
    channel: Channel
    year: int
    """The year whose income is measured against that year's monitoring line."""
    income: DecimalIn
    """Per-capita net income of the year, yuan."""
    rigid_spending: DecimalIn = Decimal("0.00")
    """Per-capita rigid spending of the year (medical costs out of pocket, disaster, accident, schooling)."""
    previous_income: DecimalIn | None = None
    consent: str
    """The signed consent to check assets and income (承诺授权): the form's number or file reference."""
    applied_on: date

    def __post_init__(self) -> None:
        check_year("year", self.year)
        self.income = check_money("income", self.income, ceiling="income")
        self.rigid_spending = check_money("rigid_spending", self.rigid_spending, ceiling="income")
        self.previous_income = check_money("previous_income", self.previous_income, ceiling="income")
        self.consent = clean_name("consent", self.consent, 200)
        check_day_of_fact("applied_on", self.applied_on)


class StepIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    step: CaseStep
    on: date
    by: list[str]
    """Who did it: the survey is by at least two people."""
    note: str | None = None
    notice_id: Id | None = None
    """For the step ``noticed``: the village's public notice (a monitoring-intake notice listing the household,
    ended with no open objection). Left out, a notice posted on paper, at least five days after the review."""

    def __post_init__(self) -> None:
        check_day_of_fact("on", self.on)
        if not 1 <= len(self.by) <= 10:
            raise Invalid("by", message(N_("one to ten names")))
        self.by = [clean_name("by", name, 60) for name in self.by]
        self.note = clean_note("note", self.note, 2000)


class OverdueOut(msgspec.Struct, kw_only=True):
    step: str
    """The first step not done."""
    due_on: date
    days: int


class CaseOut(msgspec.Struct, kw_only=True):
    id: int
    household_id: int
    registry_no: str
    town_id: int
    county_code: str
    channel: str
    category: str
    year: int
    line: Decimal
    income: Decimal
    rigid_spending: Decimal
    previous_income: Decimal | None
    applied_on: date
    step: str
    """The last step done."""
    state: str
    """identifying, monitored once the county approved, eliminating while its risk elimination runs,
    eliminated once the county approved that."""
    steps: dict[str, Any]
    elimination: dict[str, Any] | None = None
    """The risk-elimination facts found at the home check and its steps, once begun."""
    eliminated_on: date | None = None
    overdue: OverdueOut | None = None
    """The step past its due day on the day asked about (identifying cases only)."""


class MeasureIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: MeasureKind
    start_on: date
    officer: str
    """The officer responsible (帮扶责任人)."""
    amount: DecimalIn | None = None
    """Yuan, where the measure has one (a dibao a year, a subsidy, a loan)."""
    end_on: date | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        check_day_of_fact("start_on", self.start_on)
        if self.end_on is not None and self.end_on < self.start_on:
            raise Invalid("end_on", "is before start_on")
        self.officer = clean_name("officer", self.officer, 60)
        self.amount = check_money("amount", self.amount, ceiling="income", positive=True)
        self.note = clean_note("note", self.note, 2000)


class MeasureOut(msgspec.Struct, kw_only=True):
    id: int
    case_id: int
    kind: str
    start_on: date
    end_on: date | None
    officer: str
    amount: Decimal | None
    note: str | None


class EliminationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The home check that begins risk elimination (风险消除): what it found, on which day, by whom."""

    on: date
    by: list[str]
    """The home check is by at least two people."""
    months_above_line: int
    """Consecutive months, up to the check, of income above the monitoring line."""
    rigid_spending_resolved: bool
    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical_care: bool
    safe_housing: bool
    safe_drinking_water: bool
    risk_gone: bool
    protection_income_share: DecimalIn
    """The share (0 to 1) of the household's income from social protection (低保, 特困, assistance)."""
    note: str | None = None

    def __post_init__(self) -> None:
        check_day_of_fact("on", self.on)
        if not 2 <= len(self.by) <= 10:
            raise Invalid("by", message(N_("two to ten names: a home check is by at least two people")))
        self.by = [clean_name("by", name, 60) for name in self.by]
        if not 0 <= self.months_above_line <= 120:
            raise Invalid("months_above_line", message(N_("from 0 to 120")))
        if not Decimal(0) <= self.protection_income_share <= 1:
            raise Invalid("protection_income_share", message(N_("from 0 to 1")))
        self.note = clean_note("note", self.note, 2000)


class EliminationStepIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    step: EliminationStep
    on: date
    by: list[str]
    note: str | None = None
    notice_id: Id | None = None
    """For the step ``noticed``: the village's risk-elimination notice listing the household (see ``StepIn``)."""

    def __post_init__(self) -> None:
        check_day_of_fact("on", self.on)
        if not 1 <= len(self.by) <= 10:
            raise Invalid("by", message(N_("one to ten names")))
        self.by = [clean_name("by", name, 60) for name in self.by]
        self.note = clean_note("note", self.note, 2000)


class TownMonitoring(msgspec.Struct, kw_only=True):
    """A town's monitoring on a day: cases opened by then by category and by where they stood."""

    town_id: int
    town: str
    unstable: int
    marginal: int
    sudden_hardship: int
    identifying: int
    """Not yet approved by the county."""
    monitored: int
    eliminated: int
    """Risk marked eliminated by the day."""
    overdue: int
    """In identification, their next step past its due day."""
    returned: int
    """Cases of households whose risk had been marked eliminated once before."""
    assisted: dict[str, int]
    """Households with a measure running on the day, by kind of measure (those whose risk was eliminated by
    then are not counted)."""
    steps: dict[str, int] = {}
    """The cases not eliminated by the day, by the identification step each had reached then."""


class MonitoringOverview(msgspec.Struct, kw_only=True):
    as_of: date
    towns: list[TownMonitoring]
    total: TownMonitoring


class RoundIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    county_code: str
    period: str
    """The month of the round, YYYY-MM."""
    started_on: date

    def __post_init__(self) -> None:
        if len(self.county_code) != 6 or not self.county_code.isdigit():
            raise Invalid("county_code", message(N_("a county's code is 6 digits")))
        if (
            len(self.period) != 7
            or self.period[4] != "-"
            or not (self.period[:4] + self.period[5:]).isdigit()
            or not (1 <= int(self.period[5:]) <= 12)
        ):
            raise Invalid("period", message(N_("a month, YYYY-MM")))
        check_day_of_fact("started_on", self.started_on)


class RoundOut(msgspec.Struct, kw_only=True):
    id: int
    county_code: str
    period: str
    started_on: date
    ended_on: date | None
    due: int
    """Cases open (identifying, monitored or eliminating) on the round's first day: the households to visit."""
    visited: int


class VisitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    case_id: Id
    visited_on: date
    by: list[str]
    income: DecimalIn | None = None
    """Per-capita income a year as found on the visit, where it was asked."""
    note: str | None = None
    """What changed."""

    def __post_init__(self) -> None:
        check_day_of_fact("visited_on", self.visited_on)
        if not 1 <= len(self.by) <= 10:
            raise Invalid("by", message(N_("one to ten names")))
        self.by = [clean_name("by", name, 60) for name in self.by]
        self.income = check_money("income", self.income, ceiling="income")
        self.note = clean_note("note", self.note, 2000)


class VisitOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    case_id: int
    visited_on: date
    by: list[str]
    income: Decimal | None
    note: str | None


class CaseProposal(msgspec.Struct, kw_only=True):
    """An exited household whose income of the year fell under the monitoring line (the watch), with no open
    case: for a cadre to confirm by opening one (channel ``watch``)."""

    household_id: int
    registry_no: str
    town_id: int
    county_code: str
    year: int
    per_capita: Decimal
    line: Decimal
