"""Household identification and dynamic adjustment, and the poor-village list: the registry's pure rules."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.registry.model import HouseholdStatus, RemovalReason
from app.registry.rules import (
    IDENTIFICATION,
    ON_REGISTER,
    TRANSITIONS,
    TransitionRequest,
    VillageState,
    check_transition,
    check_village_exit,
    check_village_listing,
    incidence_refusal,
    notice_ends,
)

S = HouseholdStatus
NOTICE_START = datetime(2017, 3, 1, 9, 30, tzinfo=UTC)


def request(current: S, target: S, **kw) -> TransitionRequest:
    """A request that passes every check except the one a test sets up."""
    defaults = dict(
        now=NOTICE_START + timedelta(days=30),
        notice_started_at=NOTICE_START,
        notice_days=7,
        open_objections=0,
        exit_year=2018 if target is S.exited else None,
        removal_reason=RemovalReason.other if target is S.removed else None,
    )
    return TransitionRequest(current=current, target=target, **{**defaults, **kw})


# --- the steps --------------------------------------------------------------------------------------------------


def test_identification_goes_step_by_step_to_registered():
    for current, target in itertools.pairwise(IDENTIFICATION):
        assert check_transition(request(current, target)) is None, (current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.applied, S.reviewed),  # skipping the survey
        (S.surveyed, S.notice),  # skipping the democratic review
        (S.reviewed, S.registered),  # skipping notice and town review
        (S.applied, S.registered),
        (S.registered, S.returned),  # only an exited household returns to poverty
        (S.exited, S.registered),
        (S.registered, S.applied),  # no going back
    ],
)
def test_a_step_out_of_order_is_refused_and_lists_what_is_allowed(current, target):
    refusal = check_transition(request(current, target))
    assert refusal is not None
    assert refusal.allowed == TRANSITIONS[current]
    assert f"cannot go to {target.value} from {current.value}" == refusal.reason


def test_exit_and_return_alternate():
    assert check_transition(request(S.registered, S.exited)) is None
    assert check_transition(request(S.exited, S.returned)) is None
    assert check_transition(request(S.returned, S.exited)) is None


@pytest.mark.parametrize("target", list(S))
def test_a_removed_household_stays_removed(target):
    refusal = check_transition(request(S.removed, target))
    assert refusal is not None and "a removed household stays removed" in refusal.reason
    assert refusal.allowed == ()


@pytest.mark.parametrize("current", [s for s in S if s not in (S.removed, S.ordinary)])
def test_every_household_not_removed_can_be_removed_with_a_reason(current):
    assert check_transition(request(current, S.removed)) is None
    refusal = check_transition(request(current, S.removed, removal_reason=None))
    assert refusal is not None and "reason" in refusal.reason


@pytest.mark.parametrize("target", list(S))
def test_an_ordinary_household_takes_no_step_of_the_register(target):
    refusal = check_transition(request(S.ordinary, target))
    assert refusal is not None and "not on the poverty register" in refusal.reason
    assert refusal.allowed == ()
    assert S.ordinary not in ON_REGISTER and not any(S.ordinary in allowed for allowed in TRANSITIONS.values())


def test_exit_needs_its_year():
    refusal = check_transition(request(S.registered, S.exited, exit_year=None))
    assert refusal is not None and "exit_year" in refusal.reason
    assert check_transition(request(S.returned, S.exited, exit_year=None)) is not None


def test_on_register_is_registered_exited_returned():
    assert {S.registered, S.exited, S.returned} == ON_REGISTER
    assert not ON_REGISTER & set(IDENTIFICATION[:-1])


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_only_the_transition_table_decides_which_steps_exist(current, target):
    refusal = check_transition(request(current, target))
    if target not in TRANSITIONS[current]:
        assert refusal is not None and refusal.allowed == TRANSITIONS[current]
    else:
        assert refusal is None


# --- the public notice (公示) --------------------------------------------------------------------------------------


def test_notice_ends_after_its_days():
    assert notice_ends(NOTICE_START, 7) == datetime(2017, 3, 8, 9, 30, tzinfo=UTC)
    assert notice_ends(None, 7) is None


def test_town_review_is_refused_during_the_seventh_day_of_the_notice():
    # started 1 March 09:30; the 7th day is 7 March, the notice runs until 8 March 09:30
    for now in (NOTICE_START, datetime(2017, 3, 7, 23, 59, tzinfo=UTC), datetime(2017, 3, 8, 9, 29, 59, tzinfo=UTC)):
        refusal = check_transition(request(S.notice, S.town_reviewed, now=now))
        assert refusal is not None, now
        assert "runs for 7 days, until 2017-03-08T09:30:00+00:00" in refusal.reason


def test_town_review_is_allowed_the_moment_the_notice_ends():
    assert check_transition(request(S.notice, S.town_reviewed, now=NOTICE_START + timedelta(days=7))) is None


def test_the_notice_length_comes_from_the_request():
    now = NOTICE_START + timedelta(days=7)
    assert check_transition(request(S.notice, S.town_reviewed, now=now, notice_days=10)) is not None
    assert check_transition(request(S.notice, S.town_reviewed, now=now, notice_days=1)) is None


def test_an_open_objection_blocks_town_review_even_after_the_notice():
    refusal = check_transition(request(S.notice, S.town_reviewed, open_objections=2))
    assert refusal is not None and refusal.reason.startswith("2 objection(s)")


def test_removal_during_the_notice_needs_neither_its_end_nor_resolved_objections():
    assert check_transition(request(S.notice, S.removed, now=NOTICE_START, open_objections=3)) is None


def test_a_notice_without_a_start_is_not_held_back_by_time():
    # households that reached the notice before its start was recorded
    assert check_transition(request(S.notice, S.town_reviewed, notice_started_at=None, now=NOTICE_START)) is None


# --- villages ------------------------------------------------------------------------------------------------------


def test_a_village_is_listed_once_and_never_again_after_it_exits():
    assert check_village_listing(VillageState(False, None, None)) is None
    assert "already a poor village (since 2014)" in check_village_listing(VillageState(True, 2014, None))
    assert "left the poor list in 2019" in check_village_listing(VillageState(False, 2014, 2019))


def test_a_village_exits_once_not_before_it_was_listed():
    listed = VillageState(True, 2014, None)
    assert check_village_exit(listed, 2014) is None  # the registration year itself
    assert check_village_exit(listed, 2019) is None
    assert "before the registration year 2014" in check_village_exit(listed, 2013)
    assert "only a poor village" in check_village_exit(VillageState(False, None, None), 2019)
    assert "already exited in 2019" in check_village_exit(VillageState(True, 2014, 2019), 2020)


def test_incidence_exactly_at_the_threshold_does_not_exit():
    assert incidence_refusal(2, 100, Decimal("0.02")) is not None
    assert incidence_refusal(1, 100, Decimal("0.02")) is None
    assert incidence_refusal(0, 100, Decimal("0.02")) is None


def test_incidence_reports_the_numbers():
    assert incidence_refusal(3, 100, Decimal("0.02")) == (
        "poverty incidence is 3.00% (3 of 100 people), not below 2.00%"
    )


@pytest.mark.parametrize("population", [None, 0])
def test_incidence_needs_the_rural_population(population):
    assert "rural population is not recorded" in incidence_refusal(0, population, Decimal("0.02"))
