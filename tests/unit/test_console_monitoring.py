"""What the console's monitoring pages work out on their own: which cases are due this week, in which order,
which step (of identification or of risk elimination) a role is offered on a case, how several codes in one
refusal read (pure functions; the pages themselves are in tests/api)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.console.i18n import Texts
from app.console.monitoring_pages import _percent, due_soon
from app.console.offers import (
    case_next_step,
    case_step_offer,
    elimination_next_step,
    elimination_step_offer,
    household_actions,
    may_begin_elimination,
)
from app.console.vocabulary import TERMS
from app.console.web import chosen_id
from app.core.messages import listing, message
from app.core.principal import Role
from app.monitoring.case_rules import (
    CHECKLIST,
    CaseSettings,
    EliminationFacts,
    EliminationStep,
    Step,
    elimination_refusals,
)
from app.monitoring.schemas import CaseOut, OverdueOut
from app.registry.model import HouseholdStatus

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


def test_risk_elimination_is_offered_by_state_and_role():
    under_way = {"step": "home_checked", "steps": {"home_checked": {"on": "2024-11-05", "by": ["王明", "李华"]}}}
    assert may_begin_elimination(Role.town_officer, "monitored") and may_begin_elimination(Role.admin, "monitored")
    assert not may_begin_elimination(Role.town_officer, "identifying")
    assert not may_begin_elimination(Role.town_officer, "eliminating")
    assert not may_begin_elimination(Role.finance, "monitored") and not may_begin_elimination(Role.auditor, "monitored")
    assert elimination_step_offer(Role.town_officer, "eliminating", under_way) is EliminationStep.village_reviewed
    assert elimination_step_offer(Role.auditor, "eliminating", under_way) is None
    reviewed = {**under_way, "step": "town_reviewed"}
    assert elimination_next_step("eliminating", reviewed) is EliminationStep.approved
    assert elimination_step_offer(Role.town_officer, "eliminating", reviewed) is None  # the county approves
    assert elimination_step_offer(Role.admin, "eliminating", reviewed) is EliminationStep.approved
    assert elimination_next_step("eliminated", {**under_way, "step": "approved"}) is None
    assert elimination_next_step("monitored", None) is None


def test_several_codes_in_one_refusal_read_in_words_in_either_language():
    facts = EliminationFacts(
        months_above_line=8,
        rigid_spending_resolved=True,
        checklist=dict.fromkeys(CHECKLIST, True) | {"food": False, "safe_drinking_water": False},
        risk_gone=True,
        has_labour=True,
        protection_income_share=Decimal("0.1"),
    )
    (reason,) = elimination_refusals(facts, CaseSettings())
    assert str(reason) == "not secured: food, safe_drinking_water"  # the API's words are the codes
    assert Texts("zh").say(reason) == "尚未达到：不愁吃、饮水安全有保障"
    assert Texts("en").say(reason) == "not secured: enough to eat, safe drinking water"
    several = message("{reasons}", reasons=listing([message("the risk is not gone"), reason], "; "))
    assert str(several) == "the risk is not gone; not secured: food, safe_drinking_water"
    assert Texts("zh").say(several) == "返贫致贫风险尚未消除；尚未达到：不愁吃、饮水安全有保障"


def test_every_guarantee_of_the_home_check_has_its_words():
    for item in CHECKLIST:
        assert ("guarantee", item) in TERMS, item


def test_a_filter_chooses_an_id_or_none_and_the_share_reads_in_per_cent():
    assert [chosen_id(v) for v in (None, "", "7", "007", "x", "-1", "0", "٣", "99999999999")] == [
        None,
        None,
        7,
        7,
        None,
        None,
        None,
        None,
        None,
    ]
    assert (_percent("0.125"), _percent("0.1000"), _percent("1"), _percent(None)) == ("12.5", "10", "100", "")


def test_an_ordinary_household_is_offered_no_claim():
    assert "claims.file" in household_actions(Role.town_officer, HouseholdStatus.registered)
    assert "claims.file" not in household_actions(Role.town_officer, HouseholdStatus.ordinary)
