"""A spreadsheet cell read as its column's type: the value, or the reason it is not one.

Pure: no database, no file. A cell arrives as python-calamine gives it from ``.xlsx`` (``str``, ``int``,
``float``, ``bool``, ``date``, ``datetime``) or as the text of a CSV field; both read the same way, so a CSV
saved from the template imports as the workbook does.

Codes (registry numbers, ID numbers, division codes) are text. A code Excel stored as a number comes back as
a float: up to 15 digits it is the number that was typed and is read back as its digits; a longer one has
lost its last digits already (Excel keeps 15), which is a problem the row names rather than a code quietly
wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.messages import N_, Message, message
from app.sheets.columns import CellType, Column

EXCEL_DIGITS = 15
TRUE_WORDS = frozenset({"是", "true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"否", "false", "no", "n", "0", "f"})
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?")


class CellProblem(Exception):
    """The cell cannot be read as its column's type; ``reason`` says why in the reader's words."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet would run as a formula: ChainAid's exports write such text behind a ``'``
(``app.core.cells.safe_cell``), which reading takes off again, so an export imports back as it was."""


def _text(raw: Any) -> str:
    if raw.__class__ is str:  # every CSV cell, most workbook cells: the common case first
        text = raw.strip() if "\n" in raw else " ".join(raw.split())
        if text[:1] == "'" and text[1:2] in FORMULA_STARTS and text[1:2]:
            return text[1:]
        return text
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return " ".join(str(raw).split()) if "\n" not in str(raw) else str(raw).strip()


def _code(raw: Any, column: Column) -> str:
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellProblem(message(N_("is a number with decimals, not a code")))
        if abs(raw) >= 10**EXCEL_DIGITS:
            raise CellProblem(
                message(N_("was stored as a number and lost its last digits; format the column as text and retype it"))
            )
    text = "".join(_text(raw).split())
    if column.length is not None:
        least, most = column.length
        if not least <= len(text) <= most:
            if least == most:
                raise CellProblem(
                    message(N_("must be {length} characters, not {actual}"), length=least, actual=len(text))
                )
            raise CellProblem(
                message(
                    N_("must be {least} to {most} characters, not {actual}"), least=least, most=most, actual=len(text)
                )
            )
    return text


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellProblem(message(N_("is not a whole number")))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = _text(raw).replace(",", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellProblem(message(N_("is not a whole number")))


def _decimal(raw: Any, *, money: bool) -> Decimal:
    if isinstance(raw, bool):
        raise CellProblem(message(N_("is not a number")))
    # a float from Excel is read as the shortest text that is that float: 400.35, not 400.3499999...
    text = repr(raw) if isinstance(raw, float) else _text(raw).replace(",", "").replace("¥", "").replace("元", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellProblem(message(N_("is not a number"))) from None
    if not value.is_finite():
        raise CellProblem(message(N_("is not a number")))
    if money:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite
        if exponent < -2 and value != value.quantize(Decimal("0.01")):
            raise CellProblem(message(N_("has more than two decimals (yuan to the fen)")))
        return value.quantize(Decimal("0.01"))
    return value


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellProblem(message(N_("is a number, not a date (format the cell as a date or type yyyy-mm-dd)")))
    match = _DATE_TEXT.fullmatch(_text(raw))
    if match is None:
        raise CellProblem(message(N_("is not a date (yyyy-mm-dd)")))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellProblem(message(N_("is not a calendar date"))) from None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellProblem(message(N_("must be 是 or 否")))


def _choice(raw: Any, column: Column) -> str:
    found = column.codes.get(_text(raw))
    if found is None:
        raise CellProblem(
            message(
                N_("{value} is not one of: {choices}"),
                value=_text(raw),
                choices="、".join(c.label for c in column.choices),
            )
        )
    return found


def _choices(raw: Any, column: Column) -> list[str]:
    text = _text(raw)
    codes = column.codes_for(text)
    if not codes:
        raise CellProblem(message(N_("is empty")))
    unknown = [part for part, found in zip(_parts(text), codes, strict=True) if found is None]
    if unknown:
        raise CellProblem(
            message(
                N_("{value} is not one of: {choices}"),
                value="、".join(unknown),
                choices="、".join(c.label for c in column.choices),
            )
        )
    return list(dict.fromkeys(c for c in codes if c is not None))  # each once, in the order written


def _parts(text: str) -> list[str]:
    for sep in (";", ",", ",", "、"):
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def _year(raw: Any, column: Column) -> int:
    year = _integer(raw)
    if not 1949 <= year <= 2100:
        raise CellProblem(message(N_("is not a year")))
    return year


_READERS: dict[CellType, Callable[[Any, Column], Any]] = {
    CellType.text: lambda raw, column: _text(raw),
    CellType.code: _code,
    CellType.integer: lambda raw, column: _integer(raw),
    CellType.year: _year,
    CellType.decimal: lambda raw, column: _decimal(raw, money=False),
    CellType.money: lambda raw, column: _decimal(raw, money=True),
    CellType.date: lambda raw, column: _date(raw),
    CellType.boolean: lambda raw, column: _boolean(raw),
    CellType.choice: _choice,
    CellType.choices: _choices,
}


def read_cell(raw: Any, column: Column) -> Any:
    """The value of a non-blank cell as ``column``'s type; ``CellProblem`` when it is not one."""
    return _READERS[column.type](raw, column)
