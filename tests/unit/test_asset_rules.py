"""The distribution of an asset's income (app/assets/rules.py): hand-worked cases, then properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assets.model import DistributionMethod, Standing
from app.assets.rules import (
    NothingToShareAmong,
    Recipient,
    distribute,
    promised_yearly,
    shares_income,
    standing_of,
)

D = Decimal
EQUAL, BY_MEMBERS, WEIGHTED = DistributionMethod.equal, DistributionMethod.by_members, DistributionMethod.weighted
ON = Standing.registered


def r(household_id: int, members: int = 3, weight: str | None = None, standing: Standing = ON) -> Recipient:
    return Recipient(household_id, members, None if weight is None else D(weight), standing)


def amounts(d) -> list[str]:
    return [str(p.amount) for p in d.parts]


# ---- hand-worked cases ------------------------------------------------------------------------------


def test_equal_shares_the_left_over_fen_to_the_first_listed_on_a_tie():
    # 100000 fen / 3 = 33333.33… each; rounded down 33333 × 3 = 99999; 1 fen left, the remainders tie
    d = distribute(D("1000.00"), EQUAL, D("0"), [r(11), r(12), r(13)])
    assert amounts(d) == ["333.34", "333.33", "333.33"]
    assert d.public_amount == D("0.00") and d.distributed == D("1000.00")
    assert d.parts[0].lines == (
        "1 of 3 equal parts: 1000.00 × 1/3 = 333.333333…",
        "rounded down to the fen: 333.33",
        "remainder 0.3333… fen, 1 of 3 by remainder: gets one of the 1 fen left → 333.34",
    )
    assert d.parts[2].lines[-1] == (
        "remainder 0.3333… fen, 3 of 3 by remainder: the 1 fen left went to larger remainders → 333.33"
    )
    assert d.lines == (
        "income received: 1000.00",
        "no public-welfare share: all of 1000.00 goes to the households",
        "1000.00 shared among 3 household(s) by equal; the counts add up to 3",
        "remainder rule: each part is rounded down to the fen; the 1 fen left over go one each to the"
        " households whose parts lost the most in that rounding, ties to the household listed first",
    )


def test_by_members_gives_the_left_over_fen_to_the_largest_remainder():
    # 6 members: 100000 × 3/6 = 50000 (exact), × 2/6 = 33333.33…, × 1/6 = 16666.66…; 1 fen left: the third
    d = distribute(D("1000.00"), BY_MEMBERS, D("0"), [r(1, members=3), r(2, members=2), r(3, members=1)])
    assert amounts(d) == ["500.00", "333.33", "166.67"]
    assert d.parts[0].lines == (
        "3 of 6 members: 1000.00 × 3/6 = 500.00",
        "rounded down to the fen: 500.00",
        "no remainder → 500.00",
    )
    assert d.parts[2].lines[-1] == "remainder 0.6666… fen, 1 of 2 by remainder: gets one of the 1 fen left → 166.67"
    assert d.parts[1].lines[-1] == (
        "remainder 0.3333… fen, 2 of 2 by remainder: the 1 fen left went to larger remainders → 333.33"
    )


def test_weighted_by_the_listed_weights():
    # weights 1.5 + 1 + 0.5 = 3: 10000 fen × 1.5/3 = 5000, × 1/3 = 3333.33…, × 0.5/3 = 1666.66…
    d = distribute(D("100.00"), WEIGHTED, D("0"), [r(1, weight="1.5"), r(2, weight="1"), r(3, weight="0.5")])
    assert amounts(d) == ["50.00", "33.33", "16.67"]
    assert d.parts[0].lines[0] == "weight 1.5 of 3: 100.00 × 1.5/3 = 50.00"


def test_a_public_welfare_share_is_kept_first_half_up_to_the_fen():
    # 1234.56 × 0.2 = 246.912 → 246.91 kept; 987.65 shared: 98765 / 2 = 49382.5 each, 1 fen left to the first
    d = distribute(D("1234.56"), EQUAL, D("0.2"), [r(1), r(2)])
    assert d.public_amount == D("246.91")
    assert amounts(d) == ["493.83", "493.82"]
    assert d.distributed + d.public_amount == D("1234.56")
    assert d.lines[1] == (
        "public-welfare share 0.2 × 1234.56 = 246.91 (half-up to the fen), kept for public-welfare jobs and village works"
    )


def test_the_public_share_rounds_half_up():
    # 100.05 × 0.5 = 50.025 → 50.03 kept (half-up, not to even), 50.02 shared
    d = distribute(D("100.05"), EQUAL, D("0.5"), [r(1)])
    assert (d.public_amount, amounts(d)) == (D("50.03"), ["50.02"])


def test_several_fen_left_over_go_one_each_in_listed_order_on_ties():
    # 5 fen / 3 = 1.66… each: 1 fen each, 2 left: the first two
    assert amounts(distribute(D("0.05"), EQUAL, D("0"), [r(1), r(2), r(3)])) == ["0.02", "0.02", "0.01"]


def test_a_part_may_round_to_nothing_and_pays_nothing():
    d = distribute(D("0.01"), EQUAL, D("0"), [r(1), r(2), r(3)])
    assert amounts(d) == ["0.01", "0.00", "0.00"]
    assert [p.household_id for p in d.paid] == [1]
    assert all(p.included for p in d.parts)


def test_a_household_that_left_the_register_is_excluded_and_its_part_goes_to_the_others():
    _, why = standing_of("removed", None, None, False, date(2017, 12, 31))
    left = Recipient(2, 3, None, Standing.removed, why)
    d = distribute(D("900.00"), EQUAL, D("0"), [r(1), left, r(3)])
    assert amounts(d) == ["450.00", "0.00", "450.00"]
    assert not d.parts[1].included
    assert d.parts[1].lines == ("excluded (removed from the register) → 0.00",)
    assert "1 listed household(s) excluded, their parts going to the others" in d.lines
    assert d.parts[0].lines[0] == "1 of 2 equal parts: 900.00 × 1/2 = 450.00"


def test_by_members_a_household_with_no_member_left_gets_nothing():
    d = distribute(D("10.00"), BY_MEMBERS, D("0"), [r(1, members=0), r(2, members=4)])
    assert amounts(d) == ["0.00", "10.00"]
    assert d.parts[0].lines[0] == "0 of 4 members: 10.00 × 0/4 = 0.00"


def test_all_to_the_public_share():
    d = distribute(D("500.00"), EQUAL, D("1"), [r(1), r(2)])
    assert (d.public_amount, amounts(d), d.paid) == (D("500.00"), ["0.00", "0.00"], ())
    assert d.lines[-1] == "nothing is left to share among the households"


def test_nobody_left_to_share_among_is_refused():
    gone = [r(1, standing=Standing.removed), r(2, standing=Standing.continuation_ended)]
    with pytest.raises(NothingToShareAmong, match="no listed household is still on the register or monitored"):
        distribute(D("100.00"), EQUAL, D("0.1"), gone)
    with pytest.raises(NothingToShareAmong, match="member left"):
        distribute(D("100.00"), BY_MEMBERS, D("0"), [r(1, members=0)])
    # nothing to share: nobody needed
    assert distribute(D("100.00"), EQUAL, D("1"), gone).public_amount == D("100.00")


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="weight above 0"):
        distribute(D("10.00"), WEIGHTED, D("0"), [r(1)])
    with pytest.raises(ValueError, match="public_share"):
        distribute(D("10.00"), EQUAL, D("1.5"), [r(1)])
    with pytest.raises(ValueError, match="income"):
        distribute(D("10.001"), EQUAL, D("0"), [r(1)])
    with pytest.raises(ValueError, match="listed twice"):
        distribute(D("10.00"), EQUAL, D("0"), [r(1), r(1)])


# ---- who shares -------------------------------------------------------------------------------------

END_2021 = date(2021, 12, 31)


@pytest.mark.parametrize(
    ("status", "exited_year", "continuation_end", "monitored", "period_end", "standing", "why"),
    [
        ("registered", None, None, False, date(2017, 12, 31), Standing.registered, "on the register as registered"),
        ("returned", None, None, False, date(2017, 12, 31), Standing.registered, "on the register as returned"),
        (
            "exited",
            2016,
            END_2021,
            False,
            END_2021,
            Standing.exited_in_continuation,
            "exited in 2016, policy continuation until 2021-12-31",
        ),
        (
            "exited",
            2016,
            END_2021,
            False,
            date(2022, 12, 31),
            Standing.continuation_ended,
            "exited in 2016, policy continuation ended on 2021-12-31, not monitored",
        ),
        ("exited", 2016, END_2021, True, date(2022, 12, 31), Standing.monitored, "a monitored household"),
        ("removed", None, None, False, END_2021, Standing.removed, "removed from the register"),
        ("ordinary", None, None, True, END_2021, Standing.monitored, "a monitored household"),
        (
            "ordinary",
            None,
            None,
            False,
            END_2021,
            Standing.not_on_register,
            "not on the register (ordinary) and not monitored",
        ),
        (
            "applied",
            None,
            None,
            False,
            END_2021,
            Standing.not_on_register,
            "not on the register (applied) and not monitored",
        ),
    ],
)
def test_standing(status, exited_year, continuation_end, monitored, period_end, standing, why):
    got, reason = standing_of(status, exited_year, continuation_end, monitored, period_end)
    assert (got, str(reason)) == (standing, why)
    assert shares_income(got) == (
        standing in (Standing.registered, Standing.exited_in_continuation, Standing.monitored)
    )


def test_what_an_agreement_promises_a_year():
    assert promised_yearly(D("12000.00"), None, D("500000.00")) == D("12000.00")
    assert promised_yearly(None, D("0.08"), D("312500.55")) == D("25000.04")  # 25000.044 → half-up
    assert promised_yearly(None, None, D("1.00")) is None


# ---- properties ------------------------------------------------------------------------------------

money = st.integers(min_value=1, max_value=10**11).map(lambda fen: D(fen) / 100)
fractions = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 10_000)
weights = st.integers(min_value=1, max_value=1_000_000).map(lambda n: D(n) / 10_000)
standings = st.sampled_from(list(Standing))


@st.composite
def listed(draw):
    n = draw(st.integers(min_value=1, max_value=40))
    return [
        Recipient(i + 1, draw(st.integers(min_value=0, max_value=12)), draw(weights), draw(standings)) for i in range(n)
    ]


@settings(max_examples=400, deadline=None)
@given(money, st.sampled_from(list(DistributionMethod)), fractions, listed())
def test_the_parts_and_the_public_share_add_up_to_the_income_and_none_is_negative(income, method, share, recipients):
    try:
        d = distribute(income, method, share, recipients)
    except NothingToShareAmong:
        sharing = [x for x in recipients if shares_income(x.standing)]
        assert income - (income * share).quantize(D("0.01"), rounding="ROUND_HALF_UP") > 0
        assert not sharing or (method is BY_MEMBERS and all(x.members == 0 for x in sharing))
        return
    assert sum(p.amount for p in d.parts) + d.public_amount == income
    assert d.distributed + d.public_amount == income
    assert all(p.amount >= 0 for p in d.parts)
    assert all(p.amount == p.amount.quantize(D("0.01")) for p in d.parts)
    assert [p.household_id for p in d.parts] == [x.household_id for x in recipients]
    assert all(
        p.amount == 0 and not p.included
        for p, x in zip(d.parts, recipients, strict=True)
        if not shares_income(x.standing)
    )


@settings(max_examples=300, deadline=None)
@given(money, st.sampled_from(list(DistributionMethod)), listed())
def test_each_part_is_within_a_fen_of_its_exact_share(income, method, recipients):
    sharing = [x for x in recipients if shares_income(x.standing)]

    def count(x: Recipient) -> Fraction:
        return Fraction(1) if method is EQUAL else Fraction(x.members) if method is BY_MEMBERS else Fraction(x.weight)

    total = sum((count(x) for x in sharing), Fraction(0))
    if total == 0:
        return
    d = distribute(income, method, D("0"), recipients)
    by_id = {p.household_id: p for p in d.parts}
    for x in sharing:
        exact = Fraction(income) * count(x) / total
        assert abs(Fraction(by_id[x.household_id].amount) - exact) < Fraction(1, 100)
