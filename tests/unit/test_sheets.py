"""The workbook writer without a database: a ledger is written row by row as its iterator gives them (never
gathered into a list first), amounts keep their exact value or become text, and the column specs the
importer will reuse read headers and choices back."""

from __future__ import annotations

import io
from decimal import Decimal

from python_calamine import CalamineWorkbook

from app.sheets.columns import CellType, chinese_term
from app.sheets.templates import KINDS
from app.sheets.workbook import BATCH_ROWS, LedgerSheet, Out, excel_number, write_ledger

ROWS = 5000


async def test_a_ledger_is_written_as_its_rows_come():
    """The rows go into the sheet as they are asked for: the writer never holds more than a batch of them."""
    columns = (Out("编号", CellType.integer), Out("户编号", CellType.code), Out("金额", CellType.money))
    behind = []

    async def rows():
        for n in range(1, ROWS + 1):
            behind.append(n - 1 - sheet.rows_written)  # rows handed out but not yet written
            yield [n, f"=HYPERLINK({n})" if n % 1000 == 0 else f"4290050{n:07d}", Decimal(n) / 100]

    sheet = LedgerSheet("台账", columns, rows())
    out = io.BytesIO()
    await write_ledger(out, [sheet])
    assert sheet.rows_written == ROWS
    assert max(behind) < BATCH_ROWS < ROWS  # at most one batch handed out and not yet written
    data = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_name("台账").to_python()
    assert len(data) == ROWS + 1 and data[0] == ["编号", "户编号", "金额"]
    assert data[1] == [1.0, "42900500000001", 0.01]
    assert data[1000][1] == "'=HYPERLINK(1000)"  # formula text is written as text
    assert Decimal(repr(data[ROWS][2])) == Decimal("50.00")


def test_amounts_are_exact_numbers_up_to_excels_15_digits():
    assert excel_number(Decimal("1234567890123.45")) == 1234567890123.45  # 15 significant digits
    assert Decimal(repr(excel_number(Decimal("0.10")))) == Decimal("0.1")
    assert excel_number(Decimal("12345678901234.56")) is None  # 16: Excel would round it; written as text
    assert excel_number(Decimal("NaN")) is None


def test_the_column_specs_read_headers_and_choices_back():
    households, members = KINDS["households"]
    registry_no = households.column("registry_no")
    assert registry_no.title == "户编号 registry_no"
    assert all(registry_no.matches(h) for h in ("户编号 registry_no", "户编号", "registry_no", " 户编号  registry_no "))
    assert not registry_no.matches("village_code")
    causes = households.column("causes")
    assert causes.codes_for("因病;缺技术") == ["illness", "lack_of_skills"]
    assert causes.codes_for("因病;illness、外星") == ["illness", "illness", None]
    assert households.column("attribute").code_for("低保贫困户") == "dibao"
    assert households.column("late_addition").code_for("是") == "true"
    assert members.column("relation").code_for("head") == "head"
    assert chinese_term("household status", "exited") == "已脱贫"
    # every column of every kind has a code name, a Chinese header, an explanation; sheet names fit Excel
    for sheets in KINDS.values():
        for sheet in sheets:
            assert len(sheet.name) + 2 <= 31
            names = [c.name for c in sheet.columns]
            assert len(names) == len(set(names))
            for c in sheet.columns:
                assert c.name.isidentifier() and c.header and c.note
                assert (c.type in (CellType.choice, CellType.choices)) <= bool(c.choices)


def test_a_header_row_is_located_column_by_column():
    households = KINDS["households"][0]
    found, missing, unknown = households.locate(["户编号 registry_no", "", "status", "村代码", "备注栏"])
    assert found == {"registry_no": 0, "status": 2, "village_code": 3}
    assert missing == ["attribute", "causes", "identified_year"]
    assert unknown == ["备注栏"]
    found, missing, unknown = households.locate([c.title for c in households.columns])
    assert list(found) == [c.name for c in households.columns] and missing == [] and unknown == []


async def test_a_ledger_longer_than_a_sheet_holds_is_refused_not_cut(monkeypatch):
    """XlsxWriter drops cells past a sheet's last row silently: the writer refuses such a ledger instead."""
    from app.core.errors import Refused
    from app.sheets import workbook

    monkeypatch.setattr(workbook, "MAX_ROWS", 1200)

    async def rows(n: int):
        for k in range(n):
            yield [k]

    columns = (Out("编号", CellType.integer),)
    await write_ledger(io.BytesIO(), [LedgerSheet("台账", columns, rows(1200))])  # exactly full: written
    try:
        await write_ledger(io.BytesIO(), [LedgerSheet("台账", columns, rows(1201))])
    except Refused as refused:
        assert "1,200" in str(refused.params["rows"])
    else:
        raise AssertionError("a ledger one row too long was written")
