"""An upload read into its sheets' rows: ``.xlsx`` with python-calamine, ``.csv`` with the standard library.

A kind's sheets (``app.sheets.templates.KINDS``) are found in a workbook by their name (``贫困户``) or code
name (``households``); the example, options and explanation sheets of the template are not read. A CSV holds
one sheet: which one is told by its header (a kind with two sheets, households and members, comes as two
CSV files). Text is UTF-8 with or without a BOM, or GB18030, which Excel and WPS on Chinese Windows write.

Each cell is read as its column's type here (``app.imports.cells``); what a cell cannot be is a problem
naming the sheet, the row as the spreadsheet numbers it and the column. A row with such a problem is kept
out of the rows checked further (its other problems would only repeat the first).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from app.core.messages import N_, Message, message
from app.imports.cells import CellProblem, is_blank, read_cell
from app.sheets.columns import Sheet, chinese_text

MAX_FILE_BYTES = 64 * 1024 * 1024
"""An upload's limit: a county's households and members as ``.xlsx`` are about 5 MB, as CSV about 10 MB."""

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, and where: the sheet's name as the user sees it, the row as the spreadsheet numbers it
    (the header is row 1; 0 when the problem is the file's or the sheet's as a whole) and the column's
    header (empty when it is the row's)."""

    sheet: str
    row: int
    column: str
    reason: Message

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason": str(self.reason),
            "reason_zh": chinese_text(self.reason),
        }


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    """The row's number as the spreadsheet shows it (a CSV's line)."""
    values: dict[str, Any]
    """Each column's value by code name; a blank cell is None."""


@dataclass
class SheetRows:
    sheet: Sheet
    rows: list[Row] = field(default_factory=list)
    bad_rows: int = 0
    """Rows left out for a cell that could not be read."""
    ignored_columns: list[str] = field(default_factory=list)
    present: bool = False

    def where(self, row: int, column: str | None = None) -> tuple[str, int, str]:
        return self.sheet.name, row, self.sheet.column(column).title if column else ""

    def problem(self, row: int, column: str | None, reason: Message) -> Problem:
        return Problem(*self.where(row, column), reason)


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    content: bytes


class FileRefused(Exception):
    """The upload cannot be read at all (not a workbook, not text, too large): one problem, no rows."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


def decode_text(content: bytes) -> str:
    """UTF-8 with or without the BOM; else GB18030 (a superset of GBK and GB2312)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError:
            raise FileRefused(message(N_("is neither UTF-8 nor GB18030 text"))) from None


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for values in reader:
            yield reader.line_num, list(values)
    except csv.Error:
        raise FileRefused(
            message(N_("line {line}: cannot be read as CSV (check its quotes)"), line=reader.line_num)
        ) from None


def _xlsx_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:
        raise FileRefused(message(N_("cannot be read as an .xlsx workbook"))) from None
    try:
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    finally:
        book.close()


def _read_sheet(
    target: SheetRows,
    numbered: Iterable[tuple[int, Sequence[Any]]],
    problems: list[Problem],
    on_rows: Callable[[int], None],
) -> None:
    """Header, then rows, into ``target``; every cell's problem into ``problems``."""
    target.present = True
    rows = iter(numbered)
    spec = target.sheet
    first = next(((n, h) for n, h in rows if any(not is_blank(c) for c in h)), None)
    if first is None:
        problems.append(Problem(spec.name, 0, "", message(N_("has no header row"))))
        return
    header_line, header = first
    found, missing, unknown = spec.locate([("" if h is None else str(h)) for h in header])
    target.ignored_columns = unknown
    for name in missing:
        problems.append(
            Problem(spec.name, header_line, spec.column(name).title, message(N_("the header lacks this column")))
        )
    if missing:
        return
    columns = [(spec.column(name), position) for name, position in found.items()]
    counted = 0
    for number, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        bad = False
        for column, position in columns:
            raw = cells[position] if position < len(cells) else None
            if is_blank(raw):
                values[column.name] = None
                if column.required:
                    problems.append(Problem(spec.name, number, column.title, message(N_("is required"))))
                    bad = True
                continue
            try:
                values[column.name] = read_cell(raw, column)
            except CellProblem as refused:
                problems.append(Problem(spec.name, number, column.title, refused.reason))
                bad = True
        if bad:
            target.bad_rows += 1
        else:
            target.rows.append(Row(number, values))
        counted += 1
        if counted % 1000 == 0:
            on_rows(1000)
    on_rows(counted % 1000)


def _sheet_for_csv(sheets: Sequence[Sheet], header: Sequence[Any]) -> Sheet | None:
    """The sheet whose required columns the header holds all of (the one with most columns found)."""
    best: tuple[int, Sheet] | None = None
    for sheet in sheets:
        found, missing, _ = sheet.locate([("" if h is None else str(h)) for h in header])
        if not missing and (best is None or len(found) > best[0]):
            best = (len(found), sheet)
    return best[1] if best else None


def read_upload(
    uploads: Sequence[Upload], sheets: Sequence[Sheet], on_rows: Callable[[int], None] = lambda n: None
) -> tuple[dict[str, SheetRows], list[Problem]]:
    """Each of ``sheets`` (by key) with its rows read from the uploads, and every problem found reading them.
    The first sheet of a kind must be there; a later one may be left out (a households file with no
    members sheet is a problem the kind's check names)."""
    result = {s.key: SheetRows(s) for s in sheets}
    problems: list[Problem] = []
    for upload in uploads:
        if len(upload.content) > MAX_FILE_BYTES:
            raise FileRefused(message(N_("is larger than {size} MiB"), size=MAX_FILE_BYTES // (1024 * 1024)))
        if upload.content.startswith(XLSX_MAGIC):
            book = _xlsx_sheets(upload.content)
            for spec in sheets:
                name = next((n for n in book if n.strip() in (spec.name, spec.key)), None)
                if name is not None:
                    numbered = ((i + 1, row) for i, row in enumerate(book[name]))
                    _read_sheet(result[spec.key], numbered, problems, on_rows)
            continue
        lines = _csv_rows(upload.content)
        header_line, header = next(((n, h) for n, h in lines if any(not is_blank(c) for c in h)), (0, []))
        if not header:
            raise FileRefused(message(N_("{file} is empty"), file=upload.filename))
        sheet = _sheet_for_csv(sheets, header)
        if sheet is None:
            raise FileRefused(
                message(
                    N_("{file}: its header names none of the sheets {sheets} (their required columns)"),
                    file=upload.filename,
                    sheets="、".join(s.name for s in sheets),
                )
            )
        if result[sheet.key].present:
            raise FileRefused(message(N_("two files hold the sheet {sheet}"), sheet=sheet.name))
        _read_sheet(result[sheet.key], [(header_line, header), *lines], problems, on_rows)
    if not result[sheets[0].key].present:
        raise FileRefused(message(N_("holds no sheet {sheet}"), sheet=sheets[0].name))
    return result, problems


def count_rows(uploads: Sequence[Upload]) -> int:
    """Data rows in the uploads, roughly (every non-header line), to tell a long import from a short one
    before reading it: a CSV's newlines, or for a workbook its first sheet's height in its metadata."""
    total = 0
    for upload in uploads:
        if upload.content.startswith(XLSX_MAGIC):
            try:
                book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(upload.content))
            except Exception:
                continue
            try:
                total += sum(max(book.get_sheet_by_name(n).height - 1, 0) for n in book.sheet_names)
            finally:
                book.close()
        else:
            total += max(upload.content.count(b"\n") - 1, 0)
    return total
