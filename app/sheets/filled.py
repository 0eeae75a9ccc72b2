"""A kind's sheets filled with rows: the form a county's data takes to move into another database, and the
files the tests and ``bench/import.py`` import. Values are the stored codes; a choice is written as its
Chinese term and a yes/no as 是/否, as a person filling in the template would write them, so what is
written here reads back through the importer unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

from app.core.cells import safe_cell
from app.sheets.columns import CellType, Column, Sheet
from app.sheets.workbook import LedgerSheet, Out

_OUT_TYPE = {
    CellType.choice: CellType.text,
    CellType.choices: CellType.text,
    CellType.boolean: CellType.text,
    CellType.year: CellType.integer,
}


def as_written(column: Column, value: Any) -> Any:
    """A stored value as a person writes it in ``column``."""
    if value is None:
        return None
    if column.type is CellType.choice:
        return next((c.label for c in column.choices if c.code == str(value)), str(value))
    if column.type is CellType.choices:
        return ";".join(
            as_written(Column(column.name, "", CellType.choice, False, "", None, column.choices), v) for v in value
        )
    if column.type is CellType.boolean:
        return "是" if value else "否"
    return value


def filled_sheet(sheet: Sheet, rows: AsyncIterator[Mapping[str, Any]]) -> LedgerSheet:
    """``sheet`` as a worksheet of a workbook (``app.sheets.workbook.write_ledger``), its rows as they come."""

    async def cells() -> AsyncIterator[Sequence[Any]]:
        async for row in rows:
            yield [as_written(c, row.get(c.name)) for c in sheet.columns]

    columns = [Out(c.title, _OUT_TYPE.get(c.type, c.type), c.display_width) for c in sheet.columns]
    return LedgerSheet(sheet.name, columns, cells())


def filled_csv(sheet: Sheet, rows: Iterable[Mapping[str, Any]], encoding: str = "utf-8-sig") -> bytes:
    """``sheet`` as a CSV file (``utf-8-sig``, as Excel saves "CSV UTF-8"; or ``gb18030``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.title for c in sheet.columns])
    for row in rows:
        values = (as_written(c, row.get(c.name)) for c in sheet.columns)
        writer.writerow(["" if v is None else safe_cell(v) if isinstance(v, str) else v for v in values])
    return out.getvalue().encode(encoding)
