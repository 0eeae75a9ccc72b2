"""Importing department records from the template (issue 13): the facts written and matched against the
register as the cross-check's own import matches them (flags, noted in the household's history), every
problem named by sheet, row and column with nothing written, a re-import changing nothing, and another
value for a fact on record refused.

The module shares one demo Qianjiang: each test names people of its own."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.core.errors import Forbidden
from app.core.principal import Principal, Role
from app.demo import load_demo
from app.imports.files import Upload
from app.imports.service import run_import
from app.sheets.columns import chinese_text
from app.sheets.filled import filled_csv
from app.sheets.templates import DEPARTMENT_RECORDS
from tests.api.conftest import reset_database
from tests.api.imports_support import upload
from tests.db import fetch, fetchrow

SHEET = DEPARTMENT_RECORDS.name
ADMIN = Principal(account_id=None, name="county admin", role=Role.admin, region_code="429005")


def col(name: str) -> str:
    return DEPARTMENT_RECORDS.column(name).title


@pytest.fixture
async def clean_database() -> None:
    """The tests share the module's demo: no reset between them."""


@pytest.fixture(scope="module")
async def demo(app) -> dict[str, str]:
    await reset_database()
    return (await load_demo()).tokens


async def people(count: int, skip: int) -> list[dict[str, Any]]:
    """Present members of registered households with no flag yet, one per household, with their household."""
    rows = await fetch(
        "SELECT DISTINCT ON (m.household) m.id_number, m.household FROM member m"
        " JOIN household h ON h.id = m.household"
        " WHERE h.status = 'registered' AND m.left_on IS NULL AND m.in_active_household"
        " AND NOT EXISTS (SELECT 1 FROM cross_check_flag f WHERE f.household = h.id)"
        " ORDER BY m.household, m.id OFFSET $1 LIMIT $2",
        skip,
        count,
    )
    return [dict(r) for r in rows]


def record(id_number: str, department: str = "housing", item: str = "shop", **changes: Any) -> dict[str, Any]:
    return {
        "department": department,
        "item": item,
        "id_number": id_number,
        "as_of": date(2017, 6, 30),
        "value": "潜江市某街12号",
    } | changes


def csv_file(rows: list[dict[str, Any]]) -> list[Upload]:
    return [Upload("records.csv", filled_csv(DEPARTMENT_RECORDS, rows))]


async def counts() -> tuple[int, int, int]:
    row = await fetchrow(
        "SELECT (SELECT count(*) FROM department_record) AS records, (SELECT count(*) FROM cross_check_flag) AS flags,"
        " (SELECT count(*) FROM household_event) AS events"
    )
    assert row is not None
    return row["records"], row["flags"], row["events"]


def where(report) -> set[tuple[str, int, str]]:
    return {(p.sheet, p.row, p.column) for p in report.problems}


async def test_a_good_file_is_written_matched_and_flagged_and_a_re_import_changes_nothing(client, demo):
    admin = {"Authorization": f"Bearer {demo['admin']}"}
    owner, driver, clerk = await people(3, skip=0)
    rows = [
        record(owner["id_number"]),  # owns a shop: every such record counts
        record(driver["id_number"], "public_security", "vehicle", value="80000"),  # over the 30,000 threshold
        record(clerk["id_number"], "public_security", "vehicle", value="12000"),  # under it: no flag
        record(clerk["id_number"], "tax", "income", value="3000"),  # no rule on the item: stored, no flag
    ]
    records, flags, events = await counts()
    report = await run_import(ADMIN, "department-records", csv_file(rows), dry_run=False)
    assert report.outcome == "imported", [chinese_text(p.reason) for p in report.problems]
    assert report.created == {"department_records": 4}
    assert await counts() == (records + 4, flags + 2, events + 2)

    # the flags the cross-check shows, each noted in its household's history
    listed = (await client.get("/api/v1/cross-check/flags?status=open&limit=500", headers=admin)).json()["items"]
    flagged = {f["household_id"]: f for f in listed}
    assert owner["household"] in flagged and driver["household"] in flagged
    assert clerk["household"] not in flagged
    assert flagged[owner["household"]]["evidence"]["item"] == "shop"
    noted = await fetch(
        "SELECT household FROM household_event WHERE kind = 'cross_check_flagged' AND household = ANY ($1::int[])",
        [owner["household"], driver["household"]],
    )
    assert len(noted) == 2

    # one audit entry, in the province's chain (department records belong to no county)
    entries = await fetch("SELECT chain, after FROM audit_entry WHERE action = 'imports.department-records'")
    assert len(entries) == 1 and entries[0]["chain"] == "" and report.sha256 in entries[0]["after"]

    again = await run_import(ADMIN, "department-records", csv_file(rows), dry_run=False)
    assert again.outcome == "unchanged" and again.unchanged == {"department_records": 4}
    assert await counts() == (records + 4, flags + 2, events + 2)


async def test_every_problem_is_named_by_sheet_row_and_column_and_nothing_is_written(demo):
    (person,) = await people(1, skip=10)
    stored = record(person["id_number"], "provident_fund", "contribution", value="500")
    assert (await run_import(ADMIN, "department-records", csv_file([stored]), dry_run=False)).outcome == "imported"
    bad_id = person["id_number"][:-1] + ("0" if person["id_number"][-1] != "0" else "1")
    rows = [
        record(bad_id),  # 2: the check digit
        record(person["id_number"], as_of=date(2099, 1, 1)),  # 3: a day of fact in the future
        record(person["id_number"], department="d" * 41),  # 4: longer than a department code
        record(person["id_number"], item="commercial_housing"),  # 5: good
        record(person["id_number"], item="COMMERCIAL_HOUSING", value="别处"),  # 6: row 5's fact again
        stored | {"value": "900"},  # 7: another value for the fact on record
    ]
    before = await counts()
    report = await run_import(ADMIN, "department-records", csv_file(rows), dry_run=False)
    assert report.outcome == "refused"
    assert where(report) == {
        (SHEET, 2, col("id_number")),
        (SHEET, 3, col("as_of")),
        (SHEET, 4, col("department")),
        (SHEET, 6, col("id_number")),
        (SHEET, 7, col("value")),
    }
    said = {p.row: str(p.reason) for p in report.problems}
    assert "repeats row 5" in said[6] and "not changed by import" in said[7]
    assert await counts() == before
    assert not await fetch("SELECT 1 FROM department_record WHERE item = 'commercial_housing' AND id_number = $1",
                           person["id_number"])  # fmt: skip


async def test_only_an_administrator_imports_department_records(demo):
    (person,) = await people(1, skip=20)
    before = await counts()
    for role, scope in ((Role.finance, {}), (Role.town_officer, {"town_id": 1}), (Role.operator, {"enterprise_id": 1})):
        actor = Principal(account_id=None, name=role.value, role=role, **scope)
        with pytest.raises(Forbidden):  # as the API's import (crosscheck.manage): its flags reach every county
            await run_import(actor, "department-records", csv_file([record(person["id_number"])]), dry_run=False)
    assert await counts() == before


async def test_over_the_api_an_administrator_s_file_is_written_and_another_role_is_refused(client, demo):
    (person,) = await people(1, skip=30)
    rows = [record(person["id_number"], "organization", "village_official", value="村委会委员")]
    before = await counts()
    operator = {"Authorization": f"Bearer {demo['operator']}"}
    assert (
        await upload(client, operator, "department-records", [("r.csv", csv_file(rows)[0].content)])
    ).status_code == 403
    admin = {"Authorization": f"Bearer {demo['admin']}"}
    answer = await upload(client, admin, "department-records", [("r.csv", csv_file(rows)[0].content)])
    assert answer.status_code == 201, answer.text
    assert answer.json()["report"]["created"] == {"department_records": 1}
    assert await counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
