"""What the console's monitoring pages work out on their own: which cases are due this week, in which order, and
which step a role is offered on a case (pure functions; the pages themselves are in tests/api)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.console.monitoring_pages import due_soon
from app.console.offers import case_next_step, case_step_offer
from app.core.principal import Role
from app.monitoring.case_rules import Step
from app.monitoring.schemas import CaseOut, OverdueOut

TODAY = date(2024, 3, 20)


def _case(case_id: int, applied: date, step: str, state: str = "identifying", overdue: OverdueOut | None = None):
    return CaseOut(
        id=case_id,
        household_id=case_id,
        registry_no=f"R{case_id}",
        town_id=1,
        county_code="429005",
        channel="watch",
        category="unstable",
        year=2024,
        line=Decimal("8700"),
        income=Decimal("6200"),
        rigid_spending=Decimal(0),
        previous_income=None,
        applied_on=applied,
        step=step,
        state=state,
        steps={},
        overdue=overdue,
    )


def test_due_this_week_puts_the_longest_overdue_first_then_the_nearest_day():
    found = [
        _case(1, date(2024, 3, 18), "applied"),  # survey due 21 March
        _case(2, date(2024, 3, 1), "applied", overdue=OverdueOut(step="surveyed", due_on=date(2024, 3, 4), days=16)),
        _case(3, date(2024, 3, 19), "applied"),  # survey due 22 March
        _case(
            4,
            date(2024, 3, 10),
            "data_checked",
            overdue=OverdueOut(step="village_reviewed", due_on=date(2024, 3, 17), days=3),
        ),
        _case(5, date(2024, 3, 19), "surveyed"),  # data check due 24 March
        _case(6, date(2024, 3, 20), "surveyed"),  # data check due 25 March
        _case(7, date(2024, 3, 20), "applied"),  # survey due 23 March
    ]
    assert [(d.case.id, d.step, d.days_overdue) for d in due_soon(found, TODAY, days=4)] == [
        (2, Step.surveyed, 16),
        (4, Step.village_reviewed, 3),
        (1, Step.surveyed, 0),
        (3, Step.surveyed, 0),
        (7, Step.surveyed, 0),
        (5, Step.data_checked, 0),
    ]  # case 6 is due on 25 March, past the four days
    assert due_soon([_case(8, date(2024, 3, 1), "approved", state="monitored")], TODAY) == []


def test_the_county_approves_others_record_the_rest():
    assert case_step_offer(Role.town_officer, "identifying", "applied") is Step.surveyed
    assert case_step_offer(Role.town_officer, "identifying", "town_reviewed") is None
    assert case_step_offer(Role.admin, "identifying", "town_reviewed") is Step.approved
    assert case_step_offer(Role.town_officer, "monitored", "approved") is Step.announced
    assert case_step_offer(Role.finance, "identifying", "applied") is None
    assert case_step_offer(Role.auditor, "identifying", "applied") is None
    assert case_next_step("monitored", "announced") is None
    assert case_next_step("eliminating", "approved") is None
