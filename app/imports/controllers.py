"""The import over the API: ``POST /api/v1/imports/{kind}`` (multipart, ``.xlsx`` or ``.csv``), its job at
``GET /api/v1/imports/{id}``, and the list of jobs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Response, Stream

from app.core.errors import Forbidden, NotFound, Refused
from app.core.messages import N_
from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.imports import jobs
from app.imports.files import MAX_FILE_BYTES, Upload, count_rows
from app.imports.problem_sheet import write_problems
from app.imports.schemas import ImportJobOut, ImportReportOut
from app.imports.service import IMPORTERS, ensure_may_import
from app.sheets.download import XLSX, xlsx_download
from app.sheets.templates import KINDS

JOB_ROWS = 2_000
"""An import of more rows than this answers at once (202) and runs on as a job; a smaller one is answered
when it has ended."""


@dataclass
class ImportFiles:
    """The file (``.xlsx``), or one ``.csv`` per sheet, each in a field ``file``."""

    file: list[UploadFile]


def job_out(job: jobs.JobRow) -> ImportJobOut:
    values: dict[str, Any] = {f: getattr(job, f) for f in ImportJobOut.__struct_fields__ if f != "report"}
    report = None if job.report is None else msgspec.convert(job.report, ImportReportOut)
    return ImportJobOut(**values, report=report)


async def _readable(request: Request, import_id: int) -> jobs.JobRow:
    job = await jobs.get_job(import_id)
    if job is None:
        raise NotFound.of(N_("no import {id}"), field="import_id", id=import_id)
    if not jobs.can_read(request.user, job):
        raise Forbidden.of(N_("this import is another account's"))
    return job


class ImportController(Controller):
    path = "/imports"
    tags = ["imports"]
    dependencies = {"page": Provide(provide_page_params)}

    @post(
        "/{kind:str}",
        operation_id="startImport",
        status_code=200,
        request_max_body_size=MAX_FILE_BYTES + 1024 * 1024,
    )
    async def start_import(
        self,
        request: Request,
        kind: FromPath[str],
        data: Annotated[ImportFiles, Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = False,
    ) -> Response[ImportJobOut]:
        """Import a county's ``kind`` (regions, households, ...) from its template filled in: one ``.xlsx``, or
        one ``.csv`` per sheet (UTF-8 with or without BOM, or GB18030). Every row is checked first; with any
        problem nothing is written and the answer (422) lists every problem with sheet, row and column.
        ``dry_run=true`` checks and reports without writing. More than 2,000 rows: the answer is ``202`` at
        once, and the job's progress and report are at ``GET /api/v1/imports/{id}``."""
        if kind not in IMPORTERS:
            raise NotFound.of(
                N_("no import kind {name}; the kinds are {kinds}"), field="kind", name=kind, kinds=", ".join(IMPORTERS)
            )
        ensure_may_import(request.user, kind)
        uploads = [Upload(f.filename or "upload", await f.read()) for f in data.file]
        if not uploads or not any(u.content for u in uploads):
            raise Refused.of(N_("the upload holds no file"), field="file")
        rows = await asyncio.to_thread(count_rows, uploads, KINDS[kind])
        started = await jobs.start(request.user, kind, uploads, dry_run=dry_run)
        if rows > JOB_ROWS:
            job = await jobs.get_job(started.job_id)
            assert job is not None
            return Response(job_out(job), status_code=202, headers={"Location": f"/api/v1/imports/{started.job_id}"})
        await asyncio.shield(started.task)
        job = await jobs.get_job(started.job_id)
        assert job is not None and job.report is not None
        if job.state == "refused":
            raise Refused.of(
                N_("{count} problem(s) in the file; nothing was written"),
                field="file",
                count=job.problems,
                extra={"errors": job.report["problems"], "import_id": job.id},
            )
        return Response(job_out(job), status_code=200 if dry_run or job.state != "imported" else 201)

    @get("/{import_id:int}", operation_id="getImport")
    async def get_import(self, request: Request, import_id: PathId) -> ImportJobOut:
        """An import's job: its phase, rows checked and written, problems so far; its report once it has
        ended (every problem, what was created, changed and left as it was)."""
        return job_out(await _readable(request, import_id))

    @get("/{import_id:int}/problems.xlsx", operation_id="getImportProblemsXlsx", media_type=XLSX)
    async def problems_xlsx(self, request: Request, import_id: PathId) -> Stream:
        """An ended import's problems as a workbook (sheet, row, column, the reason in Chinese), to fix the
        file by."""
        job = await _readable(request, import_id)
        problems = (job.report or {}).get("problems", [])
        return await xlsx_download(f"import-{import_id}-problems.xlsx", lambda file: write_problems(file, problems))

    @get("/", operation_id="listImports")
    async def list_imports(self, request: Request, page: NamedDependency[PageParams]) -> Page[ImportJobOut]:
        """The imports the caller may read (its own; an admin's or auditor's region's), newest first, without
        their reports."""
        found = await jobs.list_jobs(request.user, page)
        return Page(items=[job_out(j) for j in found.items], total=found.total, limit=found.limit, offset=found.offset)
