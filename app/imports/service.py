"""An import from start to end: read the file, check every row, and write all of it or nothing.

The file is read off the event loop (python-calamine and the cell checks are CPU work). The check and the
write run in one transaction, behind a lock per kind, so two imports of one kind never interleave and what
was checked is what is written; a problem anywhere means nothing is written, and the answer lists every
problem with its sheet, row and column. A written import is one audit entry in its county's chain naming
the file's SHA-256, the counts and the account; the households it changes have their own entries with
before and after.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import Conflict, Forbidden
from app.core.messages import N_, Message, message
from app.core.principal import Principal, Role
from app.core.uow import unit_of_work
from app.imports import bases, department_records, enterprises, households, links, payouts, regions
from app.imports.files import FileRefused, Problem, Upload, read_upload
from app.imports.outcome import Change, Kind, Source
from app.imports.progress import Phase, Progress
from app.sheets.columns import chinese_text
from app.sheets.templates import KINDS

IMPORTERS: Mapping[str, Kind] = {
    "regions": regions,  # each a module with the two functions of a Kind
    "households": households,
    "enterprises": enterprises,
    "bases": bases,
    "links": links,
    "payouts": payouts,
    "department-records": department_records,
}
"""The kinds that import, by the name their template has."""

KIND_ROLES: Mapping[str, frozenset[Role]] = {
    "households": frozenset({Role.admin, Role.town_officer}),  # a town officer, its town's households
    # an operator, its own enterprise's bases, links and payouts (as it records them one at a time)
    "bases": frozenset({Role.admin, Role.operator}),
    "links": frozenset({Role.admin, Role.operator}),
    "payouts": frozenset({Role.admin, Role.operator}),
}
"""Who imports a kind besides an admin (who imports every kind, in its region)."""


def ensure_may_import(actor: Principal, kind: str) -> None:
    """Refuse (403) a kind the actor's role does not import."""
    if actor.role not in KIND_ROLES.get(kind, frozenset({Role.admin})):
        raise Forbidden.of(N_("your role does not import {kind}"), kind=kind)


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or with problems, would do and why it cannot)."""

    kind: str
    dry_run: bool
    filename: str
    sha256: str
    outcome: str
    """``refused`` (problems; nothing written), ``checked`` (a dry run without problems), ``unchanged``
    (the file says what the records say), ``imported``."""
    county: str | None = None
    rows_read: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: int = 0
    unchanged: dict[str, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    """What the import left as it was, or did besides, and says so (in English and Chinese in ``as_dict``)."""
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "filename": self.filename,
            "sha256": self.sha256,
            "outcome": self.outcome,
            "county": self.county,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "changes": [c.as_dict() for c in self.changes],
            "notes": [str(n) for n in self.notes],
            "notes_zh": [chinese_text(n) for n in self.notes],
            "problems": [p.as_dict() for p in self.problems],
        }


def digest(uploads: Sequence[Upload]) -> str:
    """The SHA-256 of the upload (of its files in order, when it is several CSVs)."""
    h = hashlib.sha256()
    for u in uploads:
        h.update(u.content)
    return h.hexdigest()


def _sorted(problems: list[Problem], kind: str) -> list[Problem]:
    order = {s.name: i for i, s in enumerate(KINDS[kind])}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row, p.column))


async def run_import(
    actor: Principal,
    kind: str,
    uploads: Sequence[Upload],
    *,
    dry_run: bool,
    progress: Progress | None = None,
    import_id: int | None = None,
) -> ImportReport:
    """Import ``uploads`` as ``kind`` (a key of ``IMPORTERS``) for ``actor``; see the module's text."""
    ensure_may_import(actor, kind)
    progress = progress or Progress()
    importer = IMPORTERS[kind]
    filename = " + ".join(u.filename for u in uploads)
    report = ImportReport(kind=kind, dry_run=dry_run, filename=filename, sha256=digest(uploads), outcome="refused")
    progress.start(Phase.reading)
    try:
        sheets, problems = await asyncio.to_thread(read_upload, uploads, KINDS[kind], lambda n: None)
    except FileRefused as refused:
        report.problems = [Problem(filename, 0, "", refused.reason)]
        progress.found(1)
        return report
    report.rows_read = sum(len(s.rows) + s.bad_rows for s in sheets.values())
    progress.start(Phase.checking, report.rows_read)
    progress.found(len(problems))
    async with unit_of_work() as uow:
        # one import of a kind at a time; another is refused at once rather than queued holding a connection
        if not await uow.fetchval("SELECT pg_try_advisory_xact_lock(hashtext($1))", f"import:{kind}"):
            raise Conflict.of(N_("another import of {kind} is running; import when it has ended"), kind=kind)
        checked = await importer.check(uow, actor, sheets, progress)
        for problem in checked.problems:
            problems.add(problem)
        progress.found(len(checked.problems))
        report.county = checked.county
        if problems:
            report.problems = _sorted(problems, kind)
            if problems.more:
                report.problems.append(
                    Problem(
                        filename,
                        0,
                        "",
                        message(N_("and {count} more problems: fix these and check again"), count=problems.more),
                    )
                )
            return report
        report.created = {k: n for k, n in checked.created.items() if n}
        report.updated = len(checked.changes)
        report.unchanged = {k: n for k, n in checked.unchanged.items() if n}
        report.changes, report.notes = checked.changes, checked.notes
        for rows in sheets.values():
            if rows.ignored_columns:
                report.notes.append(
                    message(
                        N_("{sheet}: columns not read: {columns}"),
                        sheet=rows.sheet.name,
                        columns=", ".join(rows.ignored_columns),
                    )
                )
        if dry_run:
            report.outcome = "checked"
            return report
        if checked.rows_to_write == 0:
            report.outcome = "unchanged"
            return report
        await importer.write(uow, actor, checked, Source(import_id, filename, report.sha256), progress)
        await uow.audit(
            actor,
            f"imports.{kind}",
            "import",
            import_id if import_id is not None else report.sha256[:16],
            after={
                "file": filename,
                "sha256": report.sha256,
                "account": actor.account_id,
                "rows_read": report.rows_read,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
            chain=checked.county,
        )
        report.outcome = "imported"
    progress.start(Phase.done)
    return report
