"""The exit test and the village incidence rule, without a database."""

from datetime import date
from decimal import Decimal

from app.monitoring.rules import CHECKLIST, below_watch_line, exit_test, per_capita_income, revisit_due
from app.registry.rules import incidence_refusal

ALL = {key: True for key, _ in CHECKLIST}


def test_passes_when_every_guarantee_is_met_and_income_is_above_the_line():
    t = exit_test(ALL, Decimal("8000.00"), Decimal("1000.00"), 3, Decimal("2952"))
    assert t.passed and t.per_capita == Decimal("3000.00") and t.reasons == ()
    assert len(t.lines) == len(CHECKLIST) + 2


def test_income_exactly_at_the_line_is_not_above_it():
    t = exit_test(ALL, Decimal("8856.00"), Decimal("0"), 3, Decimal("2952"))
    assert t.per_capita == Decimal("2952.00") and not t.passed
    assert t.reasons == ("per-capita income 2952.00 is not above the poverty line 2952.00",)


def test_per_capita_rounds_half_up_to_the_fen():
    assert exit_test(ALL, Decimal("10.00"), Decimal("0.01"), 2, Decimal("1")).per_capita == Decimal("5.01")  # 5.005


def test_per_capita_income_is_the_exit_tests_figure():
    # 4425.625: half-up gives 4425.63 (half-even would give 4425.62); the monitoring list uses the same function
    assert per_capita_income(Decimal("8851.25"), 2) == Decimal("4425.63")
    assert exit_test(ALL, Decimal("8851.25"), Decimal("0"), 2, Decimal("2952")).per_capita == Decimal("4425.63")
    assert per_capita_income(Decimal("100"), 0) == Decimal("0.00")


def test_each_unmet_guarantee_is_a_reason():
    checklist = {**ALL, "food": False, "safe_drinking_water": False}
    t = exit_test(checklist, Decimal("99999"), Decimal("0"), 1, Decimal("2952"))
    assert not t.passed and len(t.reasons) == 2 and "不愁吃" in t.reasons[0] and "饮水" in t.reasons[1]


def test_watch_line_is_a_multiple_of_the_poverty_line():
    assert below_watch_line(Decimal("4427.99"), Decimal("2952"), Decimal("1.5"))
    assert not below_watch_line(Decimal("4428.00"), Decimal("2952"), Decimal("1.5"))


def test_village_incidence_must_be_below_the_threshold():
    assert incidence_refusal(23, 1200, Decimal("0.02")) is None  # 1.92 %
    refusal = incidence_refusal(24, 1200, Decimal("0.02"))  # exactly 2.00 %
    assert refusal is not None and "2.00%" in refusal
    assert "not recorded" in incidence_refusal(0, None, Decimal("0.02"))


def test_a_household_of_no_members_has_no_income_per_head_and_fails():
    t = exit_test(ALL, Decimal("5000"), Decimal("0"), 0, Decimal("2952"))
    assert t.per_capita == Decimal("0.00") and not t.passed


def test_the_record_shows_the_sum_redone_by_hand():
    t = exit_test(ALL, Decimal("8000.00"), Decimal("1000.00"), 3, Decimal("2952"))
    assert t.lines[-2] == (
        "income 8000.00 from the ledger + 1000.00 other net income = 9000.00 over 3 member(s) = 3000.00 per person"
    )
    assert t.lines[-1] == "above the poverty line 2952.00: met"
    assert [line.rsplit(": ", 1)[1] for line in t.lines[: len(CHECKLIST)]] == ["met"] * len(CHECKLIST)


def test_the_checklist_needs_every_item():
    # a missing answer is not taken as met
    incomplete = {key: True for key, _ in CHECKLIST[1:]}
    try:
        exit_test(incomplete, Decimal("99999"), Decimal("0"), 1, Decimal("2952"))
    except KeyError as exc:
        assert exc.args == (CHECKLIST[0][0],)
    else:
        raise AssertionError("an incomplete checklist passed")


def test_a_revisit_is_due_the_given_days_after():
    assert revisit_due(date(2017, 12, 15), 30) == date(2018, 1, 14)
    assert revisit_due(date(2020, 2, 28), 1) == date(2020, 2, 29)
