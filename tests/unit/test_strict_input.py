"""The pure checks behind strict input (issue 16, Found 6): decimals from their text, ceilings, free text,
registry numbers and phones."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from app.core.errors import Invalid
from app.core.settings import DEFAULT_CEILINGS, InvalidSettings, load_settings
from app.core.validation import (
    DecimalIn,
    check_money,
    check_phone,
    check_quantity,
    check_registry_no,
    clean_name,
    clean_note,
    clean_optional,
    input_hook,
    read_decimal,
    text_problem,
)


@pytest.mark.parametrize(
    "text",
    ["１２３.００", "١٢٣", "۱۲۳", "१२३", "+5.00", "-5.00", ".5", "5.", "1e2", "1E2", "1.5e1", " 5", "5 ", "5_000",
     "1,000", "1.2.3", "", ".", "NaN", "Infinity", "0x10", "５"],
)  # fmt: skip
def test_read_decimal_refuses_anything_but_ascii_digits_and_one_point(text):
    with pytest.raises(ValueError, match="digits 0-9"):
        read_decimal(text)


@pytest.mark.parametrize("value", [12.5, 1e2, True, False, -1, None, b"5", Decimal("5")])
def test_read_decimal_refuses_other_types_and_negative_integers(value):
    with pytest.raises(ValueError, match="digits 0-9"):
        read_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", "0"), ("5", "5"), ("5.00", "5.00"), ("0.5", "0.5"), ("0012.30", "12.30"), (7, "7"), (0, "0")],
)
def test_read_decimal_takes_plain_digits_and_whole_numbers(value, expected):
    got = read_decimal(value)
    assert type(got) is Decimal and got == Decimal(expected)


class _Form(msgspec.Struct):
    amount: DecimalIn
    more: list[DecimalIn] = []
    maybe: DecimalIn | None = None


def test_the_hook_gives_plain_decimals_and_a_reader_without_it_refuses():
    got = msgspec.convert({"amount": "1.50", "more": ["2"], "maybe": None}, _Form, dec_hook=input_hook)
    assert got.amount == Decimal("1.50") and type(got.amount) is Decimal and got.more == [Decimal(2)]
    with pytest.raises(msgspec.ValidationError, match=r"digits 0-9.* - at `\$.more\[0\]`"):
        msgspec.convert({"amount": "1", "more": ["１"]}, _Form, dec_hook=input_hook)
    with pytest.raises(msgspec.ValidationError):  # fails closed: no hook, no decimal
        msgspec.convert({"amount": "1.50"}, _Form, strict=False)
    # stored values (already Decimal) are taken as they are
    assert msgspec.convert({"amount": Decimal("3.10")}, _Form).amount == Decimal("3.10")


def test_ceilings_name_their_limit():
    assert check_money("amount", Decimal("1000000.00"), ceiling="payout", positive=True) == Decimal("1000000.00")
    with pytest.raises(Invalid, match=r"ceiling of 1,000,000.00 for a single payout \(CHAINAID_CEILINGS payout\)"):
        check_money("amount", Decimal("1000000.01"), ceiling="payout")
    with pytest.raises(Invalid, match=r"ceiling of 1,000,000\.00 for a quantity"):
        check_quantity("area", Decimal("1000000.01"), ceiling="quantity")
    assert check_quantity("area", Decimal("99999999.99"), ceiling=None) == Decimal("99999999.99")
    with pytest.raises(Invalid, match="at most 10 digits"):
        check_quantity("area", Decimal("99999999999"), ceiling=None)


def test_ceilings_are_one_variable_overriding_the_table():
    assert load_settings({}).ceilings == DEFAULT_CEILINGS
    got = load_settings({"CHAINAID_CEILINGS": "payout=2000000, budget=500000000.00"}).ceilings
    assert got["payout"] == Decimal("2000000") and got["budget"] == Decimal("500000000.00")
    assert got["support"] == DEFAULT_CEILINGS["support"]
    for bad in ("payout", "nothing=5", "payout=0", "payout=-1", "payout=1e6", "payout=１", "quantity=99999999999"):
        with pytest.raises(InvalidSettings, match="CHAINAID_CEILINGS"):
            load_settings({"CHAINAID_CEILINGS": bad})


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\t", "\r", "\n", "\u2028", "\u2029",
             "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\u200e", "\u200f", "\u061c"],
)  # fmt: skip
def test_free_text_refuses_control_and_bidi_characters(char):
    with pytest.raises(Invalid, match=f"U\\+{ord(char):04X} at position 2"):
        clean_name("name", f"张{char}三", 60)


def test_line_breaks_only_in_multi_line_fields():
    assert clean_note("note", "第一行\r\n第二行\n第三行", 100) == "第一行\n第二行\n第三行"
    assert clean_name("reason", "一\n二", 100, multiline=True) == "一\n二"
    with pytest.raises(Invalid, match="U\\+202E"):
        clean_note("note", "一\n\u202e二", 100)
    with pytest.raises(Invalid, match="U\\+000D at position 2 \\(line breaks are allowed\\)"):
        clean_note("note", "一\r二", 100)
    with pytest.raises(Invalid, match="U\\+000A"):
        clean_optional("address", "一\n二", 100)
    assert text_problem("潜江市 熊口镇 赵脑村 3 组, Zhaonao (№ 5) — «ok» ’ ½ ١٢٣") is None
    assert clean_optional("note", "  ", 10) is None and clean_note("note", None, 10) is None


@pytest.mark.parametrize("good", ["42900500000001", "429005000001", "12345678", "1" * 20])
def test_registry_numbers_are_8_to_20_ascii_digits(good):
    assert check_registry_no("registry_no", f" {good} ") == good


@pytest.mark.parametrize(
    "bad", ["1234567", "1" * 21, "ABC12345678", "4290-0500", "４２９００５００", "42900500 01", ""]
)
def test_registry_numbers_outside_the_pattern_are_refused(bad):
    with pytest.raises(Invalid, match="8 to 20 digits"):
        check_registry_no("registry_no", bad)


@pytest.mark.parametrize("good", ["13872001234", "19912345678", "0728-6234567", "07286234567", "027-87654321"])
def test_phones_are_mobiles_or_landlines_with_an_area_code(good):
    assert check_phone("phone", good) == good


@pytest.mark.parametrize(
    "bad", ["12345678901", "1387200123", "138720012345", "+8613872001234", "728-6234567", "0728-0234567",
            "0728-123456", "0728 6234567", "１３８７２００１２３４", "call me"],
)  # fmt: skip
def test_phones_outside_the_pattern_are_refused(bad):
    with pytest.raises(Invalid, match="0728-1234567"):
        check_phone("phone", bad)
    assert check_phone("phone", None) is None and check_phone("phone", " ") is None
