"""Who may be linked to an enterprise, and from when: links' pure rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.links.rules import link_refusal
from app.registry.model import HouseholdStatus
from app.registry.rules import IDENTIFICATION


@pytest.mark.parametrize("status", ["registered", "returned"])
def test_registered_and_returned_households_may_be_linked(status):
    assert link_refusal(status, None, date(2017, 1, 1), 5) is None


@pytest.mark.parametrize(
    ("start", "allowed"),
    [
        (date(2018, 1, 1), True),  # the exit year itself
        (date(2023, 1, 1), True),
        (date(2023, 12, 31), True),  # the last day of the continuation's last year
        (date(2024, 1, 1), False),  # the first day after it
    ],
)
def test_an_exited_household_may_be_linked_through_the_continuation(start, allowed):
    refusal = link_refusal("exited", 2018, start, 5)
    assert (refusal is None) is allowed
    if not allowed:
        assert refusal == "the household exited in 2018; policy continuation ended in 2023"


def test_no_continuation_means_only_the_exit_year():
    assert link_refusal("exited", 2018, date(2018, 12, 31), 0) is None
    assert link_refusal("exited", 2018, date(2019, 1, 1), 0) is not None


def test_an_exited_household_without_a_recorded_year_counts_from_the_start():
    assert link_refusal("exited", None, date(2030, 6, 1), 0) is None


def test_a_removed_household_is_never_linked():
    assert link_refusal("removed", None, date(2017, 1, 1), 5) == "the household was removed from the registry"


@pytest.mark.parametrize("status", [s.value for s in IDENTIFICATION[:-1]])
def test_a_household_still_in_identification_is_not_linked(status):
    assert link_refusal(status, None, date(2017, 1, 1), 5) == f"the household is not registered yet ({status})"


@given(
    st.sampled_from([s.value for s in HouseholdStatus]),
    st.integers(2014, 2030),
    st.dates(date(2014, 1, 1), date(2040, 12, 31)),
    st.integers(0, 20),
)
def test_linkable_only_when_on_the_register(status, exited_year, start, years):
    refusal = link_refusal(status, exited_year, start, years)
    if status in ("applied", "surveyed", "reviewed", "notice", "town_reviewed", "removed", "ordinary"):
        assert refusal is not None
    elif status == "exited":
        assert (refusal is None) is (start.year <= exited_year + years)
    else:
        assert refusal is None


def test_an_ordinary_household_is_never_linked() -> None:
    refusal = link_refusal("ordinary", None, date(2024, 1, 1), 5)
    assert refusal is not None and "not on the poverty register" in refusal
