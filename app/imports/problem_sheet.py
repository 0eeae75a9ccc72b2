"""An import's problems as a workbook to take back to the spreadsheet and fix: sheet, row, column and the
reason in Chinese, one problem a row (the console's import page and ``GET /api/v1/imports/{id}/problems.xlsx``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import IO, Any

from app.sheets.columns import CellType
from app.sheets.workbook import LedgerSheet, Out, write_ledger

COLUMNS = (
    Out("表", CellType.text, 14),
    Out("行", CellType.integer, 8),
    Out("列", CellType.text, 28),
    Out("问题", CellType.text, 80),
)


async def _rows(problems: Sequence[Mapping[str, Any]]) -> AsyncIterator[Sequence[Any]]:
    for p in problems:
        yield (p["sheet"], p["row"] or None, p["column"], p["reason_zh"])


async def write_problems(target: str | IO[bytes], problems: Sequence[Mapping[str, Any]]) -> None:
    """``problems`` as the report keeps them (``sheet``, ``row``, ``column``, ``reason`` already in the reader's
    language) into one sheet ``问题``."""
    await write_ledger(target, [LedgerSheet("问题", COLUMNS, _rows(problems))])
