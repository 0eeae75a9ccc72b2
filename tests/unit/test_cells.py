"""Text a spreadsheet would run as a formula is written as text; numbers and plain text are left as they are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.cells import safe_cell, safe_row


@pytest.mark.parametrize(
    "text", ["=cmd|'/C calc'!A0", "+SUM(1+1)", "-2+3", '@HYPERLINK("http://x")', "\t=1+1", "\r=1+1", "=1"]
)
def test_formula_text_is_prefixed_so_it_stays_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-12.50", "+5", "-3", "12.50", "张三", "E-1", "a=b", ""])
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_values_that_are_not_text_pass_through() -> None:
    assert safe_row([Decimal("-1.00"), 3, None, date(2017, 1, 1), "=x"]) == [
        Decimal("-1.00"),
        3,
        None,
        date(2017, 1, 1),
        "'=x",
    ]
