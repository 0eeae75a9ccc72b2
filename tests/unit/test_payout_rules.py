"""What a payout must fit (its link's kind, dates and household), the guaranteed dividend, income per head."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.messages import Message
from app.payouts.rules import (
    INCOME_TYPE_FOR_KIND,
    LinkFacts,
    PayoutFacts,
    body_hash,
    body_hasher,
    dividend_due,
    payout_problems,
    per_capita_income,
)

TODAY = date(2018, 3, 1)
LINK = LinkFacts(id=1, enterprise_id=1, household_id=1, kind="share", start_date=date(2017, 1, 1), end_date=None)


def payout(**kw) -> PayoutFacts:
    return PayoutFacts(
        **{
            "income_type": "dividend",
            "period_from": date(2017, 1, 1),
            "period_to": date(2017, 12, 31),
            "paid_on": date(2017, 12, 20),
            **kw,
        }
    )


def fields(problems: list[tuple[str, Message]]) -> list[str]:
    return [field for field, _ in problems]


def said(problems: list[tuple[str, Message]]) -> list[tuple[str, str]]:
    """The problems as the API writes them (the English text of each message)."""
    return [(field, str(text)) for field, text in problems]


def test_a_payout_that_fits_its_link_has_no_problem():
    assert payout_problems(payout(), LINK, TODAY) == []


@pytest.mark.parametrize(("kind", "income_type"), sorted(kv for kv in INCOME_TYPE_FOR_KIND.items() if kv[0] != "asset"))
def test_each_link_kind_pays_its_own_income_type(kind, income_type):
    link = LinkFacts(**{**_as_dict(LINK), "kind": kind})
    assert payout_problems(payout(income_type=income_type), link, TODAY) == []
    other = next(t for t in INCOME_TYPE_FOR_KIND.values() if t != income_type)
    assert said(payout_problems(payout(income_type=other), link, TODAY)) == [
        ("income_type", f"a {kind} link pays {income_type}, not {other}")
    ]


def test_an_asset_link_is_paid_only_by_its_assets_distribution():
    """Its payouts are appended by the distribution of the asset's income (app/assets), never reported one by one."""
    link = LinkFacts(**{**_as_dict(LINK), "kind": "asset"})
    assert said(payout_problems(payout(income_type="asset_income"), link, TODAY)) == [
        ("link_id", "an asset link is paid only by the distribution of its asset's income")
    ]


def test_the_period_may_start_the_day_the_link_starts_not_before():
    assert payout_problems(payout(period_from=date(2017, 1, 1)), LINK, TODAY) == []
    assert fields(payout_problems(payout(period_from=date(2016, 12, 31)), LINK, TODAY)) == ["period_from"]


def test_a_link_ending_the_day_a_payout_period_starts_covers_that_one_day():
    ended = LinkFacts(**{**_as_dict(LINK), "end_date": date(2017, 6, 1)})
    one_day = payout(period_from=date(2017, 6, 1), period_to=date(2017, 6, 1))
    assert payout_problems(one_day, ended, TODAY) == []
    longer = payout(period_from=date(2017, 6, 1), period_to=date(2017, 6, 2))
    assert said(payout_problems(longer, ended, TODAY)) == [("period_to", "is after the link ended (2017-06-01)")]


def test_paid_today_is_fine_tomorrow_is_the_future():
    assert payout_problems(payout(paid_on=TODAY), LINK, TODAY) == []
    assert said(payout_problems(payout(paid_on=date(2018, 3, 2)), LINK, TODAY)) == [("paid_on", "is in the future")]


def test_a_removed_household_receives_nothing_on_a_running_link():
    removed = LinkFacts(**{**_as_dict(LINK), "household_removed": True})
    assert fields(payout_problems(payout(), removed, TODAY)) == ["link_id"]


def test_removal_ended_the_link_so_earlier_periods_still_pay():
    # removal ends the running links on the removal day: payouts for the time before it are owed
    ended = LinkFacts(**{**_as_dict(LINK), "household_removed": True, "end_date": date(2017, 12, 31)})
    assert payout_problems(payout(), ended, TODAY) == []


def test_every_problem_is_reported_at_once():
    bad = payout(income_type="wage", period_from=date(2016, 1, 1), paid_on=date(2019, 1, 1))
    ended = LinkFacts(**{**_as_dict(LINK), "end_date": date(2017, 6, 30)})
    assert fields(payout_problems(bad, ended, TODAY)) == ["income_type", "period_from", "period_to", "paid_on"]


# --- the guaranteed dividend (保底分红) -------------------------------------------------------------------------------


def test_a_full_year_pays_capital_times_rate():
    due = dividend_due(Decimal("10000"), Decimal("0.08"), date(2016, 5, 1), None, 2017)
    assert (due.expected, due.days, due.days_in_year) == (Decimal("800.00"), 365, 365)


def test_a_leap_year_has_366_days():
    due = dividend_due(Decimal("10000"), Decimal("0.08"), date(2016, 1, 1), None, 2016)
    assert (due.expected, due.days, due.days_in_year) == (Decimal("800.00"), 366, 366)


def test_part_of_a_year_is_pro_rated_counting_both_ends():
    # 1 July to 31 December: 184 days
    due = dividend_due(Decimal("10000"), Decimal("0.08"), date(2017, 7, 1), None, 2017)
    assert due.days == 184
    assert due.expected == Decimal("403.29")  # 800 × 184 / 365 = 403.2876…


def test_a_link_starting_and_ending_the_same_day_ran_one_day():
    due = dividend_due(Decimal("36500"), Decimal("0.10"), date(2017, 3, 1), date(2017, 3, 1), 2017)
    assert (due.days, due.expected) == (1, Decimal("10.00"))


def test_a_link_outside_the_year_owes_nothing():
    assert dividend_due(Decimal("10000"), Decimal("0.08"), date(2018, 1, 1), None, 2017).days == 0
    ended = dividend_due(Decimal("10000"), Decimal("0.08"), date(2015, 1, 1), date(2016, 12, 31), 2017)
    assert (ended.days, ended.expected) == (0, Decimal("0.00"))


def test_the_dividend_rounds_half_up_to_the_fen():
    # 1 × 0.365 × 5 / 365 = 0.005 exactly
    assert dividend_due(Decimal("1"), Decimal("0.365"), date(2017, 1, 1), date(2017, 1, 5), 2017).expected == Decimal(
        "0.01"
    )


@given(st.dates(date(2010, 1, 1), date(2030, 12, 31)), st.integers(0, 4000), st.integers(2010, 2030))
def test_the_days_never_exceed_the_year(start, length, year):
    due = dividend_due(Decimal("1000"), Decimal("0.05"), start, start + timedelta(days=length), year)
    assert 0 <= due.days <= due.days_in_year
    assert Decimal("0") <= due.expected <= Decimal("50.00")


# --- income per head -----------------------------------------------------------------------------------------------


def test_per_capita_rounds_half_up_and_relates_to_the_line():
    pc = per_capita_income(Decimal("8851.25"), 2, Decimal("2952"))
    assert pc.per_capita == Decimal("4425.63")  # half-up, as the exit test rounds
    assert pc.ratio_to_line == Decimal("1.4992")


def test_no_members_or_no_line():
    assert per_capita_income(Decimal("100"), 0, Decimal("2952")).per_capita == Decimal("0.00")
    assert per_capita_income(Decimal("100"), 1, None).ratio_to_line is None


# --- the payout fingerprint ----------------------------------------------------------------------------------------


def test_body_hash_tells_a_retry_from_a_clash():
    args = (1, "dividend", Decimal("400.00"), date(2017, 1, 1), date(2017, 12, 31), date(2017, 12, 20), "bank", "M-1")
    assert body_hash(*args) == body_hash(1, "dividend", Decimal("400"), *args[3:])
    assert body_hash(*args) != body_hash(1, "dividend", Decimal("400.01"), *args[3:])
    assert body_hash(*args) != body_hash(*args[:-1], "M-2")


def _as_dict(link: LinkFacts) -> dict:
    return {name: getattr(link, name) for name in LinkFacts.__slots__}


def test_the_hasher_of_payouts_alike_gives_each_its_own_fingerprint():
    """A distribution's payouts share their type, period, day and method: hashed by ``body_hasher``, each gets
    the fingerprint ``body_hash`` gives it, so a resend or a clash is told apart the same way."""
    days = (date(2020, 1, 1), date(2020, 12, 31), date(2021, 1, 20))
    of = body_hasher("asset_income", *days, "bank")
    for link_id, amount, reference in ((7, Decimal("9600.00"), "asset-income-3-11"), (8, Decimal("0.01"), "r")):
        assert of(link_id, amount, reference) == body_hash(link_id, "asset_income", amount, *days, "bank", reference)
