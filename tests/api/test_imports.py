"""Importing a county from its spreadsheets over the API (issue 13): places and households, all or nothing,
every problem at once with sheet, row and column, re-import as a no-op, a changed export updating exactly the
changed households, long imports as jobs, and a job a restart interrupted."""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from app.core.identifiers import _resident_id_check_char
from app.core.uow import reading
from app.imports import jobs
from tests.api.imports_support import XLSX, csv_of, upload, xlsx_of

TOWNS = [{"code": "429005101", "name": "园林街道"}, {"code": "429005102", "name": "杨市街道"}]
VILLAGES = [
    {"code": "429005101001", "name": "一村", "is_poor_village": True, "registered_year": 2014},
    {"code": "429005101002", "name": "二村", "is_poor_village": False, "rural_population": 1200},
    {"code": "429005102001", "name": "三村", "is_poor_village": True, "registered_year": 2014, "exit_year": 2016},
]


def id_number(n: int, child: bool = False) -> str:
    """A valid resident ID number, a different one for each ``n``."""
    birth = date(1990 if child else 1950, 1, 1) + timedelta(days=n)
    body = f"429005{birth:%Y%m%d}{n % 1000:03d}"
    return body + _resident_id_check_char(body)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def household(i: int, **over: Any) -> dict[str, Any]:
    row = {
        "registry_no": f"4290051010{i:05d}",
        "village_code": "429005101001",
        "attribute": "ordinary",
        "causes": ["illness"],
        "identified_year": 2014,
        "registered_on": date(2014, 7, 1),
        "status": "registered",
        "late_addition": False,
        "bank_name": "农商行",
        "bank_card": f"62170000{i:011d}",
    }
    return {**row, **over}


def members(i: int, count: int = 2) -> list[dict[str, Any]]:
    relations = ["head", "spouse", "child"]
    return [
        {
            "registry_no": f"4290051010{i:05d}",
            "name": f"成员{i}-{k}",
            "id_number": id_number(i * 3 + k, child=k == 2),
            "relation": relations[k],
            "labour_ability": "full",
            "health": "healthy",
            "in_school": False,
        }
        for k in range(count)
    ]


async def places(client, admin) -> None:
    answer = await upload(
        client, admin, "regions", [("regions.xlsx", await xlsx_of("regions", {"towns": TOWNS, "villages": VILLAGES}))]
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["report"]["created"] == {"towns": 2, "villages": 3}


async def counts() -> dict[str, int]:
    async with reading() as db:
        row = await db.fetchrow(
            "SELECT (SELECT count(*) FROM household) AS households, (SELECT count(*) FROM member) AS members,"
            " (SELECT count(*) FROM household_event) AS events, (SELECT count(*) FROM audit_entry) AS audit"
        )
    assert row is not None
    return dict(row)


async def test_places_then_households_are_imported_with_their_history(client, admin):
    await places(client, admin)
    rows = [
        household(1),
        household(2, status="exited", exited_on=date(2016, 12, 20)),
        household(3, status="removed", removed_on=date(2016, 5, 10), removed_reason="duplicate"),
    ]
    book = await xlsx_of("households", {"households": rows, "members": [m for i in (1, 2, 3) for m in members(i)]})
    answer = await upload(client, admin, "households", [("households.xlsx", book)])
    assert answer.status_code == 201, answer.text
    job = answer.json()
    assert job["state"] == "imported" and job["county_code"] == "429005"
    assert job["report"]["created"] == {"households": 3, "members": 6}

    listed = (await client.get("/api/v1/households", params={"limit": 10}, headers=admin)).json()["items"]
    by_no = {h["registry_no"]: h for h in listed}
    exited = (await client.get(f"/api/v1/households/{by_no['429005101000002']['id']}", headers=admin)).json()
    assert exited["status"] == "exited"
    assert [(e["to_status"], e["at"][:10]) for e in exited["events"]] == [
        ("registered", "2014-07-01"),
        ("exited", "2016-12-20"),
    ]
    assert sorted(m["relation"] for m in exited["members"]) == ["head", "spouse"]

    # the overview counts them as of any day, as for households that went through the flow in ChainAid
    before_exit = (await client.get("/api/v1/stats/overview", params={"as_of": "2015-12-31"}, headers=admin)).json()
    after_exit = (await client.get("/api/v1/stats/overview", params={"as_of": "2017-12-31"}, headers=admin)).json()
    assert before_exit["households_registered"] == 3
    assert (
        after_exit["households_registered"] == 2  # an exited household stays on the register
        and after_exit["people_exited"] == 2
        and after_exit["people_removed"] == 2
    )

    # one audit entry names the file's SHA-256, the counts and the account
    entries = (await client.get("/api/v1/audit", params={"entity": "import"}, headers=admin)).json()["items"]
    entries = [e for e in entries if e["action"] == "imports.households"]
    assert len(entries) == 1 and entries[0]["chain"] == "429005"
    assert entries[0]["after"]["sha256"] == job["sha256"] and entries[0]["after"]["created"] == {
        "households": 3,
        "members": 6,
    }


async def test_twenty_different_problems_are_all_reported_and_nothing_is_written(client, admin):
    await places(client, admin)
    before = await counts()
    good = [household(i) for i in range(1, 4)]
    bad_households = [
        household(10, registry_no="42900X101"),  # 1 registry number not digits
        household(11, village_code="429005999999"),  # 2 no such village
        household(12, attribute="rich"),  # 3 not a choice
        household(13, causes=["illness", "bad luck"]),  # 4 a cause not in the list
        household(14, identified_year="二〇一四"),  # 5 not a year
        household(15, registered_on="2014-13-01"),  # 6 not a calendar date
        household(16, status="exited"),  # 7 exited without an exit date
        household(
            17, status="returned", exited_on=date(2016, 12, 1), returned_on=date(2016, 1, 1)
        ),  # 8 return before exit
        household(18, status="removed", removed_on=date(2016, 5, 10)),  # 9 removed without a reason
        household(19, status="applied"),  # 10 a step of identification
        household(20, bank_card="1234"),  # 11 bank card too short
        household(1),  # 12 a registry number twice (row 2's)
        household(22, exited_on=date(2016, 12, 1)),  # 13 registered but with an exit date
        household(23, registered_on=date(2013, 7, 1)),  # 14 registered before the year identified
        household(24, status="exited", exited_on=date(2099, 1, 1)),  # 15 a day in the future
        household(25, village_code=None),  # 16 a required cell left empty
    ]
    good_members = [m for i in range(1, 4) for m in members(i)]
    bad_members = [
        {**members(30)[0], "registry_no": "429005101099999"},  # 17 a household the sheet does not have
        {**members(2)[0], "id_number": wrong_check_digit(members(2)[0]["id_number"])},  # 18 a wrong check digit
        {**members(3)[1], "id_number": members(1)[0]["id_number"]},  # 19 an ID number twice
        {**members(3)[1], "id_number": id_number(99), "relation": "boss"},  # 20 a relation not in the list
    ]
    for i in range(10, 26):
        bad_members += members(i)
    book = await xlsx_of("households", {"households": good + bad_households, "members": good_members + bad_members})
    answer = await upload(client, admin, "households", [("bad.xlsx", book)])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problems = answer.json()["errors"]
    located = {(p["sheet"], p["row"], p["column"].split(" ")[-1]) for p in problems}
    expected = {
        ("贫困户", 5, "registry_no"),
        ("贫困户", 6, "village_code"),
        ("贫困户", 7, "attribute"),
        ("贫困户", 8, "causes"),
        ("贫困户", 9, "identified_year"),
        ("贫困户", 10, "registered_on"),
        ("贫困户", 11, "exited_on"),
        ("贫困户", 12, "returned_on"),
        ("贫困户", 13, "removed_reason"),
        ("贫困户", 14, "status"),
        ("贫困户", 15, "bank_card"),
        ("贫困户", 16, "registry_no"),
        ("贫困户", 17, "exited_on"),
        ("贫困户", 18, "registered_on"),
        ("贫困户", 19, "exited_on"),
        ("贫困户", 20, "village_code"),
        ("家庭成员", 8, "registry_no"),
        ("家庭成员", 9, "id_number"),
        ("家庭成员", 10, "id_number"),
        ("家庭成员", 11, "relation"),
    }
    assert expected <= located, sorted(expected - located)
    assert all(p["reason"] and p["reason_zh"] for p in problems)
    assert await counts() == before

    # the problems as a workbook to fix the file by: one a row, the reason in Chinese
    sheet = await client.get(f"/api/v1/imports/{answer.json()['import_id']}/problems.xlsx", headers=admin)
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith(XLSX)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_name("问题").to_python()
    assert rows[0] == ["表", "行", "列", "问题"] and len(rows) == len(problems) + 1
    assert rows[1 + [p["row"] for p in problems].index(7)][:3] == ["贫困户", 7, "贫困户属性 attribute"]
    assert any("不在可选项中" in str(r[3]) for r in rows[1:])


async def test_a_dry_run_reports_and_writes_nothing(client, admin):
    await places(client, admin)
    before = await counts()
    book = await xlsx_of("households", {"households": [household(1)], "members": members(1)})
    answer = await upload(client, admin, "households", [("h.xlsx", book)], dry_run=True)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "checked" and answer.json()["report"]["created"] == {"households": 1, "members": 2}
    assert await counts() == before


async def test_reimporting_the_same_file_changes_nothing_and_says_so(client, admin):
    await places(client, admin)
    book = await xlsx_of(
        "households", {"households": [household(i) for i in (1, 2)], "members": members(1) + members(2)}
    )
    assert (await upload(client, admin, "households", [("h.xlsx", book)])).status_code == 201
    before = await counts()
    again = await upload(client, admin, "households", [("h.xlsx", book)])
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "unchanged"
    assert again.json()["report"]["unchanged"] == {"households": 2, "members": 4}
    assert await counts() == before


async def test_a_later_export_updates_exactly_the_changed_households(client, admin):
    await places(client, admin)
    rows = [household(i) for i in range(1, 6)]
    people = [m for i in range(1, 6) for m in members(i)]
    first = await xlsx_of("households", {"households": rows, "members": people})
    assert (await upload(client, admin, "households", [("2016.xlsx", first)])).status_code == 201
    before = await counts()

    rows[0] = household(1, status="exited", exited_on=date(2017, 12, 10))  # exits
    rows[1] = household(2, attribute="dibao", causes=["illness", "disability"])  # corrected
    people += members(3, 3)[2:]  # a child born
    later = await xlsx_of("households", {"households": rows, "members": people})
    answer = await upload(client, admin, "households", [("2017.xlsx", later)])
    assert answer.status_code == 201, answer.text
    report = answer.json()["report"]
    assert report["updated"] == 3 and report["unchanged"] == {"households": 2, "members": 10}
    changed = {c["key"]: c for c in report["changes"]}
    assert set(changed) == {"429005101000001", "429005101000002", "429005101000003"}
    assert changed["429005101000001"]["before"]["status"] == "registered"
    assert changed["429005101000001"]["after"]["status"] == "exited"
    assert changed["429005101000002"]["before"]["attribute"] == "ordinary"
    assert changed["429005101000002"]["after"]["attribute"] == "dibao"
    assert changed["429005101000003"]["after"]["members_added"] == [members(3, 3)[2]["id_number"]]
    after = await counts()
    assert after["households"] == before["households"] and after["members"] == before["members"] + 1
    # an exit event and a member_added event; each change audited with before and after, plus the import's entry
    assert after["events"] == before["events"] + 2
    assert after["audit"] == before["audit"] + 4
    entries = (await client.get("/api/v1/audit", params={"entity": "household"}, headers=admin)).json()["items"]
    updates = [e for e in entries if e["action"] == "households.import_update"]
    assert len(updates) == 3
    assert {(e["before"].get("attribute"), e["after"].get("attribute")) for e in updates} >= {("ordinary", "dibao")}

    # going back is refused, with the reason, and writes nothing
    rows[0] = household(1)
    back = await xlsx_of("households", {"households": rows, "members": people})
    refused = await upload(client, admin, "households", [("back.xlsx", back)])
    assert refused.status_code == 422
    (problem,) = refused.json()["errors"]
    assert problem["row"] == 2 and problem["column"].endswith("status") and "back" in problem["reason"]
    assert await counts() == after


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
async def test_csv_files_one_per_sheet_in_each_encoding(client, admin, encoding):
    await places(client, admin)
    files = [
        ("members.csv", csv_of("households", "members", members(1), encoding)),
        ("households.csv", csv_of("households", "households", [household(1, address="园林街道一村3组")], encoding)),
    ]
    answer = await upload(client, admin, "households", files)
    assert answer.status_code == 201, answer.text
    detail = (await client.get("/api/v1/households", headers=admin)).json()["items"][0]
    assert detail["registry_no"] == "429005101000001"
    async with reading() as db:
        assert await db.fetchval("SELECT address FROM household") == "园林街道一村3组"
        assert await db.fetchval("SELECT string_agg(name, ',' ORDER BY id) FROM member") == "成员1-0,成员1-1"


async def test_a_long_import_is_a_job_with_its_progress(client, admin):
    await places(client, admin)
    rows = [household(i) for i in range(1, 1201)]
    book = await xlsx_of("households", {"households": rows, "members": [m for i in range(1, 1201) for m in members(i)]})
    answer = await upload(client, admin, "households", [("county.xlsx", book)])
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    assert answer.headers["location"] == f"/api/v1/imports/{job_id}"
    for _ in range(600):
        job = (await client.get(f"/api/v1/imports/{job_id}", headers=admin)).json()
        if job["state"] != "running":
            break
        assert job["phase"] in ("queued", "reading", "checking", "writing", "done")
        await asyncio.sleep(0.1)
    assert job["state"] == "imported", job["report"]["problems"][:3]
    assert job["rows_total"] == 3600 and job["rows_checked"] == 3600 and job["rows_written"] >= 3600
    assert (await counts())["households"] == 1200
    listed = (await client.get("/api/v1/imports", headers=admin)).json()
    assert listed["items"][0]["id"] == job_id and listed["items"][0]["report"] is None


async def test_a_job_a_restart_interrupted_is_failed_with_nothing_written(client, admin, auth):
    async with reading() as db:
        job_id = await db.fetchval(
            "INSERT INTO import_job (kind, actor_label, filename, sha256, size, dry_run, state, phase, created_at,"
            " heartbeat_at) VALUES ('households', 'admin', 'h.xlsx', repeat('0', 64), 10, false, 'running', 'writing',"
            " now() - interval '5 minutes', now() - interval '5 minutes') RETURNING id"
        )
    job = (await client.get(f"/api/v1/imports/{job_id}", headers=admin)).json()
    assert job["state"] == "failed" and "nothing was written" in job["error"]
    assert await jobs.mark_interrupted() == 1
    async with reading() as db:
        assert await db.fetchval("SELECT state FROM import_job WHERE id = $1", job_id) == "failed"
    # another account (not the importer's region's admin) does not read it
    finance = await auth("finance")
    assert (await client.get(f"/api/v1/imports/{job_id}", headers=finance)).status_code == 403


async def test_who_imports_what(client, admin, auth):
    await places(client, admin)
    async with reading() as db:
        town_2 = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
    officer = await auth("town_officer", town_id=town_2)
    book = await xlsx_of("households", {"households": [household(1)], "members": members(1)})
    refused = await upload(client, officer, "households", [("h.xlsx", book)])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["column"].endswith("village_code")
    own = await xlsx_of(
        "households", {"households": [household(1, village_code="429005102001")], "members": members(1)}
    )
    assert (await upload(client, officer, "households", [("h.xlsx", own)])).status_code == 201
    places_book = await xlsx_of("regions", {"towns": TOWNS, "villages": VILLAGES})
    assert (await upload(client, officer, "regions", [("r.xlsx", places_book)])).status_code == 403
    finance = await auth("finance")
    assert (await upload(client, finance, "households", [("h.xlsx", book)])).status_code == 403


async def test_a_file_that_is_not_a_spreadsheet_is_one_problem(client, admin):
    answer = await upload(client, admin, "households", [("h.xlsx", b"PK\x03\x04 not really a zip")])
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {
            "sheet": "h.xlsx",
            "row": 0,
            "column": "",
            "reason": "cannot be read as an .xlsx workbook",
            "reason_zh": "无法作为 .xlsx 工作簿读取",
        }
    ]
    unknown = await upload(client, admin, "people", [("h.xlsx", b"x")])
    assert unknown.status_code == 404 and "kind" in unknown.text


async def test_a_member_the_file_leaves_out_is_kept_and_the_report_says_so(client, admin):
    await places(client, admin)
    first = await xlsx_of("households", {"households": [household(1)], "members": members(1, 3)})
    assert (await upload(client, admin, "households", [("h.xlsx", first)])).status_code == 201
    later = await xlsx_of("households", {"households": [household(1)], "members": members(1, 2)})
    answer = await upload(client, admin, "households", [("h.xlsx", later)])
    assert answer.status_code == 200 and answer.json()["state"] == "unchanged", answer.text
    report = answer.json()["report"]
    assert report["notes"] == ["429005101000001: 1 member(s) on record are not in the file and are kept"]
    assert report["notes_zh"] == ["429005101000001:有 1 名在册成员不在文件中,予以保留"]
    assert (await counts())["members"] == 3
