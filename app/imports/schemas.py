"""The import's answers over the API: a job, with its progress and (once it has ended) its report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class ImportProblem(msgspec.Struct, frozen=True, kw_only=True):
    """What is wrong and where: the sheet's name, the row as the spreadsheet numbers it (0: the whole file or
    sheet), the column's header (empty: the whole row)."""

    sheet: str
    row: int
    column: str
    reason: str
    reason_zh: str
    """The reason in Chinese, as the console and the problems workbook give it."""


class ImportChange(msgspec.Struct, frozen=True, kw_only=True):
    """A row on record that the import changed (or, on a dry run, would change)."""

    sheet: str
    key: str
    before: dict[str, Any]
    after: dict[str, Any]


class ImportReportOut(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    dry_run: bool
    filename: str
    sha256: str
    outcome: str
    """refused (problems: nothing written), checked (a dry run without problems), unchanged, imported."""
    county: str | None
    rows_read: int
    created: dict[str, int]
    updated: int
    unchanged: dict[str, int]
    changes: list[ImportChange]
    notes: list[str]
    notes_zh: list[str] = []
    """The notes in Chinese (a report kept before they were written is without them)."""
    problems: list[ImportProblem]


class ImportJobOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    state: str
    """running, then refused, checked, unchanged, imported, or failed (nothing written)."""
    phase: str
    """queued, reading, checking, writing, done."""
    rows_total: int
    rows_checked: int
    rows_written: int
    problems: int
    filename: str
    sha256: str
    size: int
    dry_run: bool
    county_code: str | None
    actor_label: str
    created_at: datetime
    finished_at: datetime | None
    error: str | None
    report: ImportReportOut | None = None
