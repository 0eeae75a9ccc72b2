"""Spreadsheets (issue 13, Builds 1 and 5): the import templates, and the ledgers as ``.xlsx``.

Templates: every kind, over the API and the CLI, opens with python-calamine and has its sheets to fill in
(the header row from ``app.sheets.templates.KINDS``), a sheet with an example row whose choices are the
listed terms, the lists, and the explanation sheet; the data validations are read from the sheet's XML.

Ledgers: over the demo city, each ``.xlsx`` ledger holds the rows of its CSV sibling for the same filters
and caller, cell for cell (numbers as numbers, days as dates, codes as their Chinese terms); amounts are
numeric cells formatted ``#,##0.00``; the header row is frozen.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from app.cli import main as cli
from app.demo import load_demo
from app.exports import ledgers
from app.sheets.columns import CellType, chinese_term
from app.sheets.templates import KINDS
from app.sheets.workbook import EXAMPLE_SUFFIX, EXPLANATION_SHEET, OPTIONS_SHEET, Out

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(content: bytes) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(content))


def _rows(book: CalamineWorkbook, sheet: str) -> list[list[Any]]:
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _sheet_xml(content: bytes, index: int) -> str:
    """The XML of the workbook's ``index``-th sheet (1-based, in the order the sheets were added)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode()


def _check_template(kind: str, content: bytes) -> None:
    sheets = KINDS[kind]
    book = _book(content)
    names = [s.name for s in sheets]
    assert book.sheet_names == [*names, *(n + EXAMPLE_SUFFIX for n in names), OPTIONS_SHEET, EXPLANATION_SHEET]
    explained = {(row[0], row[2]) for row in _rows(book, EXPLANATION_SHEET)[1:] if row[0]}
    for index, spec in enumerate(sheets, start=1):
        titles = [c.title for c in spec.columns]
        assert _rows(book, spec.name) == [titles], kind  # a header row, nothing to import by mistake
        header, example = _rows(book, spec.name + EXAMPLE_SUFFIX)[:2]
        assert header == titles
        for column, value in zip(spec.columns, example, strict=True):
            assert column.matches(header[spec.columns.index(column)])
            if column.required:
                assert value not in ("", None), (kind, column.name)
            if column.type is CellType.choice and value:
                assert column.code_for(value) is not None, (kind, column.name, value)
            if column.type is CellType.choices and value:
                assert None not in column.codes_for(value), (kind, column.name, value)
            if column.type is CellType.code and value:
                assert isinstance(value, str), (kind, column.name)  # an ID number must not become a float
            assert (spec.name, column.name) in explained, (kind, column.name)
        # the drop-down lists and type checks, as Excel reads them from the sheet
        xml = _sheet_xml(content, index)
        validations = re.findall(r"<dataValidation [^>]*>", xml)
        with_lists = [c for c in spec.columns if c.type in (CellType.choice, CellType.choices, CellType.boolean)]
        assert len([v for v in validations if 'type="list"' in v]) == len(with_lists), kind
        for col, column in enumerate(spec.columns):
            letter = chr(ord("A") + col)
            sqref = f'sqref="{letter}2:{letter}1048576"'
            if column.type in (CellType.choice, CellType.choices, CellType.boolean, CellType.date, CellType.year):
                assert any(sqref in v for v in validations), (kind, column.name)
            if column.length is not None:  # codes: their length checked as they are typed
                assert any(sqref in v and 'type="textLength"' in v for v in validations), (kind, column.name)
                assert column.length[0] <= len(str(example[col])) <= column.length[1], (kind, column.name)
        assert '<pane ySplit="1"' in xml and 'state="frozen"' in xml


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_each_template_over_the_api(client, auth, kind):
    anyone = await auth("auditor")
    r = await client.get(f"/api/v1/import-templates/{kind}.xlsx", headers=anyone)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(XLSX)
    assert f'filename="{kind}.xlsx"' in r.headers["content-disposition"]
    _check_template(kind, r.content)


async def test_the_options_sheet_lists_every_choice_with_its_code(client, auth):
    r = await client.get("/api/v1/import-templates/households.xlsx", headers=await auth("finance"))
    assert r.status_code == 200, r.text
    options = _rows(_book(r.content), OPTIONS_SHEET)
    attribute = KINDS["households"][0].column("attribute")
    col = options[0].index(attribute.title)
    listed = [(row[col], row[col + 1]) for row in options[1:] if row[col]]
    assert listed == [(c.label, c.code) for c in attribute.choices]
    assert ("低保贫困户", "dibao") in listed


async def test_an_unknown_template_is_404_naming_kind(client, admin):
    for name in ("villagers.xlsx", "households.csv", "households"):
        r = await client.get(f"/api/v1/import-templates/{name}", headers=admin)
        assert r.status_code == 404, (name, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["field"] == "kind", r.json()
        assert "department-records" in r.json()["detail"]


async def test_the_cli_writes_the_same_template(tmp_path, capsys):
    target = tmp_path / "links.xlsx"
    assert cli(["import", "template", "links", str(target)]) == 0
    assert "带贫关系" in capsys.readouterr().out
    _check_template("links", target.read_bytes())
    assert cli(["import", "template", "links", str(tmp_path / "links.csv")]) == 2


# ---- the ledgers, over the demo city -------------------------------------------------------------------


@pytest.fixture
async def clean_database() -> None:
    """The ledger tests read one demo city, loaded once for the module below."""


@pytest.fixture(scope="module")
async def demo(app) -> dict[str, str]:
    from tests.api.conftest import reset_database

    await reset_database()
    return (await load_demo()).tokens


def _expected(out: Out, text: str) -> Any:
    """What the workbook's cell holds for the CSV's text of the same cell (as python-calamine reads it)."""
    if text == "":
        return ""
    if out.term is not None:
        return ";".join(chinese_term(out.term, code) for code in text.split(";"))
    if out.type in (CellType.integer, CellType.year):
        return float(int(text))
    if out.type in (CellType.money, CellType.decimal):
        return Decimal(text)
    if out.type is CellType.date:
        return dt.date.fromisoformat(text)
    if out.type is CellType.boolean:
        return text == "True"
    return text


def _cell(out: Out, value: Any) -> Any:
    if out.type in (CellType.money, CellType.decimal) and isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _same_rows(columns: tuple[Out, ...], csv_rows: list[list[str]], xlsx_rows: list[list[Any]]) -> None:
    assert len(xlsx_rows) == len(csv_rows)
    for line, (text_row, cells) in enumerate(zip(csv_rows, xlsx_rows, strict=True), start=2):
        assert len(cells) == len(columns) == len(text_row), line
        for out, text, value in zip(columns, text_row, cells, strict=True):
            assert _cell(out, value) == _expected(out, text), (line, out.header, text, value)


async def _both(client, token: str, path: str, query: str = "") -> tuple[list[list[str]], bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    as_csv = await client.get(f"{path}.csv{query}", headers=headers)
    as_xlsx = await client.get(f"{path}.xlsx{query}", headers=headers)
    assert as_csv.status_code == 200, as_csv.text
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_xlsx.headers["content-type"].startswith(XLSX)
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"), newline="")))
    return rows[1:], as_xlsx.content


LEDGERS = [
    ("/api/v1/exports/households", "admin", "", ledgers.HOUSEHOLD_COLUMNS),
    ("/api/v1/exports/households", "town_officer", "", ledgers.HOUSEHOLD_COLUMNS),  # the officer's own town
    ("/api/v1/exports/households", "admin", "?status=exited", ledgers.HOUSEHOLD_COLUMNS),
    ("/api/v1/exports/payouts", "admin", "?enterprise_id=1", ledgers.PAYOUT_COLUMNS),
    ("/api/v1/exports/payouts", "operator", "", ledgers.PAYOUT_COLUMNS),  # the operator's own enterprise
    ("/api/v1/exports/subsidy-claims", "finance", "?scheme_id=1", ledgers.CLAIM_COLUMNS),
    ("/api/v1/exports/support-records", "admin", "", ledgers.SUPPORT_COLUMNS),
]


@pytest.mark.parametrize(("path", "role", "query", "columns"), LEDGERS)
async def test_each_ledger_holds_the_rows_of_its_csv(client, demo, path, role, query, columns):
    csv_rows, content = await _both(client, demo[role], path, query)
    assert len(csv_rows) > 3, (path, role, query)  # the demo has data for each
    book = _book(content)
    first = book.sheet_names[0]
    rows = _rows(book, first)
    assert rows[0] == [out.header for out in columns]
    _same_rows(columns, csv_rows, rows[1:])


async def test_the_household_ledger_of_a_town_or_a_county(client, demo):
    """``region`` names a county (its households) or a town (by its 9-digit code), as ``town_id`` does."""
    admin = {"Authorization": f"Bearer {demo['admin']}"}
    town = (await client.get("/api/v1/towns/1", headers=admin)).json()
    by_id, _ = await _both(client, demo["admin"], "/api/v1/exports/households", "?town_id=1")
    by_code = _rows(
        _book((await client.get(f"/api/v1/exports/households.xlsx?region={town['code']}", headers=admin)).content),
        "贫困户台账",
    )
    _same_rows(ledgers.HOUSEHOLD_COLUMNS, by_id, by_code[1:])
    everyone, _ = await _both(client, demo["admin"], "/api/v1/exports/households")
    county = await client.get("/api/v1/exports/households.xlsx?region=429005", headers=admin)
    _same_rows(ledgers.HOUSEHOLD_COLUMNS, everyone, _rows(_book(county.content), "贫困户台账")[1:])
    elsewhere = await client.get("/api/v1/exports/households.xlsx?region=110101", headers=admin)
    assert _rows(_book(elsewhere.content), "贫困户台账")[1:] == []
    bad = await client.get("/api/v1/exports/households.xlsx?region=4290", headers=admin)
    assert bad.status_code == 200  # a city: a prefix of the county's code
    bad = await client.get("/api/v1/exports/households.xlsx?region=42900", headers=admin)
    assert bad.status_code == 400 and "region" in bad.text


async def test_the_payout_ledger_sums_per_household_link_and_year(client, demo):
    operator = {"Authorization": f"Bearer {demo['operator']}"}
    csv_rows, content = await _both(client, demo["operator"], "/api/v1/exports/payouts")
    book = _book(content)
    assert book.sheet_names == ["收益发放台账", "按户按年汇总"]
    totals = _rows(book, "按户按年汇总")
    assert totals[0] == [out.header for out in ledgers.PAYOUT_TOTAL_COLUMNS]
    expected: dict[tuple[int, int, int], Decimal] = {}
    for row in csv_rows:
        key = (int(row[3]), int(row[2]), int(row[6][:4]))  # household, link, the year of period_from
        expected[key] = expected.get(key, Decimal(0)) + Decimal(row[5])
    got = {(int(r[0]), int(r[3]), int(r[5])): Decimal(repr(r[7])) for r in totals[1:]}
    assert got == expected
    household = (await client.get(f"/api/v1/households/{totals[1][0]:.0f}", headers=operator)).json()
    assert totals[1][1] == household["registry_no"]


async def test_the_payment_list_of_a_batch(client, demo):
    finance = {"Authorization": f"Bearer {demo['finance']}"}
    as_csv = await client.get("/api/v1/payment-batches/1/export.csv", headers=finance)
    as_xlsx = await client.get("/api/v1/payment-batches/1/export.xlsx", headers=finance)
    assert as_xlsx.status_code == 200, as_xlsx.text
    csv_rows = list(csv.reader(io.StringIO(as_csv.text, newline="")))[1:]
    rows = _rows(_book(as_xlsx.content), "补贴发放清册")
    assert len(rows) == len(csv_rows) + 1 and len(csv_rows) > 2
    for text_row, cells in zip(csv_rows[:-1], rows[1:-1], strict=True):
        assert cells[:4] == text_row[:4] and Decimal(repr(cells[4])) == Decimal(text_row[4])
    assert rows[-1][0] == "合计" and rows[-1][3] == csv_rows[-1][3]
    assert Decimal(repr(rows[-1][4])) == Decimal(csv_rows[-1][4])


async def test_amounts_are_numbers_with_the_money_format_and_the_header_is_frozen(client, demo):
    _, content = await _both(client, demo["admin"], "/api/v1/exports/payouts", "?enterprise_id=1")
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        styles = z.read("xl/styles.xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    fmt = re.search(r'<numFmt numFmtId="(\d+)" formatCode="#,##0.00"/>', styles)
    assert fmt, styles[:500]
    # the cell styles (xf) using that format; every amount cell (column F) carries one and a number
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    money_styles = {
        str(i) for i, xf in enumerate(re.findall(r"<xf [^>]*?/?>", xfs)) if f'numFmtId="{fmt.group(1)}"' in xf
    }
    amounts = re.findall(r'<c r="F(\d+)"([^>]*)><v>([^<]*)</v>', sheet)
    assert len(amounts) > 3
    for _row, attrs, value in amounts:
        assert "t=" not in attrs  # a number, not text
        assert re.search(r's="(\d+)"', attrs).group(1) in money_styles
        Decimal(value)
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    assert re.search(r'<col min="6" max="6" width="[\d.]+"', sheet)  # widths set for every column
