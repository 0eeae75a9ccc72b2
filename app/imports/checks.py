"""Checks the kinds of import share: a domain's refusal as a row's problem, the one county of an import, a
row's first appearance in the file."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.errors import DomainError
from app.core.messages import N_, Message, message
from app.imports.files import Problem, Row, SheetRows
from app.imports.outcome import Checked
from app.sheets.columns import SEPARATORS


def reason_of(error: Exception) -> Message:
    """What a domain's check said, without the field it names (the problem names the column)."""
    if isinstance(error, DomainError) and error.text is not None:
        return error.text
    text = str(error)
    field = getattr(error, "field", None)
    if field and text.startswith(f"{field}: "):
        text = text[len(field) + 2 :]
    return message(N_("{reason}"), reason=text)


def keep_absent(sheet: SheetRows, row: Row, on_record: Mapping[str, Any]) -> None:
    """A column the file leaves out keeps what is on record: the row takes the record's value for each of the
    sheet's columns its header does not have (so a file without the phone column does not blank the phones)."""
    for name, value in on_record.items():
        if name not in sheet.columns and any(c.name == name for c in sheet.sheet.columns):
            row.values[name] = value


def codes_in(text: str) -> list[str]:
    """The codes of a cell that lists several (``crayfish_rice;soybean``), each once, lower case, in order."""
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return list(dict.fromkeys(p.strip().lower() for p in text.split(SEPARATORS[0]) if p.strip()))


def in_the_county(checked: Checked, sheet: SheetRows, row: Row, column: str, county: str) -> bool:
    """Whether the row's county is the import's (the first row's sets it); a problem on ``column`` if not."""
    if checked.county is None:
        checked.county = county
        return True
    if county == checked.county:
        return True
    checked.problems.append(
        sheet.problem(
            row.number,
            column,
            message(
                N_("is in county {county}; an import is for one county ({first})"),
                county=county,
                first=checked.county,
            ),
        )
    )
    return False


class FirstRows:
    """The row each key first appears on, to name it when a later row repeats the key."""

    def __init__(self) -> None:
        self.first: dict[Hashable, int] = {}

    def repeats(self, sheet: SheetRows, row: Row, column: str, key: Hashable) -> Problem | None:
        """None the first time ``key`` is seen; after that, the problem naming the row it was first on."""
        first = self.first.setdefault(key, row.number)
        if first == row.number:
            return None
        return sheet.problem(row.number, column, message(N_("repeats row {row}"), row=first))


def plain(value: Any) -> Any:
    """A value as an audit entry and a report hold it: dates as ISO text, decimals as their text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
