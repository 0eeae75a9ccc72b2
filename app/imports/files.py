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
import re
import zipfile
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
    """Header cells that name no column of the sheet: not read (an export's extra columns)."""
    present: bool = False
    columns: set[str] = field(default_factory=set)
    """The columns the file has (by code name): a column it leaves out is not a blank to write over what is
    on record, it is left as it is."""
    rejected: list[Row] = field(default_factory=list)
    """Rows with a cell that could not be read, with the cells that could (their keys tell other sheets'
    rows that refer to them apart from rows referring to nothing)."""

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


MAX_SHEET_ROWS = 500_000
"""Rows a sheet may have: a county's households and members, its payouts of a year, fit many times over."""
MAX_SHEET_COLUMNS = 128
"""Columns a sheet may have: a template's and an export's extra columns fit; a sheet as wide as Excel's
16,384 is refused before its cells are read."""
MAX_PROBLEMS = 10_000
"""Problems kept and reported; past them an import only counts (a file of garbage lines is not a million
problems held in memory)."""


MAX_SHEET_CELLS = 4_000_000
"""Rows × columns a sheet may span: a county's 100,000 members in 16 columns are 1.6 million. The reader
holds a sheet's whole span (rows × columns, empty cells included) at once, so a file with one cell far down
and one far right would ask for billions: its span is read off the sheet's cell references first."""
MAX_SHEET_XML = 512 * 1024 * 1024
"""A worksheet's size unzipped (a zip bomb is refused before it is inflated)."""

_ROW_REF = re.compile(rb'<row[^>]*?\sr="([0-9]+)"')
_COLUMN_REF = re.compile(rb'<c[^>]*?\sr="([A-Z]+)[0-9]')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_extent(content: bytes) -> None:
    """Refuse a workbook one of whose worksheets spans more than the limits, from its cells' references (a
    streaming scan of its XML, a megabyte at a time): before the reader would allocate the span."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise FileRefused(message(N_("cannot be read as an .xlsx workbook"))) from None
    with archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            if info.file_size > MAX_SHEET_XML:
                raise FileRefused(
                    message(N_("a worksheet is larger than {size} MiB unzipped"), size=MAX_SHEET_XML >> 20)
                )
            rows = columns = 0
            tail = b""
            try:
                with archive.open(info) as xml:
                    while chunk := xml.read(1 << 20):
                        data = tail + chunk
                        cut = data.rfind(b"<")  # a reference cut at the chunk's end is read with the next one
                        data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                        rows = max([rows, *(int(r) for r in _ROW_REF.findall(data))])
                        letters = set(_COLUMN_REF.findall(data))
                        columns = max([columns, *(_column_number(c) for c in letters)])
            except (zipfile.BadZipFile, OSError, EOFError):
                raise FileRefused(message(N_("cannot be read as an .xlsx workbook"))) from None
            if rows > MAX_SHEET_ROWS + 1 or columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS:
                raise FileRefused(
                    message(
                        N_(
                            "a worksheet spans {rows} rows and {columns} columns; at most {max_rows} rows, {max_columns} columns and {max_cells} cells"
                        ),
                        rows=rows,
                        columns=columns,
                        max_rows=MAX_SHEET_ROWS,
                        max_columns=MAX_SHEET_COLUMNS,
                        max_cells=f"{MAX_SHEET_CELLS:,}",
                    )
                )


def _open_workbook(content: bytes) -> python_calamine.CalamineWorkbook:
    check_extent(content)
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # calamine raises several errors of its own for a file it cannot open
        raise FileRefused(message(N_("cannot be read as an .xlsx workbook"))) from None


def _workbook_sheet(book: python_calamine.CalamineWorkbook, name: str) -> python_calamine.CalamineSheet:
    """A sheet of the kind, its size checked before a cell of it is read."""
    try:
        sheet = book.get_sheet_by_name(name)
    except Exception:  # a damaged sheet inside a sound zip
        raise FileRefused(message(N_("the sheet {sheet} cannot be read"), sheet=name)) from None
    if sheet.width > MAX_SHEET_COLUMNS or sheet.height > MAX_SHEET_ROWS + 1:
        raise FileRefused(
            message(
                N_("the sheet {sheet} has {rows} rows and {columns} columns; at most {max_rows} and {max_columns}"),
                sheet=name,
                rows=sheet.height,
                columns=sheet.width,
                max_rows=MAX_SHEET_ROWS,
                max_columns=MAX_SHEET_COLUMNS,
            )
        )
    return sheet


def _sheet_name(names: Sequence[str], spec: Sheet) -> str | None:
    return next((n for n in names if n.strip() in (spec.name, spec.key)), None)


def _numbered(sheet: python_calamine.CalamineSheet, name: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        for i, row in enumerate(sheet.iter_rows()):
            yield i + 1, row
    except Exception:  # a damaged sheet found part-way
        raise FileRefused(message(N_("the sheet {sheet} cannot be read"), sheet=name)) from None


class Problems(list[Problem]):
    """The problems found, up to ``MAX_PROBLEMS``; past them only counted."""

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(problem)
        else:
            self.more += 1


def _read_sheet(
    target: SheetRows,
    numbered: Iterable[tuple[int, Sequence[Any]]],
    problems: Problems,
    on_rows: Callable[[int], None],
) -> None:
    """Header, then rows, into ``target``; every cell's problem into ``problems``. Only the header's known
    columns of a row are looked at (a sheet's stray cells far to the right cost nothing)."""
    target.present = True
    rows = iter(numbered)
    spec = target.sheet
    first = next(((n, h) for n, h in rows if any(not is_blank(c) for c in h)), None)
    if first is None:
        problems.add(Problem(spec.name, 0, "", message(N_("has no header row"))))
        return
    header_line, header = first
    found, missing, unknown = spec.locate([("" if h is None else str(h)) for h in header])
    header_bad = bool(missing)
    for text in unknown:
        twice = next((c for c in spec.columns if c.matches(text)), None)
        if twice is not None:  # which of the two to read is not for the importer to guess
            problems.add(Problem(spec.name, header_line, twice.title, message(N_("the header has this column twice"))))
            header_bad = True
        else:
            target.ignored_columns.append(text)
    for name in missing:
        problems.add(
            Problem(spec.name, header_line, spec.column(name).title, message(N_("the header lacks this column")))
        )
    if header_bad:
        return
    target.columns = set(found)
    columns = [(spec.column(name), position) for name, position in found.items()]
    width = max(found.values()) + 1
    counted = 0
    for number, row in rows:
        cells = row[:width]
        if all(is_blank(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        bad = False
        for column, position in columns:
            raw = cells[position] if position < len(cells) else None
            if is_blank(raw):
                values[column.name] = None
                if column.required:
                    problems.add(Problem(spec.name, number, column.title, message(N_("is required"))))
                    bad = True
                continue
            try:
                values[column.name] = read_cell(raw, column)
            except CellProblem as refused:
                problems.add(Problem(spec.name, number, column.title, refused.reason))
                bad = True
        if bad:
            target.bad_rows += 1
            target.rejected.append(Row(number, values))
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
) -> tuple[dict[str, SheetRows], Problems]:
    """Each of ``sheets`` (by key) with its rows read from the uploads, and every problem found reading them
    (up to ``MAX_PROBLEMS``). One of the kind's sheets at least must be there; which others a kind needs is
    its check's to say (households without members are a problem; villages without towns are not, when
    their towns are on record)."""
    result = {s.key: SheetRows(s) for s in sheets}
    problems = Problems()
    for upload in uploads:
        if len(upload.content) > MAX_FILE_BYTES:
            raise FileRefused(message(N_("is larger than {size} MiB"), size=MAX_FILE_BYTES // (1024 * 1024)))
        if upload.content.startswith(XLSX_MAGIC):
            book = _open_workbook(upload.content)
            try:
                for spec in sheets:  # the kind's sheets only: the example, options and explanation are not read
                    name = _sheet_name(book.sheet_names, spec)
                    if name is not None:
                        worksheet = _workbook_sheet(book, name)
                        _read_sheet(result[spec.key], _numbered(worksheet, name), problems, on_rows)
            finally:
                book.close()
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
    if not any(r.present for r in result.values()):
        raise FileRefused(message(N_("holds no sheet {sheet}"), sheet="、".join(s.name for s in sheets)))
    return result, problems


def count_rows(uploads: Sequence[Upload], sheets: Sequence[Sheet]) -> int:
    """Data rows in the uploads, roughly, to tell a long import from a short one before reading it: a CSV's
    lines, a workbook's kind's sheets' heights. A file that cannot be read counts 0 (reading it says why)."""
    total = 0
    for upload in uploads:
        if not upload.content.startswith(XLSX_MAGIC):
            total += max(upload.content.count(b"\n") - 1, 0)
            continue
        try:
            book = _open_workbook(upload.content)
        except FileRefused:
            continue
        try:
            for spec in sheets:
                name = _sheet_name(book.sheet_names, spec)
                if name is not None:
                    total += max(_workbook_sheet(book, name).height - 1, 0)
        except FileRefused:
            continue
        finally:
            book.close()
    return total
