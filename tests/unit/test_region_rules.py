"""Division codes (app/regions/rules.py): levels by length, own digits, parents by prefix and level."""

from __future__ import annotations

import pytest

from app.regions import rules
from app.regions.model import Level


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("42", Level.province),
        ("4201", Level.city),
        ("429005", Level.county),
        ("429005001", Level.town),
        ("429005001001", Level.village),
    ],
)
def test_the_length_says_the_level(code, level):
    assert rules.code_problem(code) is None
    assert rules.level_of(code) is level


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("", "digits"),
        ("4a", "digits"),
        ("４２", "ASCII"),  # full-width digits are digits to str.isdigit, not to a code
        ("429", "2 (province)"),
        ("4290051", "2 (province)"),
        ("4290050010011", "2 (province)"),
        ("00", "own digits"),
        ("4200", "own digits"),
        ("429000", "own digits"),
        ("429005000", "own digits"),
        ("429005001000", "own digits"),
    ],
)
def test_a_bad_code_says_why(code, says):
    problem = rules.code_problem(code)
    assert problem is not None and says in problem
    with pytest.raises(ValueError):
        rules.level_of(code)


def test_parent_candidates_prefer_the_level_one_up():
    assert rules.parent_candidates("42") == []
    assert rules.parent_candidates("4201") == ["42"]
    assert rules.parent_candidates("429005") == ["4290", "42"]  # a county: its city, else its province
    assert rules.parent_candidates("429005001") == ["429005"]
    assert rules.parent_candidates("429005001001") == ["429005001"]


@pytest.mark.parametrize(
    ("code", "parent", "ok"),
    [
        ("42", None, True),
        ("4201", "42", True),
        ("429005", "4290", True),
        ("429005", "42", True),  # Qianjiang: a county-level city directly under Hubei
        ("429005001", "429005", True),
        ("429005001001", "429005001", True),
        ("4201", None, False),  # only a province is a root
        ("42", "43", False),
        ("429005", "43", False),  # not a prefix
        ("429005001", "429006", False),
        ("429005001", "4290", False),  # a town never skips its county
        ("429005001", "42", False),
        ("429005001001", "429005", False),  # nor a village its town
        ("4201", "4201", False),
    ],
)
def test_a_parent_is_a_prefix_one_level_up_or_a_province_for_a_county(code, parent, ok):
    assert (rules.parent_problem(code, parent) is None) is ok


def test_next_code_numbers_from_one_as_the_national_scheme_does():
    assert rules.next_code("429005", Level.town, set()) == "429005001"
    assert rules.next_code("429005", Level.town, {"429005001", "429005002"}) == "429005003"
    assert rules.next_code("429005001", Level.village, {"429005001001"}) == "429005001002"
    with pytest.raises(ValueError):
        rules.next_code(
            "42900",
            Level.county,
            {"429001", "429002", "429003", "429004", "429005", "429006", "429007", "429008", "429009"},
        )
