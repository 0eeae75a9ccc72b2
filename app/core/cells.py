"""Cells safe to open in a spreadsheet: text a spreadsheet would run as a formula is written as text.

Excel and WPS treat a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) as a formula, so a payout reference like ``=cmd|'/C calc'!A0`` would run when the bureau
opens the export. Following OWASP's advice, such text is prefixed with ``'``, which spreadsheets show
as the text itself; numbers (``-12.50``) are left alone. Every CSV the system writes goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def sql_safe_text(expression: str) -> str:
    """``safe_cell`` in SQL, for exports the database writes itself (``COPY … TO STDOUT``): the text of
    ``expression`` (a column written in the query's code, never input) with ``'`` before a formula start,
    numbers left alone. ``tests/api/test_cells_sql.py`` holds the two to the same answers."""
    return (
        rf"CASE WHEN {expression} ~ '^[=+@\t\r-]' AND {expression} !~ '^[+-]?[0-9]+(\.[0-9]+)?$'"
        f" THEN '''' || {expression} ELSE {expression} END"
    )
