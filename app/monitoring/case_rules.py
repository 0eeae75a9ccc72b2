"""The mechanism to prevent (return to) poverty, as practised since 2021 (防止返贫动态监测和帮扶机制): who is
monitored, how long identification may take, and when a risk may be marked eliminated. Pure functions of the
facts a case records; the thresholds a province sets are a ``CaseSettings``.

- **Categories** (no quota: whoever qualifies is taken in):
  脱贫不稳定户 ``unstable`` — a household that exited poverty, its per-capita income under the monitoring line;
  边缘易致贫户 ``marginal`` — an ordinary household (never registered), its income under the line;
  突发严重困难户 ``sudden_hardship`` — income above the line, but its rigid spending (illness, disaster,
  accident, schooling) leaves it under the line, or its income fell sharply.
- **Identification** runs through dated steps, each with a budget of days (calendar or working days, as the
  province counts); a case still short of a step after the step's due day is overdue by the days since.
- **Risk elimination** (风险消除): income stably above the line for at least six months, the rigid spending
  resolved, 两不愁三保障 and safe water secured, and the risk gone; a household without labour whose income
  rests on social protection is never cleared: it stays monitored.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.core.messages import N_, Message, code, listing, message


class Category(str, enum.Enum):
    unstable = "unstable"  # 脱贫不稳定户
    marginal = "marginal"  # 边缘易致贫户
    sudden_hardship = "sudden_hardship"  # 突发严重困难户


class Standing(str, enum.Enum):
    """What a household is to the register when a case opens."""

    exited = "exited"  # registered once, exited poverty
    ordinary = "ordinary"  # never registered
    registered = "registered"  # still on the register: assisted as a poor household, not monitored


class Step(str, enum.Enum):
    """The identification steps, in order."""

    applied = "applied"  # application with signed consent to check assets and income (承诺授权)
    surveyed = "surveyed"  # home survey by at least two people, with the information form
    data_checked = "data_checked"  # the county's data check (vehicles, property, business registration)
    village_reviewed = "village_reviewed"  # village democratic review
    noticed = "noticed"  # village public notice, at least five days, objections resolved
    town_reviewed = "town_reviewed"
    approved = "approved"  # county approval
    announced = "announced"


STEPS: tuple[Step, ...] = tuple(Step)


class EliminationStep(str, enum.Enum):
    """The risk-elimination steps, in order: the same procedure as identification, without the data check."""

    home_checked = "home_checked"  # the home check, with the facts of ``EliminationFacts``
    village_reviewed = "village_reviewed"
    noticed = "noticed"
    town_reviewed = "town_reviewed"
    approved = "approved"  # county approval: the risk is marked eliminated


ELIMINATION_STEPS: tuple[EliminationStep, ...] = tuple(EliminationStep)


@dataclass(frozen=True)
class CaseSettings:
    """What a province sets (a county, where the province delegates)."""

    step_days: Mapping[Step, int] = field(
        default_factory=lambda: {
            Step.surveyed: 3,
            Step.data_checked: 2,
            Step.village_reviewed: 2,
            Step.noticed: 5,
            Step.town_reviewed: 1,
            Step.approved: 1,
            Step.announced: 1,
        }
    )
    """Days each step may take after the one before it (from the application): 15 in all by default, the
    deadline most provinces set."""
    working_days: bool = False
    """Count only Monday to Friday (one province counts 20 working days); public holidays are not known here
    and count as working days."""
    income_drop_share: Decimal = Decimal("0.5")
    """A fall of income by at least this share of the year before is a sharp fall."""
    stable_months: int = 6
    """Months of income above the line before a risk may be marked eliminated."""
    protection_share: Decimal = Decimal("0.5")
    """A household without labour whose social-protection income is at least this share of its income
    depends on social protection."""

    def __post_init__(self) -> None:
        if any(days < 0 for days in self.step_days.values()):
            raise ValueError("step_days: a step's days are not negative")
        if not Decimal(0) < self.income_drop_share <= 1:
            raise ValueError("income_drop_share: between 0 (excluded) and 1")
        if self.stable_months < 1:
            raise ValueError("stable_months: at least 1")


@dataclass(frozen=True, slots=True)
class Finances:
    """A household's year, per person (yuan)."""

    income: Decimal
    """Per-capita net income."""
    rigid_spending: Decimal = Decimal(0)
    """Per-capita rigid spending: medical costs out of pocket, disaster losses, accident costs, schooling."""
    previous_income: Decimal | None = None
    """Per-capita net income of the year before, where it is known."""


def category(standing: Standing, money: Finances, line: Decimal, settings: CaseSettings) -> Category | None:
    """The category a household qualifies for against the monitoring ``line``, or None.

    Under the line, an exited household is unstable and an ordinary one marginal; above it (or a household
    of either standing whose spending or fall of income is what puts it at risk), it is a sudden hardship
    when its income after rigid spending is under the line, or its income fell by at least the settings'
    share. A household still on the register is helped as a poor household and is not monitored."""
    if standing is Standing.registered:
        return None
    if money.income < line:
        return Category.unstable if standing is Standing.exited else Category.marginal
    if money.income - money.rigid_spending < line:
        return Category.sudden_hardship
    previous = money.previous_income
    if previous is not None and previous > 0 and (previous - money.income) >= previous * settings.income_drop_share:
        return Category.sudden_hardship
    return None


def intake_refusal(standing: Standing, money: Finances, line: Decimal, settings: CaseSettings) -> Message | None:
    """Why a household cannot be taken in as a monitored household, or None when it qualifies."""
    if standing is Standing.registered:
        return message(N_("a household on the register is assisted as a poor household, not monitored"))
    if category(standing, money, line, settings) is None:
        return message(
            N_(
                "per-capita income {income} is not under the monitoring line {line}, its rigid spending {spending}"
                " does not take it under, and its income did not fall sharply"
            ),
            income=f"{money.income:.2f}",
            line=f"{line:.2f}",
            spending=f"{money.rigid_spending:.2f}",
        )
    return None


def _add_days(start: date, days: int, working: bool) -> date:
    if not working:
        return start + timedelta(days=days)
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def due_days(applied_on: date, settings: CaseSettings) -> dict[Step, date]:
    """The day by which each step after the application is due: each step's budget added to the one before."""
    due: dict[Step, date] = {}
    day = applied_on
    for step in STEPS[1:]:
        day = _add_days(day, settings.step_days.get(step, 0), settings.working_days)
        due[step] = day
    return due


@dataclass(frozen=True, slots=True)
class Overdue:
    step: Step
    """The first step not done."""
    due_on: date
    days: int
    """Days past the due day (calendar days, whatever the province counts the budget in)."""


def overdue(applied_on: date, done: Sequence[Step], today: date, settings: CaseSettings) -> Overdue | None:
    """Whether a case in identification is overdue on ``today``: its first step not done is past its due day.
    A case that has reached the last step is not overdue."""
    due = due_days(applied_on, settings)
    for step in STEPS[1:]:
        if step not in done:
            if today > due[step]:
                return Overdue(step, due[step], (today - due[step]).days)
            return None
    return None


CHECKLIST = ("food", "clothing", "compulsory_education", "basic_medical_care", "safe_housing", "safe_drinking_water")
"""两不愁三保障 and safe drinking water."""


@dataclass(frozen=True, slots=True)
class EliminationFacts:
    months_above_line: int
    """Consecutive months, up to the check, in which the household's income ran above the monitoring line."""
    rigid_spending_resolved: bool
    checklist: Mapping[str, bool]
    risk_gone: bool
    """The cause of the risk (illness, disaster, lost work) no longer weighs on the household."""
    has_labour: bool
    """At least one member able to work (labour ability other than none)."""
    protection_income_share: Decimal
    """The share of the household's income from social protection (低保, 特困, assistance)."""


def elimination_refusals(facts: EliminationFacts, settings: CaseSettings) -> list[Message]:
    """Why the household's risk cannot be marked eliminated (empty: it can)."""
    reasons: list[Message] = []
    if not facts.has_labour and facts.protection_income_share >= settings.protection_share:
        reasons.append(
            message(
                N_(
                    "a household without labour whose income rests on social protection stays monitored; it is not cleared"
                )
            )
        )
    if facts.months_above_line < settings.stable_months:
        reasons.append(
            message(
                N_("income above the line for {months} month(s), not yet the {needed} needed"),
                months=facts.months_above_line,
                needed=settings.stable_months,
            )
        )
    if not facts.rigid_spending_resolved:
        reasons.append(message(N_("the rigid spending is not resolved")))
    missing = [item for item in CHECKLIST if not facts.checklist.get(item, False)]
    if missing:
        reasons.append(message(N_("not secured: {items}"), items=listing(code("guarantee", item) for item in missing)))
    if not facts.risk_gone:
        reasons.append(message(N_("the risk is not gone")))
    return reasons
