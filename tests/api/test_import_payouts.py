"""Importing a county's payouts from the template (issue 13): written in one go and seen in the ledger and
the household's income, every problem named by sheet, row and column with nothing written, a re-import
changing nothing, and a reference the ledger holds with other content refused (a reversal corrects it).

The module shares one demo Qianjiang: each test adds payouts under references of its own, and the ones
that are refused check that the ledger is as it was."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.core.errors import Forbidden
from app.core.principal import Principal, Role
from app.demo import load_demo
from app.demo.chain import credit_code
from app.imports.county_files import write_county
from app.imports.files import Upload
from app.imports.service import run_import
from app.regions import service as regions
from app.sheets.columns import chinese_text
from app.sheets.filled import filled_csv
from app.sheets.templates import PAYOUTS
from tests.api.conftest import reset_database
from tests.api.imports_support import upload, xlsx_of
from tests.db import fetch, fetchrow

SHEET = PAYOUTS.name
COUNTY_ADMIN = Principal(account_id=None, name="county admin", role=Role.admin, region_code="429005")
OTHER_COUNTY_ADMIN = Principal(account_id=None, name="other county", role=Role.admin, region_code="429006")
OPERATOR = Principal(account_id=None, name="operator of enterprise 1", role=Role.operator, enterprise_id=1)
DEMO_PAYOUTS = 12898  # the demo's year of payouts (tests/api/test_demo.py: 244 + 1,598 + 3,684 + 3,686 + 3,686)
# what the payouts template carries of them: all but the 244 shares of the assets' income (app/demo/assets.py)
TEMPLATE_PAYOUTS = DEMO_PAYOUTS - 244


def col(name: str) -> str:
    return PAYOUTS.column(name).title


@pytest.fixture
async def clean_database() -> None:
    """The tests share the module's demo: no reset between them."""


@pytest.fixture(scope="module")
async def demo(app) -> dict[str, str]:
    await reset_database()
    return (await load_demo()).tokens


async def a_link(kind: str, enterprise: int, *, status: str = "registered", skip: int = 0) -> dict[str, Any]:
    """A demo link of ``kind`` of ``enterprise`` whose household is ``status``, in the template's words (the
    demo's odd enterprises have share and cooperation links, its even ones wage and franchise links)."""
    row = await fetchrow(
        "SELECT l.id, h.id AS household_id, h.registry_no, b.name AS base, l.kind, e.credit_code"
        " FROM link l JOIN household h ON h.id = l.household JOIN base b ON b.id = l.base"
        " JOIN enterprise e ON e.id = l.enterprise"
        " WHERE l.kind = $1 AND l.enterprise = $2 AND h.status = $3 ORDER BY l.id OFFSET $4 LIMIT 1",
        kind,
        enterprise,
        status,
        skip,
    )
    assert row is not None
    return dict(row)


def payout_row(link: dict[str, Any], reference: str, **changes: Any) -> dict[str, Any]:
    """A 2018 payout for ``link`` as a row of the template (codes as stored; written as a person would)."""
    return {
        "registry_no": link["registry_no"],
        "enterprise_credit_code": link["credit_code"],
        "base": link["base"],
        "kind": link["kind"],
        "amount": Decimal("1234.50"),
        "period_from": date(2018, 1, 1),
        "period_to": date(2018, 1, 31),
        "paid_on": date(2018, 2, 5),
        "method": "bank",
        "reference": reference,
        "income_type": None,
    } | changes


def csv_file(rows: list[dict[str, Any]], name: str = "payouts.csv") -> list[Upload]:
    return [Upload(name, filled_csv(PAYOUTS, rows))]


async def ledger() -> tuple[int, Decimal]:
    row = await fetchrow("SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM payout")
    assert row is not None
    return row["n"], row["total"]


def where(report) -> set[tuple[str, int, str]]:
    return {(p.sheet, p.row, p.column) for p in report.problems}


async def test_a_county_s_payouts_written_out_as_the_template_import_back_unchanged(demo):
    before = await ledger()
    assert before[0] == DEMO_PAYOUTS
    out = io.BytesIO()
    await write_county("payouts", "429005", out)
    report = await run_import(
        COUNTY_ADMIN, "payouts", [Upload("qianjiang-payouts.xlsx", out.getvalue())], dry_run=False
    )
    assert report.problems == [] and report.outcome == "unchanged", [chinese_text(p.reason) for p in report.problems]
    assert report.rows_read == TEMPLATE_PAYOUTS
    assert report.unchanged == {"payouts": TEMPLATE_PAYOUTS} and report.created == {}
    assert report.county == "429005"
    assert await ledger() == before


async def test_a_good_file_is_written_in_one_go_and_shows_in_the_ledger_and_the_household_s_income(client, demo):
    admin = {"Authorization": f"Bearer {demo['admin']}"}
    wage, share = await a_link("wage", 2), await a_link("share", 3)
    rows = [
        payout_row(wage, "IMP-GOOD-1"),
        payout_row(wage, "IMP-GOOD-2", period_from=date(2018, 2, 1), period_to=date(2018, 2, 28),
                   paid_on=date(2018, 3, 5), amount=Decimal("980.00"), method="cash"),
        payout_row(share, "IMP-GOOD-3", amount=Decimal("400.00"), period_to=date(2018, 12, 31),
                   paid_on=date(2018, 12, 25), income_type="dividend"),
    ]  # fmt: skip
    before = await ledger()
    dry = await run_import(COUNTY_ADMIN, "payouts", csv_file(rows), dry_run=True)
    assert dry.outcome == "checked" and dry.created == {"payouts": 3}
    assert await ledger() == before

    report = await run_import(COUNTY_ADMIN, "payouts", csv_file(rows), dry_run=False)
    assert report.outcome == "imported", [chinese_text(p.reason) for p in report.problems]
    assert report.created == {"payouts": 3} and report.county == "429005"
    assert await ledger() == (before[0] + 3, before[1] + Decimal("2614.50"))

    # in the ledger, under their enterprise and link, as one batch
    listed = (await client.get(f"/api/v1/payouts?household_id={wage['household_id']}", headers=admin)).json()["items"]
    mine = {p["reference"]: p for p in listed if p["reference"].startswith("IMP-GOOD")}
    assert set(mine) == {"IMP-GOOD-1", "IMP-GOOD-2"}
    assert mine["IMP-GOOD-1"]["amount"] == "1234.50" and mine["IMP-GOOD-1"]["income_type"] == "wage"
    assert mine["IMP-GOOD-2"]["method"] == "cash" and mine["IMP-GOOD-1"]["link_id"] == wage["id"]
    assert mine["IMP-GOOD-1"]["enterprise_id"] == 2 and mine["IMP-GOOD-1"]["batch_id"] is not None
    batch = await fetchrow("SELECT source, rows_received, rows_written FROM payout_batch WHERE id = $1",
                           mine["IMP-GOOD-1"]["batch_id"])  # fmt: skip
    assert dict(batch) == {"source": "import", "rows_received": 3, "rows_written": 3}

    # in the household's income for 2018
    income = (await client.get(f"/api/v1/households/{wage['household_id']}/income?year=2018", headers=admin)).json()
    assert Decimal(income["total"]) == Decimal("2214.50"), income

    # one audit entry in the county's chain, naming the file's SHA-256 and the counts
    entries = await fetch("SELECT chain, after FROM audit_entry WHERE action = 'imports.payouts'")
    assert len(entries) == 1 and entries[0]["chain"] == "429005"
    assert report.sha256 in entries[0]["after"] and '"payouts": 3' in entries[0]["after"]

    # the same file again: nothing written, and said so
    again = await run_import(COUNTY_ADMIN, "payouts", csv_file(rows), dry_run=False)
    assert again.outcome == "unchanged" and again.unchanged == {"payouts": 3} and again.created == {}
    assert await ledger() == (before[0] + 3, before[1] + Decimal("2614.50"))
    # a reference in other letters' case is the same payout (references match whatever the case)
    lower = [payout_row(wage, "imp-good-1")]
    assert (await run_import(COUNTY_ADMIN, "payouts", csv_file(lower), dry_run=False)).outcome == "unchanged"


async def test_every_problem_is_named_by_sheet_row_and_column_and_nothing_is_written(demo):
    wage, coop = await a_link("wage", 4), await a_link("cooperation", 5)
    recorded = await fetchrow(
        "SELECT p.reference, p.link FROM payout p WHERE p.enterprise = 4 AND p.link = $1 ORDER BY p.id LIMIT 1",
        wage["id"],
    )
    unknown_code = credit_code(99)  # a valid code no enterprise has
    good_code = credit_code(4)
    wrong_check_digit = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")
    rows = [
        payout_row(wage, "BAD-A", enterprise_credit_code=unknown_code),  # 2
        payout_row(wage, "BAD-B", enterprise_credit_code=None),  # 3: required of a county's account
        payout_row(wage, "BAD-C", registry_no="42900599999999999"),  # 4
        payout_row(wage, "BAD-D", base="没有这个基地"),  # 5
        payout_row(wage, "BAD-E", kind="share"),  # 6: no share link between them
        payout_row(wage, "BAD-F", income_type="dividend"),  # 7: a wage link pays wages
        payout_row(wage, "BAD-G", paid_on=date(2017, 12, 1)),  # 8: paid before its period began
        payout_row(wage, "BAD-H", period_from=date(2015, 6, 1), period_to=date(2015, 6, 30),
                   paid_on=date(2015, 7, 1)),  # 9: before the link started: no link covers the day
        payout_row(coop, "BAD-I"),  # 10: good on its own
        payout_row(coop, "bad-i", amount=Decimal("5.00")),  # 11: repeats row 10's reference
        payout_row(wage, recorded["reference"], amount=Decimal("1.00")),  # 12: the ledger's, other content
        payout_row(wage, "BAD-J#1"),  # 13: '#' is kept for reversals
        payout_row(wage, "BAD-K", enterprise_credit_code=wrong_check_digit),  # 14
    ]  # fmt: skip
    before = await ledger()
    report = await run_import(COUNTY_ADMIN, "payouts", csv_file(rows), dry_run=False)
    assert report.outcome == "refused"
    assert where(report) == {
        (SHEET, 2, col("enterprise_credit_code")),
        (SHEET, 3, col("enterprise_credit_code")),
        (SHEET, 4, col("registry_no")),
        (SHEET, 5, col("base")),
        (SHEET, 6, col("kind")),
        (SHEET, 7, col("income_type")),
        (SHEET, 8, col("paid_on")),
        (SHEET, 9, col("kind")),
        (SHEET, 11, col("reference")),
        (SHEET, 12, col("reference")),
        (SHEET, 13, col("reference")),
        (SHEET, 14, col("enterprise_credit_code")),
    }
    said = {p.row: str(p.reason) for p in report.problems}
    assert unknown_code in said[2] and "required" in said[3]
    assert "no household has registry number" in said[4] and "no base 没有这个基地" in said[5]
    assert "a wage link pays wage, not dividend" in said[7] and "repeats the reference of row 10" in said[11]
    assert "corrected by a reversal, not by import" in said[12]
    # the problems read in Chinese, as the console and the command line show them
    chinese = {p.row: chinese_text(p.reason) for p in report.problems}
    assert "冲正" in chinese[12] and "冲正" in chinese[13] and "早于所发放收益的期间" in chinese[8]
    assert "没有统一社会信用代码为" in chinese[2] and "校验" in chinese[14]
    assert await ledger() == before
    assert not await fetch("SELECT 1 FROM payout WHERE reference LIKE 'BAD-%'")


async def test_a_clash_with_the_ledger_is_refused_and_the_recorded_payout_stays(demo):
    link = await a_link("cooperation", 7)
    first = [payout_row(link, "IMP-CLASH-1")]
    assert (await run_import(COUNTY_ADMIN, "payouts", csv_file(first), dry_run=False)).outcome == "imported"
    before = await ledger()
    changed = [payout_row(link, "IMP-CLASH-1", amount=Decimal("999.99"))]
    report = await run_import(COUNTY_ADMIN, "payouts", csv_file(changed), dry_run=False)
    assert report.outcome == "refused" and where(report) == {(SHEET, 2, col("reference"))}
    assert "a recorded payout is corrected by a reversal, not by import" in str(report.problems[0].reason)
    assert await ledger() == before
    stored = await fetchrow("SELECT amount FROM payout WHERE reference = 'IMP-CLASH-1'")
    assert stored["amount"] == Decimal("1234.50")


async def test_an_operator_imports_its_own_enterprise_s_payouts_and_no_other_s(demo):
    own, other = await a_link("cooperation", 1), await a_link("wage", 10)
    rows = [payout_row(own, "IMP-OP-1", enterprise_credit_code=None), payout_row(own, "IMP-OP-2")]
    report = await run_import(OPERATOR, "payouts", csv_file(rows), dry_run=False)
    assert report.outcome == "imported" and report.created == {"payouts": 2}
    stored = await fetch("SELECT enterprise FROM payout WHERE reference LIKE 'IMP-OP-%'")
    assert [r["enterprise"] for r in stored] == [1, 1]

    before = await ledger()
    report = await run_import(OPERATOR, "payouts", csv_file([payout_row(other, "IMP-OP-3")]), dry_run=False)
    assert report.outcome == "refused" and where(report) == {(SHEET, 2, col("enterprise_credit_code"))}
    assert "operator imports its own enterprise's payouts" in str(report.problems[0].reason)
    # the other enterprise's base, named without a code, is no base of the operator's
    report = await run_import(
        OPERATOR, "payouts", csv_file([payout_row(other, "IMP-OP-4", enterprise_credit_code=None)]), dry_run=False
    )
    assert report.outcome == "refused" and where(report) == {(SHEET, 2, col("base"))}
    assert await ledger() == before


async def test_an_account_of_another_county_or_role_writes_nothing(demo):
    link = await a_link("wage", 8)
    rows = [payout_row(link, "IMP-SCOPE-1")]
    before = await ledger()
    report = await run_import(OTHER_COUNTY_ADMIN, "payouts", csv_file(rows), dry_run=False)
    assert report.outcome == "refused" and where(report) == {(SHEET, 2, col("registry_no"))}
    assert "outside your region" in str(report.problems[0].reason)
    officer = Principal(account_id=None, name="officer", role=Role.town_officer, town_id=1, region_code="429005")
    with pytest.raises(Forbidden):  # a town officer imports no payouts (app.imports.service.KIND_ROLES)
        await run_import(officer, "payouts", csv_file(rows), dry_run=False)
    assert await ledger() == before


async def test_a_payout_beyond_an_exited_household_s_continuation_is_refused(demo):
    link = await a_link("wage", 12, status="exited")
    exited = await fetchrow("SELECT exited_year FROM household WHERE id = $1", link["household_id"])
    # the policy continues an exited household's links for some years; the first January after them is refused
    years = regions.default_policy().continuation_years
    late = date(exited["exited_year"] + years + 1, 1, 1)
    assert late < date.today()  # the demo's households exited in 2016 and 2017: the period is a past one
    row = payout_row(link, "IMP-LATE-1", period_from=late, period_to=late.replace(day=31), paid_on=late.replace(day=31))
    before = await ledger()
    report = await run_import(COUNTY_ADMIN, "payouts", csv_file([row]), dry_run=False)
    assert report.outcome == "refused" and where(report) == {(SHEET, 2, col("period_to"))}
    assert "policy continuation" in str(report.problems[0].reason)
    assert await ledger() == before


async def test_over_the_api_an_operator_s_file_is_answered_with_its_problems_or_written(client, demo):
    operator = {"Authorization": f"Bearer {demo['operator']}"}
    own = await a_link("cooperation", 1, skip=1)
    good = payout_row(own, "IMP-API-1", enterprise_credit_code=None)
    bad = payout_row(own, "IMP-API-2", enterprise_credit_code=None, amount=Decimal("0.00"))
    before = await ledger()
    answer = await upload(client, operator, "payouts", [("p.xlsx", await xlsx_of("payouts", {"payouts": [good, bad]}))])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [(p["sheet"], p["row"], p["column"]) for p in answer.json()["errors"]] == [(SHEET, 3, col("amount"))]
    assert await ledger() == before

    written = await upload(client, operator, "payouts", [("p.csv", csv_file([good])[0].content)])
    assert written.status_code == 201, written.text
    assert written.json()["report"]["created"] == {"payouts": 1}
    assert await ledger() == (before[0] + 1, before[1] + Decimal("1234.50"))
    finance = {"Authorization": f"Bearer {demo['finance']}"}
    assert (await upload(client, finance, "payouts", [("p.csv", csv_file([good])[0].content)])).status_code == 403
