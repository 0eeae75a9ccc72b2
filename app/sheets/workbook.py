"""Writing workbooks with XlsxWriter: the import templates, and ledgers streamed from a database cursor.

A ledger is written in XlsxWriter's constant-memory mode: each row goes to the worksheet's temporary file as
it comes from the cursor and is not kept, so a county's full ledger never sits in memory; the workbook is
zipped into a temporary file the answer then streams. Constant memory writes rows in order only, so column
widths are set before the first row, from each column's declared width and its header (a ledger cannot
look at its longest value without holding every row).

Numbers: an amount is a ``Decimal``; it is written as a number (formatted ``#,##0.00``) when it has at most
15 significant digits, which an Excel number holds exactly as shown, and as text otherwise (Excel would
round it silently). Every text cell goes through ``safe_cell``: text a spreadsheet would run as a formula is
written as text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from app.core.cells import safe_cell
from app.core.errors import Refused
from app.core.messages import N_
from app.sheets.columns import TYPE_TERMS, CellType, Column, Sheet, chinese_term, text_width
from app.sheets.templates import KINDS

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
EXCEL_DIGITS = 15
"""Significant digits an Excel number keeps; a longer amount is written as text."""

LAST_ROW = 1_048_575  # a sheet's last row (0-based): validations cover the whole column below the header

OPTIONS_SHEET = "选项"
EXPLANATION_SHEET = "说明"
EXAMPLE_SUFFIX = "示例"


def excel_number(value: Decimal) -> float | None:
    """The float Excel shows as exactly ``value``, or None when it has more digits than Excel keeps."""
    if not value.is_finite():
        return None
    digits = len(value.normalize().as_tuple().digits)
    return float(value) if digits <= EXCEL_DIGITS else None


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
        self.money = book.add_format({"num_format": MONEY_FORMAT})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _write(sheet: Worksheet, row: int, col: int, value: Any, kind: CellType, formats: _Formats) -> None:
    """One cell by its column's type; None leaves it empty."""
    if value is None or value == "":
        return
    if kind is CellType.money or (kind is CellType.decimal and isinstance(value, Decimal)):
        number = excel_number(value) if isinstance(value, Decimal) else float(value)
        if number is None:
            sheet.write_string(row, col, str(value))
        else:
            sheet.write_number(row, col, number, formats.money if kind is CellType.money else None)
    elif kind in (CellType.integer, CellType.year) and isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    elif kind is CellType.date and isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, formats.date)
    elif kind is CellType.boolean and isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    else:
        sheet.write_string(row, col, str(safe_cell(str(value))))


# ---- ledgers -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Out:
    """A ledger column: its Chinese header, the type its cells are written as, and its width in characters."""

    header: str
    type: CellType = CellType.text
    width: int | None = None
    term: str | None = None
    """The kind of stored code the cells hold (``household status``): written as its Chinese term; a list of
    codes is written as its terms separated by ``;``."""

    def cell(self, value: Any) -> Any:
        if self.term is None or value is None or value == "":
            return value
        if isinstance(value, list | tuple):
            return ";".join(chinese_term(self.term, str(v)) for v in value)
        return chinese_term(self.term, str(value))

    @property
    def display_width(self) -> int:
        base = {CellType.money: 14, CellType.date: 12, CellType.code: 20, CellType.integer: 8}.get(self.type, 10)
        return max(self.width or base, text_width(self.header) + 2)


@dataclass
class LedgerSheet:
    """A worksheet of a ledger: its name, its columns and the rows, read as they are written."""

    name: str
    columns: Sequence[Out]
    rows: AsyncIterator[Sequence[Any]]
    rows_written: int = field(default=0)


MAX_ROWS = 1_048_575
"""Data rows a worksheet holds under its header (Excel's 1,048,576 rows). XlsxWriter ignores a cell past it
without a word, so a ledger that long is refused, before a byte of it is sent, rather than cut short."""

BATCH_ROWS = 500
"""Rows written together, off the event loop (a county's ledger is seconds of XlsxWriter's work, which the
server's other requests must not wait behind); at most this many rows are held at a time."""


def _write_rows(sheet: Worksheet, spec: LedgerSheet, batch: list[Sequence[Any]], formats: _Formats) -> None:
    columns = spec.columns
    row = spec.rows_written
    if row + len(batch) > MAX_ROWS:
        raise Refused.of(
            N_("the ledger has more than {rows} rows, a spreadsheet's limit: narrow it, or take the CSV export"),
            rows=f"{MAX_ROWS:,}",
        )
    for values in batch:
        row += 1
        for col, value in enumerate(values):
            out = columns[col]
            _write(sheet, row, col, out.cell(value), out.type, formats)
    spec.rows_written = row


async def _write_batch(sheet: Worksheet, spec: LedgerSheet, batch: list[Sequence[Any]], formats: _Formats) -> None:
    if batch:  # one thread at a time touches the workbook: this one, while the loop waits for it
        await asyncio.to_thread(_write_rows, sheet, spec, batch, formats)


async def write_ledger(target: str | IO[bytes], sheets: Sequence[LedgerSheet]) -> None:
    """Write the sheets into ``target`` (a path or a binary file) as their iterators give the rows, a batch of
    ``BATCH_ROWS`` at a time: never more rows than that in memory."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    written = False
    try:
        formats = _Formats(book)
        for spec in sheets:
            sheet = book.add_worksheet(spec.name)
            for col, out in enumerate(spec.columns):
                sheet.set_column(col, col, out.display_width)
            sheet.freeze_panes(1, 0)
            for col, out in enumerate(spec.columns):
                sheet.write_string(0, col, str(safe_cell(out.header)), formats.header)
            batch: list[Sequence[Any]] = []
            async for values in spec.rows:
                batch.append(values)
                if len(batch) == BATCH_ROWS:
                    await _write_batch(sheet, spec, batch, formats)
                    batch = []
            await _write_batch(sheet, spec, batch, formats)
        written = True
    finally:
        if written:  # zipping a county's ledger takes a moment: off the event loop
            await asyncio.to_thread(book.close)
        else:
            book.close()


# ---- import templates ----------------------------------------------------------------------------------


def _validate(sheet: Worksheet, col: int, column: Column, source: str | None) -> None:
    """The column's data validation, from its second row to the sheet's last."""
    first, last = 1, LAST_ROW
    title = column.title
    if column.type is CellType.choice and source:
        sheet.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "list",
                "source": source,
                "input_title": column.header[:32],
                "input_message": "从下拉列表选择"[:255],
                "error_title": "不在选项中",
                "error_message": f"{title}:请从下拉列表选择"[:255],
            },
        )
    elif column.type is CellType.choices and source:
        # several values in one cell: the list offers one, typing more (separated by ;) is allowed
        sheet.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "list",
                "source": source,
                "error_type": "information",
                "input_title": column.header[:32],
                "input_message": "选择一项,或输入多项并用;分隔",
                "error_title": "多个选项",
                "error_message": "多个选项请用;分隔,每一项都须在选项中",
            },
        )
    elif column.type is CellType.code and column.length is not None:
        least, most = column.length
        sheet.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "length",
                "criteria": "between",
                "minimum": least,
                "maximum": most,
                "error_title": "位数不对",
                "error_message": f"{column.header}为{least}位"
                if least == most
                else f"{column.header}为{least}到{most}位",
            },
        )
    elif column.type is CellType.boolean:
        sheet.data_validation(first, col, last, col, {"validate": "list", "source": ["是", "否"]})
    elif column.type is CellType.year:
        sheet.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 1980,
                "maximum": 2100,
                "error_message": "四位年份",
            },
        )
    elif column.type is CellType.integer:
        sheet.data_validation(
            first, col, last, col, {"validate": "integer", "criteria": ">=", "value": 0, "error_message": "非负整数"}
        )
    elif column.type in (CellType.money, CellType.decimal):
        sheet.data_validation(
            first, col, last, col, {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "非负数值"}
        )
    elif column.type is CellType.date:
        sheet.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.date(1980, 1, 1),
                "maximum": dt.date(2100, 12, 31),
                "error_message": "日期,格式 yyyy-mm-dd",
            },
        )


def _example_value(column: Column) -> Any:
    value = column.example
    if value is None:
        return None
    if column.type is CellType.date:
        return dt.date.fromisoformat(str(value))
    if column.type in (CellType.money, CellType.decimal):
        return Decimal(str(value))
    return value


def _header_row(sheet: Worksheet, columns: Sequence[Column], formats: _Formats) -> None:
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.display_width, formats.text if column.type is CellType.code else None)
        sheet.write_string(0, col, column.title, formats.required if column.required else formats.header)
    sheet.freeze_panes(1, 0)


def write_template(kind: str, target: str | IO[bytes]) -> None:
    """The import template of ``kind`` (a key of ``KINDS``): for each of its sheets, a sheet to fill in (one
    header row, ``中文 code_name``, required columns shaded; drop-down lists and type checks on the cells
    below) and a sheet with one example row; the sheet ``选项`` with the lists; the sheet ``说明`` explaining
    every column. The importer reads only the sheets to fill in."""
    sheets = KINDS[kind]
    book = xlsxwriter.Workbook(target, {"strings_to_numbers": False})
    try:
        formats = _Formats(book)
        data = [book.add_worksheet(s.name) for s in sheets]
        examples = [book.add_worksheet(s.name + EXAMPLE_SUFFIX) for s in sheets]
        options = book.add_worksheet(OPTIONS_SHEET)
        explanation = book.add_worksheet(EXPLANATION_SHEET)
        sources = _write_options(options, sheets, formats)
        for spec, sheet, example in zip(sheets, data, examples, strict=True):
            _header_row(sheet, spec.columns, formats)
            _header_row(example, spec.columns, formats)
            for col, column in enumerate(spec.columns):
                _validate(sheet, col, column, sources.get((spec.key, column.name)))
                value = _example_value(column)
                if column.type is CellType.code and value is not None:
                    example.write_string(1, col, str(value), formats.text)
                else:
                    _write(example, 1, col, value, column.type, formats)
        _write_explanation(explanation, sheets, formats)
        data[0].activate()
    finally:
        book.close()


def _write_options(sheet: Worksheet, sheets: Sequence[Sheet], formats: _Formats) -> dict[tuple[str, str], str]:
    """One column per list of choices (its Chinese terms, the codes beside them in the next column); the
    range each validation reads its list from, by (sheet key, column name)."""
    sources: dict[tuple[str, str], str] = {}
    col = 0
    for spec in sheets:
        for column in spec.columns:
            if not column.choices or column.type is CellType.boolean:
                continue
            sheet.set_column(col, col + 1, max(12, text_width(column.header) + 2))
            sheet.write_string(0, col, column.title, formats.header)
            sheet.write_string(0, col + 1, "代码 code", formats.header)
            for row, choice in enumerate(column.choices, start=1):
                sheet.write_string(row, col, choice.label)
                sheet.write_string(row, col + 1, choice.code)
            letter = xl_col_to_name(col)
            sources[(spec.key, column.name)] = f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${len(column.choices) + 1}"
            col += 3
    sheet.freeze_panes(1, 0)
    return sources


EXPLANATION_COLUMNS = (
    "工作表 sheet",
    "列 column",
    "代码 code",
    "类型 type",
    "必填 required",
    "选项 choices",
    "说明 note",
    "示例 example",
)


def _write_explanation(sheet: Worksheet, sheets: Sequence[Sheet], formats: _Formats) -> None:
    for col, (title, width) in enumerate(zip(EXPLANATION_COLUMNS, (12, 18, 22, 18, 10, 40, 50, 22), strict=True)):
        sheet.set_column(col, col, width, formats.wrap)
        sheet.write_string(0, col, title, formats.header)
    sheet.freeze_panes(1, 0)
    row = 0
    for spec in sheets:
        for column in spec.columns:
            row += 1
            choices = ";".join(f"{c.label}({c.code})" for c in column.choices)
            example = "" if column.example is None else str(column.example)
            cells = (
                spec.name,
                column.header,
                column.name,
                TYPE_TERMS[column.type],
                "是" if column.required else "否",
                choices,
                column.note,
                example,
            )
            for col, text in enumerate(cells):
                if text:
                    sheet.write_string(row, col, str(safe_cell(text)))
    row += 2
    notes = (
        "填写“{sheet}”等工作表(每张表第一行为表头:中文列名与代码,橙色为必填列);“示例”表是一行填好的例子,导入时不读。",
        "选项列可从下拉列表选择中文,也可填写代码;多选列用;分隔。编码列(户编号、身份证号、区划代码等)为文本格式,请勿转为数字。",
        "日期填写为 yyyy-mm-dd;金额以元为单位,最多两位小数。同样的列也可保存为 CSV(UTF-8 或 GB18030)导入。",
    )
    for note in notes:
        sheet.write_string(row, 0, note.format(sheet=sheets[0].name))
        row += 1
