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
