"""Streaming typed rows out as CSV a chunk at a time: with a domain's export reading from a server-side
cursor, an export of every household never sits in memory whole."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar

from litestar.response import Stream

from app.core.cells import safe_row

CHUNK_ROWS = 2000
T = TypeVar("T")


async def _item_rows(
    first: list[T], items: AsyncIterator[T], header: Sequence[str], to_row: Callable[[T], Sequence[Any]]
) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")  # the BOM spreadsheet programs look for to read UTF-8 (Chinese names) right
    writer.writerow(safe_row(header))
    for item in first:
        writer.writerow(safe_row(to_row(item)))
    pending = 0
    async for item in items:
        writer.writerow(safe_row(to_row(item)))
        pending += 1
        if pending >= CHUNK_ROWS:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
            pending = 0
    yield out.getvalue().encode()


async def csv_items(
    filename: str, items: AsyncIterator[T], header: Sequence[str], to_row: Callable[[T], Sequence[Any]]
) -> Stream:
    """A CSV download of ``items`` (typed rows from a domain's export), streamed as they come.

    The first row is read before the answer starts: a query the database refuses (or a scope check that
    fails) is then an error answer, not a download cut off after its headers were sent."""
    try:
        first = [await anext(items)]
    except StopAsyncIteration:
        first = []
    return Stream(
        _item_rows(first, items, header, to_row),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _copied_rows(header: Sequence[str], first: bytes, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerow(safe_row(header))
    yield out.getvalue().encode() + first
    async for chunk in chunks:
        yield chunk


async def csv_copied(filename: str, chunks: AsyncIterator[bytes], header: Sequence[str]) -> Stream:
    """A CSV download of rows the database writes itself (``app.core.uow.copy_csv``), after the BOM and the
    header; as ``csv_items``, the first chunk is read before the answer starts."""
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        first = b""
    return Stream(
        _copied_rows(header, first, chunks),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
