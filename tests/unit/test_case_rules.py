"""The prevention mechanism's rules (issue 14) from hand-worked cases: categories against a monitoring line,
intake, deadlines and overdue days, and when a risk may be marked eliminated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.monitoring.case_rules import (
    CHECKLIST,
    CaseSettings,
    Category,
    EliminationFacts,
    Finances,
    Overdue,
    Standing,
    Step,
    category,
    due_days,
    elimination_refusals,
    intake_refusal,
    overdue,
)

SETTINGS = CaseSettings()
LINE_2024 = D("8700")  # one province's monitoring line in 2024


@pytest.mark.parametrize(
    ("standing", "money", "expected"),
    [
        (Standing.exited, Finances(D("6200")), Category.unstable),  # exited, under the line
        (Standing.ordinary, Finances(D("8699.99")), Category.marginal),  # never registered, a fen under
        (Standing.ordinary, Finances(D("8700")), None),  # on the line is not under it
        # above the line, but 12,000 of medical costs leave 14,000 - 12,000 = 2,000 a person: sudden hardship
        (Standing.ordinary, Finances(D("14000"), rigid_spending=D("12000")), Category.sudden_hardship),
        (Standing.exited, Finances(D("14000"), rigid_spending=D("5300")), None),  # 8,700 left: not under
        # income fell from 30,000 to 12,000 (60%, at least half): sudden hardship though above the line
        (Standing.ordinary, Finances(D("12000"), previous_income=D("30000")), Category.sudden_hardship),
        (Standing.ordinary, Finances(D("16000"), previous_income=D("30000")), None),  # fell 46.7%: not sharply
        (Standing.registered, Finances(D("3000")), None),  # still a poor household: helped, not monitored
    ],
)
def test_categories(standing, money, expected):
    assert category(standing, money, LINE_2024, SETTINGS) is expected


def test_a_household_above_the_line_with_nothing_against_it_is_not_taken_in():
    refusal = intake_refusal(Standing.ordinary, Finances(D("12000"), D("1000"), D("11000")), LINE_2024, SETTINGS)
    assert refusal is not None and "not under the monitoring line 8700.00" in str(refusal)
    assert intake_refusal(Standing.exited, Finances(D("6000")), LINE_2024, SETTINGS) is None
    assert "assisted as a poor household" in str(
        intake_refusal(Standing.registered, Finances(D("1")), LINE_2024, SETTINGS)
    )


def test_fifteen_days_in_all_step_by_step():
    due = due_days(date(2024, 3, 1), SETTINGS)  # applied on Friday 1 March 2024
    assert due[Step.surveyed] == date(2024, 3, 4)  # 3 days
    assert due[Step.data_checked] == date(2024, 3, 6)
    assert due[Step.village_reviewed] == date(2024, 3, 8)
    assert due[Step.noticed] == date(2024, 3, 13)  # the notice's 5 days
    assert due[Step.announced] == date(2024, 3, 16)  # 15 days after the application


def test_working_days_skip_the_weekend():
    settings = CaseSettings(working_days=True)
    due = due_days(date(2024, 3, 1), settings)  # Friday
    assert due[Step.surveyed] == date(2024, 3, 6)  # Mon 4, Tue 5, Wed 6
    assert due[Step.announced] == date(2024, 3, 22)  # 15 working days: three weeks


def test_a_case_is_overdue_from_the_day_after_its_step_was_due():
    applied = date(2024, 3, 1)
    done = [Step.applied, Step.surveyed, Step.data_checked]  # the village review was due on 8 March
    assert overdue(applied, done, date(2024, 3, 8), SETTINGS) is None
    assert overdue(applied, done, date(2024, 3, 9), SETTINGS) == Overdue(Step.village_reviewed, date(2024, 3, 8), 1)
    assert overdue(applied, done, date(2024, 3, 20), SETTINGS) == Overdue(Step.village_reviewed, date(2024, 3, 8), 12)
    assert overdue(applied, list(Step), date(2025, 1, 1), SETTINGS) is None  # announced: done


def facts(**over) -> EliminationFacts:
    base = {
        "months_above_line": 7,
        "rigid_spending_resolved": True,
        "checklist": dict.fromkeys(CHECKLIST, True),
        "risk_gone": True,
        "has_labour": True,
        "protection_income_share": D("0.1"),
    }
    return EliminationFacts(**(base | over))


def test_a_risk_is_eliminated_when_every_condition_holds():
    assert elimination_refusals(facts(), SETTINGS) == []


def test_a_household_without_labour_living_on_social_protection_is_never_cleared():
    # income stably above the line, every guarantee secured: still monitored, because the dibao is its income
    refusals = elimination_refusals(facts(has_labour=False, protection_income_share=D("0.8")), SETTINGS)
    assert len(refusals) == 1 and "stays monitored" in str(refusals[0])
    # without labour but living on a pension and rent, not on social protection: may be cleared
    assert elimination_refusals(facts(has_labour=False, protection_income_share=D("0.2")), SETTINGS) == []


def test_each_missing_condition_is_a_reason():
    refusals = elimination_refusals(
        facts(
            months_above_line=4,
            rigid_spending_resolved=False,
            checklist=dict.fromkeys(CHECKLIST, True) | {"safe_drinking_water": False},
            risk_gone=False,
        ),
        SETTINGS,
    )
    assert [str(r) for r in refusals] == [
        "income above the line for 4 month(s), not yet the 6 needed",
        "the rigid spending is not resolved",
        "not secured: safe_drinking_water",
        "the risk is not gone",
    ]


def test_settings_are_checked():
    with pytest.raises(ValueError, match="income_drop_share"):
        CaseSettings(income_drop_share=D("1.5"))
    with pytest.raises(ValueError, match="stable_months"):
        CaseSettings(stable_months=0)
