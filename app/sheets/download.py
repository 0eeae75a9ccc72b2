"""Workbooks as downloads (the edge): a ledger written to a temporary file, then streamed back in chunks.

The whole ledger is written before the answer starts: a query the database refuses (or a scope check that
fails) is then an error answer, not a download cut off after its headers were sent. The rows go from the
cursor into the file one by one (``write_ledger``), so a county's ledger is on disk, never in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import IO

from litestar.response import Response, Stream

from app.sheets.workbook import LedgerSheet, write_ledger, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024
"""A ledger smaller than this stays in memory; a larger one goes to a temporary file on disk."""


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


async def _chunks(file: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
    finally:
        file.close()


async def xlsx_ledger(filename: str, sheets: Sequence[LedgerSheet]) -> Stream:
    """A ledger download: ``sheets`` written as their rows come, then sent a chunk at a time."""
    return await xlsx_download(filename, lambda file: write_ledger(file, sheets))


async def xlsx_download(filename: str, write: Callable[[IO[bytes]], Awaitable[None]]) -> Stream:
    """A workbook ``write`` puts into a file, then sent a chunk at a time."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the stream closes it when sent)
    try:
        await write(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return Stream(_chunks(file), media_type=XLSX, headers=_attachment(filename))


def xlsx_template(kind: str) -> Response[bytes]:
    """An import template (a few kilobytes, written whole)."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
        write_template(kind, file)
        file.seek(0)
        content = file.read()
    return Response(content, media_type=XLSX, headers=_attachment(f"{kind}.xlsx"))
