"""Pure bounds of dates and years (app/core/validation.py), the settings that drive them, and the end of an
exited household's policy continuation (registry and links rules, payouts' check)."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.errors import Invalid
from app.core.settings import InvalidSettings, load_settings
from app.core.validation import check_day_of_fact, check_planned_day, check_span, check_year
from app.links.rules import effective_end, link_end_refusal
from app.payouts.rules import LinkFacts, PayoutFacts, payout_problems
from app.registry.rules import continuation_end

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2026, 6, 16), date(9999, 12, 31)])
def test_a_day_of_fact_is_from_the_earliest_day_to_today(day):
    with pytest.raises(Invalid) as refused:
        check_day_of_fact("paid_on", day, today=TODAY)
    assert refused.value.field == "paid_on"
    assert str(refused.value.message) == "must be a day from 2000-01-01 to today (2026-06-15)"


def test_a_day_of_fact_takes_both_ends_and_none():
    assert check_day_of_fact("paid_on", date(2000, 1, 1), today=TODAY) == date(2000, 1, 1)
    assert check_day_of_fact("paid_on", TODAY, today=TODAY) == TODAY
    assert check_day_of_fact("paid_on", None) is None


def test_a_planned_day_reaches_the_horizon():
    assert check_planned_day("end_date", date(2027, 6, 16), today=TODAY) == date(2027, 6, 16)  # + 366 days
    with pytest.raises(Invalid) as refused:
        check_planned_day("end_date", date(2027, 6, 17), today=TODAY)
    assert str(refused.value.message) == "must be a day from 2000-01-01 to 2027-06-16"
    with pytest.raises(Invalid):
        check_planned_day("start_date", date(1999, 12, 31), today=TODAY)


@pytest.mark.parametrize(
    ("year", "planned", "ok"),
    [
        (2000, False, True),
        (1999, False, False),
        (2026, False, True),
        (2027, False, False),
        (2027, True, True),
        (2028, True, False),
        (99999, True, False),
        (0, False, False),
    ],
)
def test_a_year_is_bounded_like_the_days(year, planned, ok):
    if ok:
        check_year("year", year, planned=planned, today=TODAY)
    else:
        with pytest.raises(Invalid):
            check_year("year", year, planned=planned, today=TODAY)


def test_an_end_before_its_start_names_the_end():
    check_span("start_date", date(2020, 1, 1), "end_date", None)
    with pytest.raises(Invalid) as refused:
        check_span("start_date", date(2020, 1, 2), "end_date", date(2020, 1, 1))
    assert refused.value.field == "end_date" and str(refused.value.message) == "is before start_date"


def test_the_earliest_day_and_the_horizon_are_settings_with_bounds():
    s = load_settings({"CHAINAID_EARLIEST_DAY": "2014-01-01", "CHAINAID_HORIZON_DAYS": "30"})
    assert (s.earliest_day, s.horizon_days) == (date(2014, 1, 1), 30)
    for bad in (
        {"CHAINAID_EARLIEST_DAY": "1989-12-31"},
        {"CHAINAID_EARLIEST_DAY": "9999-12-31"},
        {"CHAINAID_EARLIEST_DAY": "soon"},
        {"CHAINAID_HORIZON_DAYS": "-1"},
        {"CHAINAID_HORIZON_DAYS": "4000"},
    ):
        with pytest.raises(InvalidSettings) as stopped:
            load_settings(bad)
        assert next(iter(bad)) in str(stopped.value)


def test_the_continuation_ends_on_the_last_day_of_the_exit_year_plus_the_years():
    assert continuation_end("exited", 2017, 5) == date(2022, 12, 31)
    assert continuation_end("exited", 2017, 0) == date(2017, 12, 31)
    assert continuation_end("exited", None, 5) is None  # no exit year recorded: no bound known
    for status in ("registered", "returned", "removed", "applied"):
        assert continuation_end(status, 2017, 5) is None


def test_an_exited_households_link_may_not_be_set_to_end_after_the_continuation():
    assert link_end_refusal("exited", 2017, date(2022, 12, 31), 5) is None
    assert link_end_refusal("exited", 2017, None, 5) is None  # open-ended: it ends at the continuation in effect
    assert link_end_refusal("exited", 2017, date(2023, 1, 1), 5) == (
        "the household exited in 2017; its policy continuation ends on 2022-12-31"
    )
    assert link_end_refusal("registered", 2017, date(2040, 1, 1), 5) is None


def test_an_exited_households_link_ends_in_effect_with_the_continuation():
    assert effective_end(None, "exited", 2017, 5) == date(2022, 12, 31)
    assert effective_end(date(2020, 6, 30), "exited", 2017, 5) == date(2020, 6, 30)
    assert effective_end(date(2024, 6, 30), "exited", 2017, 5) == date(2022, 12, 31)
    assert effective_end(None, "registered", None, 5) is None
    assert effective_end(date(2024, 6, 30), "returned", 2017, 5) == date(2024, 6, 30)


def test_a_payout_for_a_period_after_the_continuation_is_refused():
    link = LinkFacts(1, 1, 1, "share", date(2022, 6, 1), None, continuation_end=date(2022, 12, 31))
    inside = PayoutFacts("dividend", date(2022, 6, 1), date(2022, 12, 31), date(2022, 12, 20))
    assert payout_problems(inside, link, TODAY) == []
    after = PayoutFacts("dividend", date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 20))
    problems = payout_problems(after, link, TODAY)
    assert [(f, str(m)) for f, m in problems] == [
        ("period_to", "is after the household's policy continuation ended (2022-12-31)")
    ]
