"""The import's edges a review found: what a re-import may and may not touch, who may change which household,
and files built to hurt (a sheet as wide as Excel, a damaged sheet, a million problems)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from app.core.uow import reading
from app.sheets.columns import Sheet
from app.sheets.filled import filled_csv
from app.sheets.templates import HOUSEHOLDS
from tests.api.imports_support import csv_of, finished, upload, xlsx_of
from tests.api.test_imports import VILLAGES, counts, household, members, places


async def _import(client, headers, rows, people, name="h.xlsx", status=201):
    answer = await upload(
        client, headers, "households", [(name, await xlsx_of("households", {"households": rows, "members": people}))]
    )
    assert answer.status_code == status, answer.text
    return answer.json()


async def test_a_file_without_a_column_keeps_that_column_on_record(client, admin):
    await places(client, admin)
    await _import(client, admin, [household(1, phone="+86 138 0000 0002", address="-")], members(1))
    # the same household from a file that has no bank, phone or address columns: nothing to change
    leave_out = ("bank_name", "bank_card", "phone", "address")
    kept = [c for c in HOUSEHOLDS.columns if c.name not in leave_out]
    sheet = Sheet(HOUSEHOLDS.name, HOUSEHOLDS.key, tuple(kept))
    csv_rows = filled_csv(sheet, [household(1)])
    assert "银行卡号" not in csv_rows.decode("utf-8-sig").splitlines()[0]
    answer = await upload(
        client,
        admin,
        "households",
        [("h.csv", csv_rows), ("m.csv", csv_of("households", "members", members(1)))],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "unchanged"
    async with reading() as db:
        row = await db.fetchrow("SELECT bank_card, phone, address FROM household")
    assert (
        row["bank_card"] == household(1)["bank_card"] and row["phone"] == "+86 138 0000 0002" and row["address"] == "-"
    )


async def test_an_export_with_formula_like_text_imports_back_unchanged(client, admin):
    await places(client, admin)
    await _import(client, admin, [household(1, phone="+86 138 0000 0002", address="=村委会旁")], members(1))
    from app.imports.county_files import write_county

    book = io.BytesIO()
    await write_county("households", "429005", book)
    again = await upload(client, admin, "households", [("export.xlsx", book.getvalue())])
    assert again.status_code == 200 and again.json()["state"] == "unchanged", again.text


async def test_a_town_officer_cannot_take_over_another_towns_household(client, admin, auth):
    await places(client, admin)
    await _import(client, admin, [household(1)], members(1))  # in town 101
    async with reading() as db:
        town_2 = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
    officer = await auth("town_officer", town_id=town_2)
    moved = [household(1, village_code="429005102001", bank_card="6217000099999999999")]
    refused = await upload(
        client,
        officer,
        "households",
        [("h.xlsx", await xlsx_of("households", {"households": moved, "members": members(1)}))],
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["reason"] == "is a household of another town"
    async with reading() as db:
        assert await db.fetchval("SELECT bank_card FROM household") == household(1)["bank_card"]


async def test_removal_by_import_frees_the_members_and_keeps_the_exit_year(client, admin):
    await places(client, admin)
    await _import(client, admin, [household(1, status="exited", exited_on=date(2016, 12, 20))], members(1))
    async with reading() as db:
        await db.execute("UPDATE household SET exited_year = 2017")  # set over the API: not the event's year
    changed_phone = [household(1, status="exited", exited_on=date(2016, 12, 20), phone="13900000001")]
    job = await _import(client, admin, changed_phone, members(1))
    assert job["report"]["changes"][0]["after"] == {"phone": "13900000001"}
    async with reading() as db:
        assert await db.fetchval("SELECT exited_year FROM household") == 2017
    removed = [
        household(
            1,
            status="removed",
            exited_on=date(2016, 12, 20),
            removed_on=date(2018, 3, 1),
            removed_reason="duplicate",
            phone="13900000001",
        )
    ]
    job = await _import(client, admin, removed, members(1))
    assert job["report"]["changes"][0]["after"] == {"status": "removed", "removed_reason": "duplicate"}
    async with reading() as db:
        assert await db.fetchval("SELECT bool_or(in_active_household) FROM member") is False
    # the freed ID numbers join another household
    moved = [{**m, "registry_no": household(2)["registry_no"]} for m in members(1)]
    await _import(client, admin, [household(2)], moved)


async def test_a_village_name_on_record_in_the_town_is_a_problem_not_a_conflict(client, admin):
    await places(client, admin)
    clash = [{"code": "429005101009", "name": VILLAGES[0]["name"], "is_poor_village": False}]
    answer = await upload(client, admin, "regions", [("r.xlsx", await xlsx_of("regions", {"villages": clash}))])
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["errors"]
    assert problem["sheet"] == "村" and problem["row"] == 2 and problem["column"].endswith("name")


async def test_a_registration_day_left_to_default_into_the_future_is_refused(client, admin):
    await places(client, admin)
    row = household(1, identified_year=date.today().year, registered_on=None)
    answer = await _import(client, admin, [row], members(1), status=422)
    assert answer["errors"][0]["column"].endswith("identified_year")


async def test_a_sheet_as_wide_as_excel_is_refused_before_it_is_read(client, admin):
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("贫困户")
    sheet.write(0, 0, "户编号 registry_no")
    sheet.write(100_000, 16_000, "x")
    book.close()
    answer = await upload(client, admin, "households", [("wide.xlsx", out.getvalue())])
    assert answer.status_code == 422
    assert "columns" in answer.json()["errors"][0]["reason"]


async def test_a_damaged_sheet_is_a_problem_not_a_server_error(client, admin):
    good = await xlsx_of("households", {"households": [household(1)], "members": members(1)})
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    answer = await upload(client, admin, "households", [("damaged.xlsx", damaged.getvalue())])
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["reason"].startswith("the sheet")


async def test_a_file_of_garbage_lines_reports_ten_thousand_problems_and_counts_the_rest(client, admin):
    header = csv_of("households", "households", []).decode("utf-8-sig")
    content = (header + "1,,,,,,,,,,,,,,,\n" * 20_000).encode()
    answer = await upload(client, admin, "households", [("garbage.csv", content)])
    assert answer.status_code == 202  # 20,000 lines: a job
    job = await finished(client, admin, answer.json()["id"])
    assert job["state"] == "refused"
    errors = job["report"]["problems"]
    assert len(errors) == 10_001
    assert errors[-1]["reason"].startswith("and ") and "more problems" in errors[-1]["reason"]
    assert (await counts())["households"] == 0


async def test_an_operator_links_only_households_of_its_bases_town(client, auth):
    from app.demo import load_demo

    await load_demo()
    async with reading() as db:
        row = await db.fetchrow(
            "SELECT b.name AS base, e.credit_code, e.id AS enterprise, h.registry_no"
            " FROM base b JOIN enterprise e ON e.id = b.enterprise JOIN village bv ON bv.id = b.village,"
            " household h JOIN village v ON v.id = h.village"
            " WHERE v.town <> bv.town AND h.status = 'registered' ORDER BY b.id, h.id LIMIT 1"
        )
    operator = await auth("operator", enterprise_id=row["enterprise"])
    link = {
        "registry_no": row["registry_no"],
        "enterprise_credit_code": row["credit_code"],
        "base": row["base"],
        "kind": "wage",
        "start_date": date(2024, 1, 1),
        "wage_basis": "day",
        "wage_rate": "100.00",
    }
    answer = await upload(client, operator, "links", [("l.xlsx", await xlsx_of("links", {"links": [link]}))])
    assert answer.status_code == 422, answer.text
    assert "own town" in answer.json()["errors"][0]["reason"]
