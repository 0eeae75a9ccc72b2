"""Reading spreadsheet uploads: CSV in UTF-8 (with or without the BOM Excel writes).

Rows become the same request Structs the JSON endpoints take, so a CSV row is
validated exactly like a JSON one; errors name the line and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from app.core.errors import Invalid
from app.core.field_messages import field_and_message
from app.core.messages import N_, message
from app.core.validation import input_hook

T = TypeVar("T")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


def decode(content: bytes) -> str:
    """UTF-8, dropping a BOM; GB18030 (what Excel on Chinese Windows saves) as a fallback."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError:
            raise Invalid("file", message(N_("is neither UTF-8 nor GB18030 text"))) from None


def read_rows(content: bytes, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for each non-empty row; header names are case-insensitive."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid("file", message(N_("is larger than {size} MiB"), size=MAX_UPLOAD_BYTES // (1024 * 1024)))
    text = decode(content)
    if not text.strip():
        raise Invalid("file", message(N_("is empty")))
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
        missing = sorted(required - set(header))
        if missing:
            raise Invalid("file", message(N_("the header lacks the column(s): {columns}"), columns=", ".join(missing)))
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append((reader.line_num, {h: v.strip() for h, v in zip(header, values, strict=False) if h}))
    except csv.Error:
        # Python's csv message is not passed on: the reader is told what to look at, in words chosen here
        raise Invalid(
            "file",
            message(
                N_(
                    "line {line}: cannot be read as CSV (check its quotes, and that no field is longer than {limit} characters)"
                ),
                line=reader.line_num,
                limit=csv.field_size_limit(),
            ),
        ) from None
    return rows


def convert_row(line: int, values: dict[str, str], struct_type: type[T]) -> T | RowError:
    """One CSV row as ``struct_type``; an empty cell counts as absent."""
    try:
        return msgspec.convert(
            {k: v for k, v in values.items() if v != ""}, struct_type, strict=False, dec_hook=input_hook
        )
    except msgspec.ValidationError as exc:
        field, message = field_and_message(str(exc))
        return RowError(line, field or "row", message)
