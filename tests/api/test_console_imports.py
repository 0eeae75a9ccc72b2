"""The console's import page (issue 13): who sees it and which kinds its form offers, a file with problems shown
as a table (and as a workbook) with nothing written, a good file followed until it has been imported, a dry run,
a re-import, and a job page another account may not read."""

from __future__ import annotations

import asyncio
import io
import re

import httpx
import pytest
from python_calamine import CalamineWorkbook

from app.core.uow import reading
from tests.api.imports_support import XLSX, csv_of, xlsx_of
from tests.api.test_console import sign_in
from tests.api.test_imports import TOWNS, VILLAGES, counts, household, members


@pytest.fixture
async def web(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


def token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def start(web, csrf: str, kind: str, files: list[tuple[str, bytes]], *, dry_run: bool = False):
    data = {"_csrf_token": csrf, "kind": kind, **({"dry_run": "true"} if dry_run else {})}
    return await web.post(
        "/console/imports",
        data=data,
        files=[("file", (name, content, XLSX if name.endswith(".xlsx") else "text/csv")) for name, content in files],
    )


async def ended(web, location: str) -> str:
    """The job's page once the job has ended (it runs as a task of the app's loop, as in the server)."""
    for _ in range(300):
        page = await web.get(location)
        assert page.status_code == 200, page.text[:500]
        if 'data-state="running"' not in page.text:
            assert '<meta http-equiv="refresh"' not in page.text
            return page.text
        assert '<meta http-equiv="refresh" content="1">' in page.text and "已检查行数" in page.text
        await asyncio.sleep(0.05)
    raise AssertionError("the import did not end")


async def import_places(web, csrf: str) -> None:
    book = await xlsx_of("regions", {"towns": TOWNS, "villages": VILLAGES})
    r = await start(web, csrf, "regions", [("区划.xlsx", book)])
    assert r.status_code == 303 and re.fullmatch(r"/console/imports/\d+", r.headers["location"]), r.text
    page = await ended(web, r.headers["location"])
    assert "已导入" in page and "乡镇" in page


async def test_admin_and_town_officer_import_their_kinds_others_are_refused(web, auth):
    admin = await auth("admin")
    csrf = await sign_in(web, token(admin))
    page = await web.get("/console/imports")
    assert page.status_code == 200 and 'href="/console/imports"' in page.text  # in the navigation
    offered = re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', page.text)
    assert offered == [
        ("regions", "区划"),
        ("households", "贫困户"),
        ("enterprises", "经营主体"),
        ("bases", "基地"),
        ("links", "带贫关系"),
        ("payouts", "收益发放"),
        ("department-records", "部门比对数据"),
    ]
    assert "只检查不写入" in page.text
    for kind in ("regions", "households", "enterprises", "bases", "links", "payouts", "department-records"):
        assert f'href="/console/imports/templates/{kind}.xlsx"' in page.text
    template = await web.get("/console/imports/templates/households.xlsx")
    assert template.status_code == 200 and template.headers["content-type"].startswith(XLSX)
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).sheet_names
    assert "贫困户" in sheets and "家庭成员" in sheets
    assert (await web.get("/console/imports/templates/people.xlsx")).status_code == 404
    await import_places(web, csrf)

    async with reading() as db:
        town = await db.fetchval("SELECT id FROM town WHERE code = '429005101'")
    web.cookies.clear()
    officer = await auth("town_officer", town_id=town)
    csrf = await sign_in(web, token(officer))
    page = await web.get("/console/imports")
    assert page.status_code == 200 and 'href="/console/imports"' in page.text
    assert re.findall(r'<option value="([^"]+)"', page.text) == ["households"]
    assert "templates/regions.xlsx" not in page.text and "templates/households.xlsx" in page.text
    assert "还没有导入记录" in page.text  # the admin's import is not the officer's
    book = await xlsx_of("regions", {"towns": TOWNS, "villages": VILLAGES})
    refused = await start(web, csrf, "regions", [("区划.xlsx", book)])
    assert refused.status_code == 403 and "无权访问" in refused.text

    for role in ("finance", "auditor"):
        web.cookies.clear()
        await sign_in(web, token(await auth(role)))
        r = await web.get("/console/imports")
        assert r.status_code == 403 and "无权访问" in r.text, role
        assert 'href="/console/imports"' not in (await web.get("/console")).text


async def test_a_file_with_problems_is_a_table_and_a_workbook_and_nothing_is_written(web, auth):
    admin = await auth("admin")
    csrf = await sign_in(web, token(admin))
    await import_places(web, csrf)
    before = await counts()
    rows = [household(1), household(2, attribute="rich"), household(3, village_code="429005999999")]
    book = await xlsx_of("households", {"households": rows, "members": [m for i in (1, 2, 3) for m in members(i)]})
    r = await start(web, csrf, "households", [("有错.xlsx", book)])
    assert r.status_code == 303
    page = await ended(web, r.headers["location"])
    assert "有问题，未写入" in page and "文件中有 2 个问题，未写入任何数据。" in page
    table = re.search(r'<table id="problems">(.*?)</table>', page, re.S).group(1)
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]
    assert [c[:3] for c in cells] == [
        ["贫困户", "3", "贫困户属性 attribute"],
        ["贫困户", "4", "村代码 village_code"],
    ]  # the members of the household row left out are not named again
    assert "不在可选项中" in cells[0][3] and "没有代码为 429005999999 的村" in cells[1][3]
    assert await counts() == before

    job_id = r.headers["location"].rsplit("/", 1)[1]
    sheet = await web.get(f"/console/imports/{job_id}/problems.xlsx")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith(XLSX)
    got = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_name("问题").to_python()
    assert got[0] == ["表", "行", "列", "问题"] and [g[:2] for g in got[1:]] == [
        ["贫困户", 3],
        ["贫困户", 4],
    ]

    listed = await web.get("/console/imports")
    assert f'href="/console/imports/{job_id}"' in listed.text and "有错.xlsx" in listed.text

    # in English the reasons are the English ones
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": "/console/imports"})
    english = await web.get(f"/console/imports/{job_id}")
    assert "2 problems in the file; nothing was written." in english.text and "不在可选项中" not in english.text

    # another town's officer may not read the admin's import
    async with reading() as db:
        town = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
    web.cookies.clear()
    await sign_in(web, token(await auth("town_officer", town_id=town)))
    assert (await web.get(f"/console/imports/{job_id}")).status_code == 403
    assert (await web.get(f"/console/imports/{job_id}/problems.xlsx")).status_code == 403
    assert (await web.get("/console/imports/999999")).status_code == 404


async def test_a_good_file_is_checked_then_imported_then_unchanged(web, auth):
    admin = await auth("admin")
    csrf = await sign_in(web, token(admin))
    await import_places(web, csrf)
    async with reading() as db:
        town = await db.fetchval("SELECT id FROM town WHERE code = '429005101'")
    web.cookies.clear()
    csrf = await sign_in(web, token(await auth("town_officer", town_id=town)))
    before = await counts()
    book = await xlsx_of(
        "households", {"households": [household(i) for i in (1, 2)], "members": members(1) + members(2)}
    )

    dry = await start(web, csrf, "households", [("h.xlsx", book)], dry_run=True)
    page = await ended(web, dry.headers["location"])
    assert "检查通过（未写入）" in page and "本次只做检查" in page and "导入将会写入的内容" in page
    assert await counts() == before

    done = await start(web, csrf, "households", [("h.xlsx", book)])
    page = await ended(web, done.headers["location"])
    assert "已导入" in page and "每一行都已检查并写入" in page and 'id="problems"' not in page
    counted = re.search(r'<div class="card" id="counts">(.*?)</div>', page, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', counted) == ["2", "0", "4", "0"]  # created, unchanged
    after = await counts()
    assert after["households"] == before["households"] + 2 and after["members"] == before["members"] + 4
    assert "429005101000001" in (await web.get("/console/households")).text

    again = await start(web, csrf, "households", [("h.xlsx", book)])
    assert "文件内容与现有记录一致" in await ended(web, again.headers["location"])
    assert await counts() == after

    changed = await xlsx_of(
        "households",
        {"households": [household(1, attribute="dibao"), household(2)], "members": members(1) + members(2)},
    )
    r = await start(web, csrf, "households", [("h2.xlsx", changed)])
    page = await ended(web, r.headers["location"])
    table = re.search(r'<table id="changes">(.*?)</table>', page, re.S).group(1)
    assert "429005101000001" in table and "贫困户属性" in table and "一般贫困户" in table and "低保贫困户" in table


async def test_the_form_wants_one_workbook_or_csv_files(web, auth):
    admin = await auth("admin")
    csrf = await sign_in(web, token(admin))
    r = await web.post("/console/imports", data={"_csrf_token": csrf, "kind": "households"})
    assert r.status_code == 303 and r.headers["location"].startswith("/console/imports?err=")
    assert "请选择一个 .xlsx 文件" in (await web.get(r.headers["location"])).text
    book = await xlsx_of("households", {"households": [household(1)], "members": members(1)})
    two = await start(web, csrf, "households", [("a.xlsx", book), ("b.xlsx", book)])
    assert two.status_code == 303 and "err=" in two.headers["location"]
    forged = await web.post("/console/imports", data={"_csrf_token": "forged", "kind": "households"})
    assert forged.status_code == 403
    not_a_sheet = await start(web, csrf, "households", [("h.xlsx", b"PK\x03\x04 not really a zip")])
    page = await ended(web, not_a_sheet.headers["location"])
    assert "无法作为 .xlsx 工作簿读取" in page

    # a .csv per sheet, as older Excel and WPS save them (GB18030)
    await import_places(web, csrf)
    files = [
        ("家庭成员.csv", csv_of("households", "members", members(1), "gb18030")),
        ("贫困户.csv", csv_of("households", "households", [household(1)], "gb18030")),
    ]
    page = await ended(web, (await start(web, csrf, "households", files)).headers["location"])
    assert "已导入" in page and "家庭成员.csv + 贫困户.csv" in page  # the files in the order sent
    assert (await counts())["members"] == 2


async def test_a_running_job_shows_its_progress_and_refreshes_itself(web, auth):
    await sign_in(web, token(await auth("admin", name="进度管理员")))
    async with reading() as db:
        account = await db.fetchval("SELECT id FROM account WHERE name = '进度管理员'")
        job_id = await db.fetchval(
            "INSERT INTO import_job (kind, account, actor_label, filename, sha256, size, dry_run, state, phase,"
            " rows_total, rows_checked, rows_written, problems, created_at, heartbeat_at)"
            " VALUES ('households', $1, 'admin', '全县.xlsx', repeat('0', 64), 10, false, 'running', 'checking',"
            " 86160, 43080, 0, 3, now(), now()) RETURNING id",
            account,
        )
    page = await web.get(f"/console/imports/{job_id}")
    assert page.status_code == 200 and '<meta http-equiv="refresh" content="1">' in page.text
    progress = page.text[page.text.index('id="progress"') : page.text.index("本页每秒自动刷新")]
    assert "逐行检查" in progress and "43080 / 86160" in progress and 'style="width: 50%"' in progress
    assert re.search(r"已发现问题<b>3</b>", progress) and "已写入行数<b>0</b>" in progress
    listed = await web.get("/console/imports")
    assert "全县.xlsx" in listed.text and "进行中" in listed.text
    async with reading() as db:  # its process stopped: the page says so, and stops refreshing
        await db.execute("UPDATE import_job SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1", job_id)
    page = await web.get(f"/console/imports/{job_id}")
    assert "http-equiv" not in page.text and "失败，未写入" in page.text
    assert "导入过程中服务器停止运行" in page.text
