"""Files for the import tests: a kind's sheets filled with rows, as ``.xlsx`` or CSV, and the upload over the
API (shared by the import tests of every kind)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import httpx

from app.sheets.filled import filled_csv, filled_sheet
from app.sheets.templates import KINDS
from app.sheets.workbook import write_ledger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _each(rows: Sequence[Mapping[str, Any]]) -> AsyncIterator[Mapping[str, Any]]:
    for row in rows:
        yield row


async def xlsx_of(kind: str, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """The template of ``kind`` filled in: ``rows`` by sheet key (a sheet left out is not in the workbook)."""
    out = io.BytesIO()
    await write_ledger(out, [filled_sheet(s, _each(rows[s.key])) for s in KINDS[kind] if s.key in rows])
    return out.getvalue()


def csv_of(kind: str, sheet_key: str, rows: Sequence[Mapping[str, Any]], encoding: str = "utf-8-sig") -> bytes:
    sheet = next(s for s in KINDS[kind] if s.key == sheet_key)
    return filled_csv(sheet, rows, encoding)


async def upload(
    client: httpx.AsyncClient,
    headers: Mapping[str, str],
    kind: str,
    files: Sequence[tuple[str, bytes]],
    *,
    dry_run: bool = False,
) -> httpx.Response:
    """POST the files to ``/api/v1/imports/{kind}`` as a multipart form, each in a field ``file``."""
    return await client.post(
        f"/api/v1/imports/{kind}",
        params={"dry_run": "true"} if dry_run else {},
        files=[("file", (name, content, XLSX if name.endswith(".xlsx") else "text/csv")) for name, content in files],
        headers=dict(headers),
    )


async def finished(client: httpx.AsyncClient, headers: Mapping[str, str], job_id: int) -> dict[str, Any]:
    """An import job once it has ended (polled every 0.1 s, two minutes at most)."""
    for _ in range(1200):
        job = (await client.get(f"/api/v1/imports/{job_id}", headers=dict(headers))).json()
        if job["state"] != "running":
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"import {job_id} still running")
