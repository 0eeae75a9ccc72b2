"""Every CSV export is safe to open in a spreadsheet (issue 16, Build 3): over every export route the app
has, text that a spreadsheet would run as a formula is written as text. The ``.xlsx`` ledgers (issue 13) are
read back with python-calamine and held to the same rule, and hold no formula at all.

The demo city is loaded, then its free text (names, references, notes, payees, inspectors) is made to
start with each of ``=``, ``+``, ``-``, ``@``, tab and carriage return straight in the database (as data
imported before any input check would be). Every export is then read back: no cell may start with one of
those unless it is a number. A new export route fails the test until it is added to ``EXPORTS``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

from python_calamine import CalamineWorkbook

from app.core.uow import unit_of_work
from app.demo import load_demo
from app.main import create_app

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = ["=cmd|'/C calc'!A0 ", "+SUM(1+1) ", "-2+3 ", '@HYPERLINK("http://x") ', "\t=1+1 ", "\r=1+1 "]
NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

# the free text that flows into some export, by table and column
FREE_TEXT = [
    ("town", "name"),
    ("village", "name"),
    ("member", "name"),
    ("household", "registry_no"),
    ("payout", "reference"),
    ("payout", "reason"),
    ("support_record", "reference"),
    ("support_record", "note"),
    ("support_record", "in_kind"),
    ("subsidy_claim", "inspector"),
    ("subsidy_claim", "reject_reason"),
    ("payment_line", "payee"),
    ("payment_line", "bank_card"),
    ("voucher", "number"),
    ("enterprise", "name"),
]

# every export route: (role whose token reads it, the path to read; "console" pages sign in)
EXPORTS = {
    "/api/v1/exports/households.csv": ("admin", "/api/v1/exports/households.csv"),
    "/api/v1/exports/payouts.csv": ("admin", "/api/v1/exports/payouts.csv"),
    "/api/v1/exports/subsidy-claims.csv": ("finance", "/api/v1/exports/subsidy-claims.csv"),
    "/api/v1/exports/support-records.csv": ("admin", "/api/v1/exports/support-records.csv"),
    "/api/v1/payment-batches/{batch_id:int}/export.csv": ("finance", "/api/v1/payment-batches/1/export.csv"),
    "/console/payment-batches/{batch_id:int}/export.csv": ("console finance", "/console/payment-batches/1/export.csv"),
    "/api/v1/exports/households.xlsx": ("admin", "/api/v1/exports/households.xlsx"),
    "/api/v1/exports/payouts.xlsx": ("admin", "/api/v1/exports/payouts.xlsx"),
    "/api/v1/exports/subsidy-claims.xlsx": ("finance", "/api/v1/exports/subsidy-claims.xlsx"),
    "/api/v1/exports/support-records.xlsx": ("admin", "/api/v1/exports/support-records.xlsx"),
    "/api/v1/payment-batches/{batch_id:int}/export.xlsx": ("finance", "/api/v1/payment-batches/1/export.xlsx"),
    "/console/payment-batches/{batch_id:int}/export.xlsx": (
        "console finance",
        "/console/payment-batches/1/export.xlsx",
    ),
    # the import templates hold no data from the database: read for formulas, not for defused text
    "/api/v1/import-templates/{template:str}": ("auditor", "/api/v1/import-templates/households.xlsx"),
    "/console/imports/templates/{template:str}": ("console finance", "/console/imports/templates/households.xlsx"),
    # an import's problems name what the file held (its name, a cell's text): the job _an_import_with_problems
    "/api/v1/imports/{import_id:int}/problems.xlsx": ("finance", "/api/v1/imports/1/problems.xlsx"),
    "/console/imports/{import_id:int}/problems.xlsx": ("console finance", "/console/imports/1/problems.xlsx"),
    # the linkage evaluation names each operator (an enterprise's name)
    "/api/v1/exports/linkage-evaluation.xlsx": ("finance", "/api/v1/exports/linkage-evaluation.xlsx?year=2017"),
    "/console/linkage/export.xlsx": ("console finance", "/console/linkage/export.xlsx?year=2017"),
}
TEMPLATE_ROUTES = {"/api/v1/import-templates/{template:str}", "/console/imports/templates/{template:str}"}


def xlsx_rows(content: bytes) -> list[list[str]]:
    """Every text cell of every sheet of a workbook, row by row (numbers and dates left out); no cell of it
    may be a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in book.read(name) and b"<f " not in book.read(name), name
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = []
    for sheet in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False):
            rows.append([cell for cell in row if isinstance(cell, str)])
    return rows


def export_routes() -> set[str]:
    """The app's routes that answer with a CSV (or spreadsheet) file."""
    found = set()
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", ()):
            media = str(getattr(handler.media_type, "value", handler.media_type) or "")
            if (
                route.path.endswith((".csv", ".xlsx", ".xls"))
                or media.startswith(("text/csv", "application/vnd.ms-excel"))
                or "spreadsheet" in media
            ):
                found.add(route.path)
    return found


def test_every_export_route_is_covered():
    assert export_routes() == set(EXPORTS), "an export route is missing from EXPORTS (or EXPORTS names a gone one)"


async def _poison_free_text() -> list[tuple[str, str]]:
    """Make every row's free text start with a formula; the columns it could be done to."""
    done = []
    for table, column in FREE_TEXT:
        try:
            async with unit_of_work() as uow:
                # the ledgers are append-only by trigger; replica mode skips triggers (CHECKs still hold)
                await uow.execute("SET LOCAL session_replication_role = replica")
                await uow.execute(
                    f"UPDATE {table} SET {column} = ($1::text[])[1 + id % {len(PAYLOADS)}] || {column}"
                    f" WHERE {column} IS NOT NULL",
                    PAYLOADS,
                )
        except Exception:  # a CHECK on the column's format refuses it: the column cannot hold a formula
            continue
        done.append((table, column))
    return done


async def _an_import_with_problems() -> None:
    """Import job 1, the finance account's (who reads its own), refused with problems that quote the file."""
    problems = [
        {"sheet": payload + "户.xlsx", "row": 0, "column": "", "reason": "cannot be read", "reason_zh": "无法读取"}
        for payload in PAYLOADS
    ] + [{"sheet": "贫困户", "row": 2, "column": "户编号", "reason": "x", "reason_zh": payload} for payload in PAYLOADS]
    async with unit_of_work() as uow:
        account = await uow.fetchval("SELECT id FROM account WHERE role = 'finance' ORDER BY id LIMIT 1")
        job = await uow.fetchval(
            "INSERT INTO import_job (kind, account, actor_label, filename, sha256, size, dry_run, state, phase,"
            " report, created_at, heartbeat_at, finished_at) VALUES ('households', $1, 'finance', 'x.xlsx',"
            " repeat('0', 64), 1, false, 'refused', 'checking', $2::jsonb, now(), now(), now()) RETURNING id",
            account,
            json.dumps({"problems": problems}),
        )
    assert job == 1


async def _sign_in(web, token: str) -> None:
    form = await web.get("/console/sign-in")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    r = await web.post("/console/sign-in", data={"_csrf_token": csrf, "token": token})
    assert r.status_code == 303, r.text


async def test_no_export_cell_starts_a_formula(client, app):
    import httpx

    tokens = (await load_demo()).tokens
    poisoned = await _poison_free_text()
    await _an_import_with_problems()
    assert ("payout", "reference") in poisoned and ("member", "name") in poisoned, poisoned
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as web:
        await _sign_in(web, tokens["finance"])
        for route, (role, path) in sorted(EXPORTS.items()):
            if role.startswith("console"):
                r = await web.get(path)
            else:
                r = await client.get(path, headers={"Authorization": f"Bearer {tokens[role]}"})
            assert r.status_code == 200, (route, r.status_code, r.text[:300])
            if route.endswith(".csv"):
                rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
            else:
                assert r.headers["content-type"].startswith("application/vnd.openxmlformats"), route
                rows = xlsx_rows(r.content)
            assert len(rows) > 1, route
            defused = 0
            for row in rows:
                for cell in row:
                    if cell.startswith(FORMULA_STARTS):
                        assert NUMBER.fullmatch(cell), (route, cell)
                    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                        defused += 1
            # each export really carried formula text, and wrote it as text
            assert defused > 0 or route in TEMPLATE_ROUTES, route
