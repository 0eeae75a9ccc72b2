"""Imports over the API as jobs: a row per import that shows its progress while it runs and keeps its report.

A job runs in the server's process as a task of its event loop; its rows are written in one transaction at
the end (``app.imports.service``), so a job is either written whole or not at all. While it runs, its
progress is copied into its row twice a second and its ``heartbeat_at`` refreshed; a job whose heartbeat is
older than ``STALE_SECONDS`` belonged to a process that stopped (a restart, a crash) and reads as failed
with nothing written, and start-up marks such jobs failed for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.database import acquire
from app.core.messages import N_
from app.core.pagination import Page, PageParams, fetch_page
from app.core.principal import Principal, Role, covers, covers_region
from app.core.uow import reading
from app.imports.files import Upload
from app.imports.progress import Progress
from app.imports.service import ImportReport, digest, run_import

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5
STALE_SECONDS = 30.0
INTERRUPTED = N_("the server stopped while the import ran; nothing was written")

_running: set[asyncio.Task[Any]] = set()  # the tasks, held so that the loop does not drop them half-way


class JobProgress(Progress):
    """Progress kept in memory; ``flush`` copies it into the job's row."""

    def __init__(self, job_id: int) -> None:
        super().__init__()
        self.job_id = job_id

    async def flush(self) -> None:
        async with acquire() as conn:
            await conn.execute(
                "UPDATE import_job SET phase = $2, rows_total = $3, rows_checked = $4, rows_written = $5,"
                " problems = $6, heartbeat_at = now() WHERE id = $1 AND state = 'running'",
                self.job_id,
                self.phase.value,
                self.rows_total,
                self.rows_checked,
                self.rows_written,
                self.problems,
            )


async def _open(actor: Principal, kind: str, uploads: list[Upload], dry_run: bool) -> int:
    async with acquire() as conn:
        return int(
            await conn.fetchval(
                "INSERT INTO import_job (kind, account, actor_label, region_code, town_id, filename, sha256, size,"
                " dry_run, state, phase, created_at, heartbeat_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'running', 'queued', now(), now()) RETURNING id",
                kind,
                actor.account_id,
                actor.label,
                actor.region_code,
                actor.town_id,
                " + ".join(u.filename for u in uploads)[:300],
                digest(uploads),
                sum(len(u.content) for u in uploads),
                dry_run,
            )
        )


async def _close(job_id: int, progress: Progress, report: ImportReport | None, error: str | None) -> None:
    async with acquire() as conn:
        await conn.execute(
            "UPDATE import_job SET state = $2, phase = $3, rows_total = $4, rows_checked = $5, rows_written = $6,"
            " problems = $7, report = $8::jsonb, error = $9, county = $10, finished_at = now(),"
            " heartbeat_at = now() WHERE id = $1",
            job_id,
            report.outcome if report else "failed",
            progress.phase.value,
            progress.rows_total,
            progress.rows_checked,
            progress.rows_written,
            len(report.problems) if report else progress.problems,
            json.dumps(report.as_dict(), ensure_ascii=False, default=str) if report else None,
            error,
            report.county if report else None,
        )


async def _run(job_id: int, actor: Principal, kind: str, uploads: list[Upload], dry_run: bool) -> ImportReport | None:
    progress = JobProgress(job_id)

    async def keep_flushing() -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await progress.flush()

    flusher = asyncio.create_task(keep_flushing())
    report: ImportReport | None = None
    try:
        report = await run_import(actor, kind, uploads, dry_run=dry_run, progress=progress, import_id=job_id)
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        await _close(job_id, progress, None, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
    await _close(job_id, progress, report, None)
    return report


@dataclass(frozen=True, slots=True)
class Started:
    job_id: int
    task: asyncio.Task[ImportReport | None]


async def start(actor: Principal, kind: str, uploads: list[Upload], *, dry_run: bool) -> Started:
    """Open a job for the import and run it as a task of this loop."""
    job_id = await _open(actor, kind, uploads, dry_run)
    task = asyncio.create_task(_run(job_id, actor, kind, uploads, dry_run), name=f"import-job-{job_id}")
    _running.add(task)
    task.add_done_callback(_running.discard)
    return Started(job_id, task)


async def mark_interrupted() -> int:
    """At start-up: jobs left running by a process that stopped are failed, with nothing written."""
    async with acquire() as conn:
        status = await conn.execute(
            "UPDATE import_job SET state = 'failed', error = $1, finished_at = now()"
            " WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => $2)",
            INTERRUPTED,
            STALE_SECONDS,
        )
    return int(status.split()[-1])


_COLUMNS = (
    "id, kind, account, actor_label, region_code, town_id, county AS county_code, filename, sha256, size, dry_run,"
    " CASE WHEN state = 'running' AND heartbeat_at < now() - make_interval(secs => {stale}) THEN 'failed'"
    " ELSE state END AS state,"
    " CASE WHEN state = 'running' AND heartbeat_at < now() - make_interval(secs => {stale}) THEN $interrupted$"
    + INTERRUPTED
    + "$interrupted$ ELSE error END AS error,"
    " phase, rows_total, rows_checked, rows_written, problems, created_at, finished_at"
).format(stale=STALE_SECONDS)


@dataclass(frozen=True, slots=True)
class JobRow:
    id: int
    kind: str
    account: int | None
    actor_label: str
    region_code: str | None
    town_id: int | None
    county_code: str | None
    filename: str
    sha256: str
    size: int
    dry_run: bool
    state: str
    error: str | None
    phase: str
    rows_total: int
    rows_checked: int
    rows_written: int
    problems: int
    created_at: datetime
    finished_at: datetime | None
    report: dict[str, Any] | None = None


def can_read(principal: Principal, job: JobRow) -> bool:
    """The account that started a job reads it; so do admins and auditors whose region holds its county (or,
    before its county is known, the importer's region)."""
    if principal.account_id is not None and principal.account_id == job.account:
        return True
    if principal.role not in (Role.admin, Role.auditor):
        return False
    if job.county_code is not None:
        return covers(principal, job.county_code)
    return principal.region_code is None or (job.region_code is not None and covers_region(principal, job.region_code))


async def get_job(job_id: int, *, with_report: bool = True) -> JobRow | None:
    async with reading() as db:
        row = await db.fetchrow(
            f"SELECT {_COLUMNS}{', report' if with_report else ''} FROM import_job WHERE id = $1", job_id
        )
    if row is None:
        return None
    values = dict(row)
    if with_report and values.get("report") is not None:
        values["report"] = json.loads(values["report"])
    return JobRow(**values)


async def list_jobs(principal: Principal, page: PageParams) -> Page[JobRow]:
    """The jobs a principal may read, newest first."""
    args: list[Any] = []
    where = "TRUE"
    reader = principal.role in (Role.admin, Role.auditor)
    if reader and principal.region_code is not None:
        args = [principal.account_id, principal.region_code + "%"]
        where = "(account = $1 OR county LIKE $2 OR (county IS NULL AND region_code LIKE $2))"
    elif not reader:
        args = [principal.account_id]
        where = "account = $1"
    async with reading() as db:
        return await fetch_page(
            f"SELECT {_COLUMNS} FROM import_job WHERE {where}",
            args,
            page,
            "id DESC",
            lambda r: JobRow(**{k: v for k, v in r.items() if k != "_total"}),
            db=db,
        )
