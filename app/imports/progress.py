"""How far an import has got: its phase, rows checked, rows written, problems so far.

The import reports through a ``Progress``; the CLI draws it as a bar (``app.cli``), a job keeps it in its
row for ``GET /api/v1/imports/{id}`` and the console (``app.imports.jobs``). Calls are cheap and
synchronous: a reporter that writes somewhere slow does so on its own time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Phase(str, enum.Enum):
    queued = "queued"
    reading = "reading"  # cells read as their columns' types
    checking = "checking"  # rows checked against each other and the database
    writing = "writing"
    done = "done"


@dataclass
class Progress:
    """The state, and hooks a reporter overrides to show it (``changed`` after each step)."""

    phase: Phase = Phase.queued
    rows_total: int = 0
    rows_checked: int = 0
    rows_written: int = 0
    problems: int = 0

    def start(self, phase: Phase, total: int | None = None) -> None:
        self.phase = phase
        if total is not None:
            self.rows_total = total
        self.changed()

    def checked(self, rows: int) -> None:
        self.rows_checked += rows
        self.changed()

    def written(self, rows: int) -> None:
        self.rows_written += rows
        self.changed()

    def found(self, problems: int) -> None:
        self.problems += problems
        self.changed()

    def changed(self) -> None:
        """Called after every change; the base reporter shows nothing."""
