"""Tests for app.core.money."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.money import FEN, format_yuan, parse_money, round_fen, to_chinese_capital

D = Decimal

# Amounts that fit NUMERIC(14,2), as whole fen.
MAX_FEN = 10**14 - 1
fen_amounts = st.integers(-MAX_FEN, MAX_FEN)


def from_fen(n: int) -> Decimal:
    return D(n).scaleb(-2)  # exact: Decimal(123456).scaleb(-2) == Decimal("1234.56")


# --------------------------------------------------------------------------------------
# round_fen
# --------------------------------------------------------------------------------------


def test_fen_constant() -> None:
    assert D("0.01") == FEN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # banker's rounding would give 0.02
        ("2.675", "2.68"),  # the float 2.675 would round to 2.67
        ("-0.025", "-0.03"),  # half-up rounds ties away from zero
        ("-1.004", "-1.00"),
        ("1234.5", "1234.50"),
        ("7", "7.00"),
        ("999999999999.994", "999999999999.99"),
    ],
)
def test_round_fen(value: str, expected: str) -> None:
    result = round_fen(D(value))
    assert result == D(expected)
    assert result.as_tuple().exponent == -2


def test_round_fen_large_value_does_not_overflow_context() -> None:
    big = D("1234567890123456789012345678.125")
    assert round_fen(big) == D("1234567890123456789012345678.13")


@pytest.mark.parametrize("bad", [0.1, "0.1", None])
def test_round_fen_rejects_non_decimal(bad: object) -> None:
    with pytest.raises(TypeError):
        round_fen(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_round_fen_rejects_non_finite(bad: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        round_fen(D(bad))


# --------------------------------------------------------------------------------------
# parse_money
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.50", "1234.50"),
        ("1234.5", "1234.50"),
        ("1234", "1234.00"),
        (" 12.30 ", "12.30"),
        ("+5", "5.00"),
        ("0", "0.00"),
        ("1.500", "1.50"),  # trailing zeros: still exact to the fen
        ("000012.34", "12.34"),
        ("999999999999.99", "999999999999.99"),
        (D("0.1"), "0.10"),
        (D("1000"), "1000.00"),
        (42, "42.00"),
    ],
)
def test_parse_money_valid(value: str | Decimal | int, expected: str) -> None:
    result = parse_money(value)
    assert result == D(expected)
    assert str(result) == expected  # always exactly two places


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.234", "at most 2 decimal places"),
        ("0.001", "at most 2 decimal places"),
        (D("0.005"), "at most 2 decimal places"),
        # JSON strings such as "1e3" arrive already parsed as Decimal: refused like the string form
        (D("1E+3"), "no exponent"),
        (D("1e999999999"), "no exponent"),
        ("1000000000000", "too large"),
        ("1000000000000.00", "too large"),
        (D("-1000000000000"), "too large"),
        (10**12, "too large"),
        ("NaN", "must be a number"),
        ("Infinity", "must be a number"),
        (D("NaN"), "finite"),
        (D("Infinity"), "finite"),
        (D("-Infinity"), "finite"),
        ("", "must be a number"),
        ("abc", "must be a number"),
        ("1e3", "must be a number"),
        ("1_000", "must be a number"),
        ("1,000.00", "must be a number"),
        (".5", "must be a number"),
        ("5.", "must be a number"),
        ("¥5", "must be a number"),
        ("-5", "must not be negative"),
        (D("-0.01"), "must not be negative"),
        (-1, "must not be negative"),
    ],
)
def test_parse_money_invalid(value: str | Decimal | int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_money(value)


@pytest.mark.parametrize("value", [1.5, 0.0, True, None, [1]])
def test_parse_money_rejects_floats_and_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        parse_money(value)  # type: ignore[arg-type]


def test_parse_money_negative_allowed() -> None:
    assert parse_money("-12.5", allow_negative=True) == D("-12.50")
    assert parse_money(D("-999999999999.99"), allow_negative=True) == D("-999999999999.99")


@pytest.mark.parametrize("zero", ["0", "0.00", "-0", "+0.0", D("0"), D("-0.00"), 0])
def test_parse_money_zero(zero: str | Decimal | int) -> None:
    result = parse_money(zero)
    assert str(result) == "0.00"  # never "-0.00"
    with pytest.raises(ValueError, match="must not be zero"):
        parse_money(zero, allow_zero=False)


@given(fen_amounts)
def test_parse_money_round_trips_strings(n: int) -> None:
    amount = from_fen(n)
    text = f"{amount:.2f}"
    parsed = parse_money(text, allow_negative=True)
    assert parsed == amount
    assert str(parsed) == text
    # the shorter spellings of the same value ("12.3", "12") parse to the same thing
    short = text.rstrip("0").rstrip(".")
    assert str(parse_money(short, allow_negative=True)) == text


@given(fen_amounts.filter(lambda n: n < 0))
def test_parse_money_rejects_every_negative_by_default(n: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        parse_money(f"{from_fen(n):.2f}")


@given(st.integers(1, 10**6), st.integers(3, 8))
def test_parse_money_rejects_any_third_decimal(n: int, places: int) -> None:
    # n / 10^places with a non-zero digit beyond the fen
    value = D(n * 10 + 1).scaleb(-places)
    with pytest.raises(ValueError, match="at most 2 decimal places"):
        parse_money(f"{value:f}")


# --------------------------------------------------------------------------------------
# format_yuan
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567.5", "¥1,234,567.50"),
        ("0", "¥0.00"),
        ("0.5", "¥0.50"),
        ("999", "¥999.00"),
        ("1000", "¥1,000.00"),
        ("-12", "-¥12.00"),
        ("-1234.56", "-¥1,234.56"),
        ("0.005", "¥0.01"),  # half-up
        ("-0.001", "¥0.00"),  # rounds to zero: no sign
        ("999999999999.99", "¥999,999,999,999.99"),
    ],
)
def test_format_yuan(value: str, expected: str) -> None:
    assert format_yuan(D(value)) == expected


@given(fen_amounts)
def test_format_yuan_round_trips(n: int) -> None:
    text = format_yuan(from_fen(n))
    assert re.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d{2}", text)
    assert text.startswith("-") == (n < 0)
    assert D(text.replace("¥", "").replace(",", "")) == from_fen(n)


def test_format_yuan_rejects_float() -> None:
    with pytest.raises(TypeError):
        format_yuan(12.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# to_chinese_capital
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the examples of the specification
        ("1234.50", "壹仟贰佰叁拾肆元伍角"),
        ("1234.00", "壹仟贰佰叁拾肆元整"),
        ("1004.05", "壹仟零肆元零伍分"),
        ("100000.00", "壹拾万元整"),
        ("0.50", "伍角"),
        ("0", "零元整"),
        ("10.00", "壹拾元整"),
        ("100100.00", "壹拾万零壹佰元整"),
        ("105000", "壹拾万伍仟元整"),
        ("1000000001.00", "壹拾亿零壹元整"),
        # more, worked by hand
        ("1", "壹元整"),
        ("0.01", "壹分"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("1.05", "壹元零伍分"),
        ("1230.45", "壹仟贰佰叁拾元肆角伍分"),
        ("1000.05", "壹仟元零伍分"),
        ("15", "壹拾伍元整"),
        ("110", "壹佰壹拾元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("10010", "壹万零壹拾元整"),
        ("1010000", "壹佰零壹万元整"),
        ("10000000", "壹仟万元整"),
        ("10000100", "壹仟万零壹佰元整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("200000000000", "贰仟亿元整"),
        ("200000000500", "贰仟亿零伍佰元整"),
        # zero on the 万 place before a non-zero 仟: no 零, as in 105000 above
        ("7008009", "柒佰万捌仟零玖元整"),
        ("6007008009.10", "陆拾亿零柒佰万捌仟零玖元壹角"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("-12.30", "负壹拾贰元叁角"),
        ("-0.05", "负伍分"),
        ("-0.00", "零元整"),
        ("3.0000", "叁元整"),  # extra zeros are exact, accepted
    ],
)
def test_to_chinese_capital(value: str, expected: str) -> None:
    assert to_chinese_capital(D(value)) == expected


def test_to_chinese_capital_accepts_int() -> None:
    assert to_chinese_capital(100100) == "壹拾万零壹佰元整"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (D("1000000000000"), "too large"),
        (D("-1000000000000.00"), "too large"),
        (D("1.005"), "at most 2 decimal places"),
        (D("NaN"), "finite"),
        (D("Infinity"), "finite"),
    ],
)
def test_to_chinese_capital_invalid(value: Decimal, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_chinese_capital(value)


def test_to_chinese_capital_rejects_float() -> None:
    with pytest.raises(TypeError):
        to_chinese_capital(1.5)  # type: ignore[arg-type]


_CN_VALUE = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_CN_PLACE = {"拾": 10, "佰": 100, "仟": 1000}


def parse_capital(text: str) -> Decimal:
    """Independent reader of capital amounts, used to check the writer."""
    negative = text.startswith("负")
    text = text.removeprefix("负")
    total = section = digit = 0  # whole yuan so far / current group of four / last digit
    jiao = fen = 0
    for ch in text:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        elif ch in _CN_PLACE:
            section += digit * _CN_PLACE[ch]
            digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
        elif ch == "万":
            total += (section + digit) * 10**4
            section = digit = 0
        elif ch == "元":
            total += section + digit
            section = digit = 0
        elif ch == "角":
            jiao, digit = digit, 0
        elif ch == "分":
            fen, digit = digit, 0
        elif ch != "整":
            raise AssertionError(f"unexpected character {ch!r} in {text!r}")
    value = D(total) + D(jiao) / 10 + D(fen) / 100
    return -value if negative else value


@given(fen_amounts)
def test_to_chinese_capital_reads_back(n: int) -> None:
    amount = from_fen(n)
    assert parse_capital(to_chinese_capital(amount)) == amount


@given(fen_amounts)
def test_to_chinese_capital_is_well_formed(n: int) -> None:
    text = to_chinese_capital(from_fen(n))
    body = text.removeprefix("负")
    assert text.startswith("负") == (n < 0)
    assert "零零" not in body  # a run of zeros is written once
    if n == 0:
        assert text == "零元整"
    else:
        assert not body.startswith("零")
        assert not re.search(r"零[元万亿角整]", body)  # no zero right before a unit
        assert not body.startswith(("拾", "佰", "仟"))  # 壹拾, never bare 拾
    # 整 exactly when there are no jiao and no fen, and then it ends the text
    assert body.endswith("整") == (abs(n) % 100 == 0)
    assert body.count("整") <= 1
    # 元 exactly when there are whole yuan (or the amount is zero)
    assert ("元" in body) == (abs(n) >= 100 or n == 0)
