"""Taking a county's spreadsheets in from the console (issue 13): the caller's imports and an upload form, a
job's progress while it runs and its report once it has ended, the templates and the problems as workbooks.

The import itself is the API's (``app.imports.jobs.start``): the form starts a job and the browser goes to
its page, which reloads itself every second while the job runs (a meta refresh: no script to allow).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Response, Stream, Template

from app.console.forms import ImportForm, read_form, read_uploads
from app.console.i18n import Texts
from app.console.offers import import_kinds, template_kinds
from app.console.session import ConsoleUser
from app.console.web import NotAllowed, back, render, said, texts_for
from app.core.errors import NotFound
from app.core.messages import N_
from app.core.pagination import PageParams
from app.core.params import PathId
from app.imports import jobs
from app.imports.files import MAX_FILE_BYTES, XLSX_MAGIC, Upload
from app.imports.problem_sheet import write_problems
from app.sheets.download import XLSX, xlsx_download, xlsx_template
from app.sheets.templates import KINDS

Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PER_PAGE = 50
SHOWN_PROBLEMS = 1_000
"""A page shows this many problems; the workbook has all of them."""
SHOWN_CHANGES = 500


def _value(texts: Texts, column: Any, value: Any) -> str:
    """A stored value as the page shows it: a choice's Chinese term on the Chinese page, lists joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(_value(texts, column, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(texts, None, v)}" for k, v in value.items())
    if isinstance(value, bool):
        return texts._("yes") if value else texts._("no")
    if column is not None and texts.lang == "zh":
        for choice in column.choices:
            if choice.code == str(value):
                return choice.label
    return str(value)


def describe_change(texts: Texts, kind: str, change: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """A changed row's fields, each as (what, before, after) in the reader's language."""
    sheet = next((s for s in KINDS.get(kind, ()) if s.key == change.get("sheet")), None)
    before, after = change.get("before") or {}, change.get("after") or {}
    lines = []
    for name in dict.fromkeys([*before, *after]):
        column = None
        if sheet is not None:
            column = next((c for c in sheet.columns if c.name == name), None)
        if column is not None:
            what = column.header if texts.lang == "zh" else column.name
        elif name == "members_added":
            what = texts._("Members added")
        elif name.startswith("member "):
            what = texts._("Member %(id)s", id=name.removeprefix("member "))
        else:
            what = name
        lines.append((what, _value(texts, column, before.get(name)), _value(texts, column, after.get(name))))
    return lines


async def _readable(user: ConsoleUser, import_id: int) -> jobs.JobRow:
    job = await jobs.get_job(import_id)
    if job is None:
        raise NotFound.of(N_("no import {id}"), field="import_id", id=import_id)
    if not jobs.can_read(user.principal, job):
        raise NotAllowed("another account's import")
    return job


class ImportPages(Controller):
    path = "/imports"

    @get("/", opt={"action": "imports.run"})
    async def imports(
        self,
        user: NamedDependency[ConsoleUser],
        page: Page = 1,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        found = await jobs.list_jobs(user.principal, PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE))
        return await render(
            user,
            "imports.html",
            found=found,
            page=page,
            per_page=PER_PAGE,
            kinds=import_kinds(user.principal.role),
            templates=template_kinds(user.principal.role),
            msg=msg,
            err=err,
        )

    @post("/", opt={"action": "imports.run"}, request_max_body_size=MAX_FILE_BYTES + 1024 * 1024)
    async def start(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        """Start the import as a job and show its page; every check is the import's own."""
        form = await read_form(request, ImportForm)
        if form.kind not in import_kinds(user.principal.role):
            raise NotAllowed(f"imports of {form.kind}")
        files = await read_uploads(request)
        uploads = [Upload(f.filename, await f.read()) for f in files]
        uploads = [u for u in uploads if u.content]
        workbooks = [u for u in uploads if u.content.startswith(XLSX_MAGIC)]
        if not uploads or (workbooks and len(uploads) > 1):
            return back("/console/imports", err=said(user, "no_import_file"))
        started = await jobs.start(user.principal, form.kind, uploads, dry_run=form.dry_run)
        return Redirect(f"/console/imports/{started.job_id}", status_code=303)

    @get("/templates/{template:str}", opt={"action": "imports.templates"}, media_type=XLSX)
    async def template(self, user: NamedDependency[ConsoleUser], template: FromPath[str]) -> Response[bytes]:
        """The same template as ``GET /api/v1/import-templates/{kind}.xlsx``, for a signed-in browser."""
        kind = template.removesuffix(".xlsx")
        if not template.endswith(".xlsx") or kind not in KINDS:
            raise NotFound.of(
                N_("no import template {name}; the kinds are {kinds}"),
                field="kind",
                name=template,
                kinds=", ".join(KINDS),
            )
        return xlsx_template(kind)

    @get("/{import_id:int}", opt={"action": "imports.read"})
    async def job(self, user: NamedDependency[ConsoleUser], import_id: PathId) -> Template:
        job = await _readable(user, import_id)
        texts = texts_for(user)
        report = job.report or {}
        problems = report.get("problems", [])
        sheets = [
            (
                texts.term("import sheet", s.key),
                report.get("created", {}).get(s.key, 0),
                report.get("unchanged", {}).get(s.key, 0),
            )
            for s in KINDS.get(job.kind, ())
        ]
        changes = [
            (texts.term("import sheet", c.get("sheet")), c.get("key", ""), describe_change(texts, job.kind, c))
            for c in report.get("changes", [])[:SHOWN_CHANGES]
        ]
        return await render(
            user,
            "import.html",
            job=job,
            report=report,
            running=job.state == "running",
            percent=min(100, round(100 * job.rows_checked / job.rows_total)) if job.rows_total else 0,
            sheets=sheets,
            changes=changes,
            problems=[
                (p["sheet"], p["row"], p["column"], p["reason_zh"] if texts.lang == "zh" else p["reason"])
                for p in problems[:SHOWN_PROBLEMS]
            ],
            notes=report.get("notes_zh" if texts.lang == "zh" else "notes") or report.get("notes", []),
            problem_count=len(problems),
            shown_problems=SHOWN_PROBLEMS,
            shown_changes=SHOWN_CHANGES,
            error=texts._(job.error) if job.error else None,
        )

    @get("/{import_id:int}/problems.xlsx", opt={"action": "imports.read"}, media_type=XLSX)
    async def problems_xlsx(self, user: NamedDependency[ConsoleUser], import_id: PathId) -> Stream:
        """The import's problems as a workbook (sheet, row, column, the reason in Chinese) to fix the file by."""
        job = await _readable(user, import_id)
        problems = (job.report or {}).get("problems", [])
        return await xlsx_download(f"import-{import_id}-problems.xlsx", lambda file: write_problems(file, problems))
