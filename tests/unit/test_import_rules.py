"""The import's pure parts: a cell read as its column's type, and an imported household's history (its order,
and what a later export may change)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.imports.cells import CellProblem, read_cell
from app.imports.rules import Step, flow_change, history, history_problems
from app.sheets.templates import HOUSEHOLDS, LINKS, MEMBERS, VILLAGES

TODAY = dt.date(2026, 11, 29)


def col(sheet, name):
    return sheet.column(name)


@pytest.mark.parametrize(
    ("column", "raw", "value"),
    [
        (col(HOUSEHOLDS, "registry_no"), "429005101000001", "429005101000001"),
        (col(HOUSEHOLDS, "registry_no"), 42900510100001.0, "42900510100001"),  # typed as a number, 14 digits
        (col(MEMBERS, "id_number"), " 42900519650304007x ", "42900519650304007x"),
        (col(HOUSEHOLDS, "attribute"), "低保贫困户", "dibao"),
        (col(HOUSEHOLDS, "attribute"), "dibao", "dibao"),
        (col(HOUSEHOLDS, "causes"), "因病;缺技术", ["illness", "lack_of_skills"]),
        (col(HOUSEHOLDS, "causes"), "因病、因病,缺技术", ["illness", "lack_of_skills"]),  # each once
        (col(HOUSEHOLDS, "identified_year"), 2014.0, 2014),
        (col(HOUSEHOLDS, "registered_on"), dt.datetime(2014, 10, 20), dt.date(2014, 10, 20)),
        (col(HOUSEHOLDS, "registered_on"), "2014/10/20", dt.date(2014, 10, 20)),
        (col(HOUSEHOLDS, "registered_on"), "2014年10月20日", dt.date(2014, 10, 20)),
        (col(HOUSEHOLDS, "late_addition"), "是", True),
        (col(HOUSEHOLDS, "late_addition"), False, False),
        (col(VILLAGES, "rural_population"), "1,860", 1860),
        (col(LINKS, "share_capital"), 400.35, Decimal("400.35")),  # the float Excel keeps, read as it shows
        (col(LINKS, "share_capital"), "¥5,000", Decimal("5000.00")),
        (col(LINKS, "dividend_rate"), "0.08", Decimal("0.08")),
    ],
)
def test_a_cell_is_read_as_its_column_type(column, raw, value):
    assert read_cell(raw, column) == value


@pytest.mark.parametrize(
    ("column", "raw", "reason"),
    [
        (col(HOUSEHOLDS, "registry_no"), 42900510120100001.0, "lost its last digits"),  # 17 digits as a float
        (col(HOUSEHOLDS, "village_code"), "4290051012", "must be 12 characters, not 10"),
        (col(HOUSEHOLDS, "attribute"), "富裕户", "is not one of"),
        (col(HOUSEHOLDS, "identified_year"), "二〇一四", "is not a whole number"),
        (col(HOUSEHOLDS, "identified_year"), 1800, "is not a year"),
        (col(HOUSEHOLDS, "registered_on"), "2014-02-30", "is not a calendar date"),
        (col(HOUSEHOLDS, "registered_on"), 41932, "is a number, not a date"),
        (col(HOUSEHOLDS, "late_addition"), "maybe", "must be 是 or 否"),
        (col(LINKS, "share_capital"), "12.345", "more than two decimals"),
        (col(LINKS, "share_capital"), "a lot", "is not a number"),
    ],
)
def test_a_cell_that_is_not_its_type_says_why(column, raw, reason):
    with pytest.raises(CellProblem) as refused:
        read_cell(raw, column)
    assert reason in str(refused.value)


def row(**over):
    return {
        "identified_year": 2014,
        "registered_on": dt.date(2014, 7, 1),
        "status": "registered",
        "exited_on": None,
        "returned_on": None,
        "removed_on": None,
        "removed_reason": None,
    } | over


def test_the_history_of_a_returned_household_in_order():
    values = row(status="returned", exited_on=dt.date(2016, 12, 20), returned_on=dt.date(2017, 9, 1))
    assert history_problems(values, TODAY) == []
    assert history(values) == [
        Step("registered", dt.date(2014, 7, 1)),
        Step("exited", dt.date(2016, 12, 20)),
        Step("returned", dt.date(2017, 9, 1)),
    ]


def test_without_a_registration_day_a_household_counts_from_the_end_of_its_year():
    assert history(row(registered_on=None))[0] == Step("registered", dt.date(2014, 12, 31))


@pytest.mark.parametrize(
    ("values", "column"),
    [
        (row(status="exited"), "exited_on"),
        (row(status="removed", removed_on=dt.date(2016, 1, 1)), "removed_reason"),
        (row(exited_on=dt.date(2016, 1, 1)), "exited_on"),  # still registered
        (row(status="exited", exited_on=dt.date(2014, 3, 1)), "exited_on"),  # before registration
        (row(status="returned", exited_on=dt.date(2016, 1, 1), returned_on=dt.date(2015, 1, 1)), "returned_on"),
        (row(registered_on=dt.date(2013, 7, 1)), "registered_on"),  # before the year identified
        (row(status="exited", exited_on=dt.date(2027, 1, 1)), "exited_on"),  # after today
        (row(status="surveyed"), "status"),  # a step of identification
        (row(status="ordinary"), "status"),  # on no register
    ],
)
def test_a_history_that_cannot_be_names_its_column(values, column):
    assert column in [c for c, _ in history_problems(values, TODAY)]


def test_an_ordinary_household_is_not_imported_and_the_problem_says_why():
    (problem,) = history_problems(row(status="ordinary"), TODAY)
    assert problem[0] == "status" and "ordinary household is on no register" in str(problem[1])


def test_a_later_export_moves_a_household_forward():
    on_record = {"registered": dt.date(2014, 7, 1)}
    steps = history(row(status="exited", exited_on=dt.date(2017, 12, 10)))
    assert flow_change("registered", on_record, steps) == ([Step("exited", dt.date(2017, 12, 10))], None)
    assert flow_change("registered", on_record, history(row())) == ([], None)  # the same: nothing to add


def test_a_later_export_never_moves_a_household_back_nor_redates_a_step():
    on_record = {"registered": dt.date(2014, 7, 1), "exited": dt.date(2016, 12, 20)}
    added, refusal = flow_change("exited", on_record, history(row()))
    assert added == [] and refusal is not None and refusal[0] == "status"
    added, refusal = flow_change("exited", on_record, history(row(status="exited", exited_on=dt.date(2016, 12, 1))))
    assert added == [] and refusal is not None and refusal[0] == "exited_on"
    removed = {"registered": dt.date(2014, 7, 1), "removed": dt.date(2016, 5, 10)}
    _, refusal = flow_change("removed", removed, history(row()))
    assert refusal is not None and refusal[0] == "status"
