"""Household and village rules: pure functions over plain values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.core.messages import N_, Message, code, message
from app.registry.model import HouseholdStatus, RemovalReason

IDENTIFICATION = (
    HouseholdStatus.applied,
    HouseholdStatus.surveyed,
    HouseholdStatus.reviewed,
    HouseholdStatus.notice,
    HouseholdStatus.town_reviewed,
    HouseholdStatus.registered,
)

_S = HouseholdStatus
TRANSITIONS: dict[HouseholdStatus, tuple[HouseholdStatus, ...]] = {
    # an application can be dropped at any identification step (removed, with a reason)
    _S.applied: (_S.surveyed, _S.removed),
    _S.surveyed: (_S.reviewed, _S.removed),
    _S.reviewed: (_S.notice, _S.removed),
    _S.notice: (_S.town_reviewed, _S.removed),
    _S.town_reviewed: (_S.registered, _S.removed),
    _S.registered: (_S.exited, _S.removed),
    _S.exited: (_S.returned, _S.removed),
    _S.returned: (_S.exited, _S.removed),
    _S.removed: (),
    # never on the register: monitoring follows it (app/monitoring), the registry only holds it
    _S.ordinary: (),
}

# The one definition of who is on the register, with its SQL twins in the database (the functions
# ``household_on_register``, ``household_poor_now`` and ``member_counted_on``, created by the registry's
# migrations); tests/api/test_rule_twins.py checks that both sides agree on every status and boundary.

ON_REGISTER = frozenset({_S.registered, _S.exited, _S.returned})
"""建档立卡: on the register, exited households included (the report's 22,108 households and 64,052 people)."""

POOR_NOW = frozenset({_S.registered, _S.returned})
"""On the register and poor now: linked, subsidised and counted in a village's incidence without condition."""


def on_register(status: HouseholdStatus | str) -> bool:
    return HouseholdStatus(status) in ON_REGISTER


def poor_now(status: HouseholdStatus | str) -> bool:
    return HouseholdStatus(status) in POOR_NOW


def continuation_end(status: HouseholdStatus | str, exited_year: int | None, continuation_years: int) -> date | None:
    """The last day an exited household keeps its links and their income (脱贫不脱钩): 31 December of its
    exit year + ``continuation_years`` (CHAINAID_CONTINUATION_YEARS). None when the household is not exited
    (a poor household's links run to their own end; a returned one is poor again) or its exit year is not
    recorded."""
    if HouseholdStatus(status) is not _S.exited or exited_year is None:
        return None
    return date(exited_year + continuation_years, 12, 31)


def member_counted_on(left_on: date | None, day: date) -> bool:
    """A member counts in the household's people on ``day`` unless they left before it (the day they leave
    still counts); for a year's per-capita income, ``day`` is the year's 1 January."""
    return left_on is None or left_on >= day


def member_counted_in_year(left_on: date | None, year: int) -> bool:
    return member_counted_on(left_on, date(year, 1, 1))


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a step is not allowed now; ``allowed`` lists what is."""

    text: Message
    allowed: tuple[HouseholdStatus, ...] = ()

    @property
    def reason(self) -> str:
        return str(self.text)


@dataclass(frozen=True, slots=True)
class TransitionRequest:
    current: HouseholdStatus
    target: HouseholdStatus
    now: datetime
    notice_started_at: datetime | None
    notice_days: int
    open_objections: int
    exit_year: int | None = None
    removal_reason: RemovalReason | None = None


def check_transition(req: TransitionRequest) -> Refusal | None:
    """None when the step may be taken now, else the reason it may not."""
    allowed = TRANSITIONS[req.current]
    if req.current is _S.ordinary:
        return Refusal(
            message(
                N_(
                    "an ordinary household is not on the poverty register: it takes no registration, exit, return"
                    " or removal step (to {target}); monitoring follows it"
                ),
                target=code("household status", req.target),
            )
        )
    if req.target not in allowed:
        target = code("household status", req.target)
        if not allowed:
            return Refusal(message(N_("cannot go to {target} a removed household stays removed"), target=target))
        current = code("household status", req.current)
        return Refusal(message(N_("cannot go to {target} from {current}"), target=target, current=current), allowed)
    if req.current is _S.notice and req.target is not _S.removed:
        if req.open_objections:
            return Refusal(
                message(
                    N_("{count} objection(s) raised during the public notice must be resolved first"),
                    count=req.open_objections,
                ),
                allowed,
            )
        ends = notice_ends(req.notice_started_at, req.notice_days)
        if ends is not None and req.now < ends:
            return Refusal(
                message(
                    N_("the public notice runs for {days} days, until {until}"),
                    days=req.notice_days,
                    until=ends.isoformat(timespec="seconds"),
                ),
                allowed,
            )
    if req.target is _S.exited and req.exit_year is None:
        return Refusal(message(N_("exiting needs the year (exit_year)")), allowed)
    if req.target is _S.removed and req.removal_reason is None:
        return Refusal(message(N_("removal needs a reason code (reason)")), allowed)
    return None


def notice_ends(started_at: datetime | None, days: int) -> datetime | None:
    return None if started_at is None else started_at + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class VillageState:
    is_poor_village: bool
    registered_year: int | None
    exited_year: int | None


def check_village_listing(current: VillageState) -> str | None:
    """Villages only ever leave the poor list (出列), never re-enter it."""
    if current.exited_year is not None:
        return f"the village left the poor list in {current.exited_year}; it cannot be listed again"
    if current.is_poor_village:
        return f"the village is already a poor village (since {current.registered_year})"
    return None


def check_village_exit(current: VillageState, year: int) -> str | None:
    if not current.is_poor_village:
        return "only a poor village can exit the list"
    if current.exited_year is not None:
        return f"the village already exited in {current.exited_year}"
    if current.registered_year is not None and year < current.registered_year:
        return f"exit year {year} is before the registration year {current.registered_year}"
    return None


def incidence_refusal(poor_people: int, rural_population: int | None, threshold: Decimal) -> str | None:
    """A poor village exits (出列) only when its poverty incidence is below the threshold."""
    if not rural_population:
        return "the village's rural population is not recorded; poverty incidence cannot be computed"
    incidence = Decimal(poor_people) / Decimal(rural_population)
    if incidence >= threshold:
        return (
            f"poverty incidence is {incidence * 100:.2f}% ({poor_people} of {rural_population} people),"
            f" not below {threshold * 100:.2f}%"
        )
    return None
