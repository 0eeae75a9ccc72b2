"""The pure rules of a public notice, from hand-worked cases: its days (both ends counted), the least days
of each kind, where it stands on a day, when its claims may be decided, and what a posted page may show."""

from __future__ import annotations

from datetime import date

import pytest

from app.notices.model import NoticeKind, Standing
from app.notices.rules import blocks_decision, days_posted, least_days, notice_number, printed_facts, standing_on
from app.registry.masking import mask_given_name

BY_KIND = {
    NoticeKind.identification: 7,
    NoticeKind.monitoring_intake: 5,
    NoticeKind.risk_elimination: 5,
    NoticeKind.subsidy_claims: 5,
}


def test_a_notice_counts_its_first_and_last_day():
    assert days_posted(date(2026, 3, 1), date(2026, 3, 1)) == 1
    assert days_posted(date(2026, 3, 1), date(2026, 3, 7)) == 7
    assert days_posted(date(2024, 2, 27), date(2024, 3, 1)) == 4  # a leap year's 29 February counts


def test_least_days_by_kind_and_a_schemes_longer_days():
    assert least_days(NoticeKind.identification, BY_KIND) == 7
    assert least_days(NoticeKind.monitoring_intake, BY_KIND) == 5
    assert least_days(NoticeKind.subsidy_claims, BY_KIND, scheme_days=10) == 10
    assert least_days(NoticeKind.subsidy_claims, BY_KIND, scheme_days=3) == 5  # the deployment's floor holds


@pytest.mark.parametrize(
    ("day", "standing"),
    [
        (date(2026, 2, 28), Standing.upcoming),
        (date(2026, 3, 1), Standing.posted),
        (date(2026, 3, 7), Standing.posted),
        (date(2026, 3, 8), Standing.ended),
    ],
)
def test_where_a_notice_stands(day, standing):
    assert standing_on(day, date(2026, 3, 1), date(2026, 3, 7)) is standing


def test_a_claim_is_decided_the_day_after_its_notice_ended_clean():
    last = date(2026, 3, 7)
    assert blocks_decision(date(2026, 3, 7), last, 0) == "standing"  # its last day is still a notice day
    assert blocks_decision(date(2026, 3, 8), last, 1) == "objection"
    assert blocks_decision(date(2026, 3, 8), last, 0) is None


def test_the_number_is_the_county_the_year_and_the_id():
    assert notice_number("429005", 2026, 123) == "GS429005-2026-000123"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("张明", "张*"),
        ("欧阳娜娜", "欧**娜"),
        ("买买提·艾力", "买****力"),
        ("李", "*"),
        (" 王 五 ", "王*"),
    ],
)
def test_a_posted_name_keeps_the_family_name_and_hides_the_given_name(name, masked):
    assert mask_given_name(name) == masked


def test_a_page_shows_the_kinds_facts_in_words_and_no_health_cause():
    facts = {"attribute": "dibao", "causes": ["illness", "disability", "lack_of_skills"], "phone": "13907281234"}
    assert printed_facts(NoticeKind.identification, facts) == ["低保贫困户", "缺技术"]
    assert printed_facts(NoticeKind.identification, {"attribute": "tekun", "causes": ["illness"]}) == [
        "特困供养贫困户",
        "—",
    ]
    # a value the fixed list does not know is a dash, never printed as given
    assert printed_facts(NoticeKind.monitoring_intake, {"category": "13907281234"}) == ["—"]
    claim = {
        "industry": "crayfish_rice",
        "industry_name": "虾稻",
        "unit": "mu",
        "declared_quantity": "6.00",
        "verified_quantity": "5.50",
        "amount": "1650",
    }
    assert printed_facts(NoticeKind.subsidy_claims, claim) == ["虾稻", "6 亩", "5.5 亩", "1650.00"]
