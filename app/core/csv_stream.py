"""Streaming a query out as CSV: rows go from a server-side cursor to the client a chunk at a time,
so an export of every household never sits in memory whole."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, TypeVar

from litestar.response import Stream

from app.core.database import connection

CHUNK_ROWS = 2000
T = TypeVar("T")


async def _rows(sql: str, args: Sequence[Any], header: Sequence[str],
                to_row: Callable[[Mapping[str, Any]], Sequence[Any]]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")  # the BOM spreadsheet programs look for to read UTF-8 (Chinese names) right
    writer.writerow(header)
    async with connection() as conn, conn.transaction():
        pending = 0
        async for record in conn.cursor(sql, *args, prefetch=CHUNK_ROWS):
            writer.writerow(to_row(record))
            pending += 1
            if pending >= CHUNK_ROWS:
                yield out.getvalue().encode()
                out.seek(0)
                out.truncate()
                pending = 0
    yield out.getvalue().encode()


def csv_stream(filename: str, sql: str, args: Sequence[Any], header: Sequence[str],
               to_row: Callable[[Mapping[str, Any]], Sequence[Any]]) -> Stream:
    return Stream(
        _rows(sql, args, header, to_row), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _item_rows(items: AsyncIterator[T], header: Sequence[str],
                     to_row: Callable[[T], Sequence[Any]]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")  # the BOM spreadsheet programs look for to read UTF-8 (Chinese names) right
    writer.writerow(header)
    pending = 0
    async for item in items:
        writer.writerow(to_row(item))
        pending += 1
        if pending >= CHUNK_ROWS:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
            pending = 0
    yield out.getvalue().encode()


def csv_items(filename: str, items: AsyncIterator[T], header: Sequence[str],
              to_row: Callable[[T], Sequence[Any]]) -> Stream:
    """A CSV download of ``items`` (typed rows from a domain's export), streamed as they come."""
    return Stream(
        _item_rows(items, header, to_row), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
