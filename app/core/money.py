"""Money: parsing, rounding and formatting of yuan amounts.

Pure functions, standard library only. Money is always ``decimal.Decimal`` with two
places (fen), stored as ``NUMERIC(14,2)`` (so at most 12 digits before the point) and
rounded half-up, never a float: a float cannot hold 0.10 exactly, so it is refused
rather than silently converted.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "FEN",
    "MAX_AMOUNT",
    "format_yuan",
    "parse_money",
    "round_fen",
    "to_chinese_capital",
]

FEN = Decimal("0.01")
# NUMERIC(14,2): 14 significant digits, 2 of them after the point.
MAX_AMOUNT = Decimal("999999999999.99")
_LIMIT = Decimal(10) ** 12  # an amount must have |value| < 10^12

# Plain decimal notation only: optional sign, digits, optional fraction. Refuses
# exponents ("1e3"), underscores ("1_000"), thousands separators, "NaN", "Infinity"
# and bare points (".5", "5."), all of which Decimal() itself would accept.
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _as_decimal(value: object, what: str = "amount") -> Decimal:
    # bool is a subclass of int, and float is never acceptable for money.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_fen(value: Decimal) -> Decimal:
    """Round to the fen (2 places), half-up: 0.005 → 0.01, 0.025 → 0.03, -0.025 → -0.03.

    ROUND_HALF_UP rounds ties away from zero, the rule of Chinese accounting practice;
    Python's default (banker's rounding, ROUND_HALF_EVEN) would give 0.02 for 0.025.
    """
    d = _as_decimal(value)
    if not d.is_finite():
        raise ValueError("amount must be a finite number")
    # A context with enough precision that quantize never fails for large inputs.
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + 4)
        return d.quantize(FEN, rounding=ROUND_HALF_UP)


def per_capita(total: Decimal, people: int) -> Decimal:
    """A household's income per person, half-up to the fen (0.00 for a household of nobody): the one
    division every figure per person uses (income reports, the exit test, the monitoring list)."""
    return round_fen(Decimal(total) / people) if people else Decimal("0.00")


def parse_money(
    value: str | Decimal | int,
    *,
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> Decimal:
    """Parse an amount of yuan and return it as a Decimal with exactly 2 places.

    Accepts a Decimal, an int, or a string in plain decimal notation (surrounding
    whitespace allowed). Refuses floats (TypeError), NaN and infinities, more than
    2 decimal places (trailing zeros such as "1.500" are fine: the value is exact),
    negatives unless ``allow_negative``, zero unless ``allow_zero``, and anything
    with more than 12 digits before the point, which ``NUMERIC(14,2)`` cannot store.
    Raises ValueError with a short message.
    """
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise ValueError("amount must be a number such as 1234.50")
        d = Decimal(text)
    else:
        d = _as_decimal(value)
        if not d.is_finite():
            raise ValueError("amount must be a finite number")
        if isinstance(value, Decimal) and int(d.as_tuple().exponent) > 0:
            # "1e5" reaches here already parsed: refuse it as the string form would be refused
            raise ValueError("amount must be written out, such as 1234.50 (no exponent)")

    # Check the size before any arithmetic: abs() and quantize() overflow on huge exponents.
    if d and d.adjusted() >= 12:
        raise ValueError("amount is too large: at most 12 digits before the decimal point")
    if abs(d) >= _LIMIT:
        raise ValueError("amount is too large: at most 12 digits before the decimal point")
    q = d.quantize(FEN)  # exact here: |d| < 10^12 fits the default 28-digit context
    if q != d:
        raise ValueError("amount must have at most 2 decimal places")
    if q == 0:
        if not allow_zero:
            raise ValueError("amount must not be zero")
        return FEN * 0  # Decimal("0.00"), never "-0.00"
    if q < 0 and not allow_negative:
        raise ValueError("amount must not be negative")
    return q


def format_yuan(value: Decimal) -> str:
    """Format as "¥1,234,567.50"; negative as "-¥12.00". Rounds half-up to the fen."""
    q = round_fen(value)
    sign = "-" if q < 0 else ""  # -0.00 compares equal to 0, so it gets no sign
    return f"{sign}¥{abs(q):,.2f}"


# --------------------------------------------------------------------------------------
# Chinese capital amount (大写金额)
# --------------------------------------------------------------------------------------
#
# Written as on vouchers and cheques following the People's Bank of China's rules for
# filling in bills and settlement vouchers (《正确填写票据和结算凭证的基本规定》):
#
# - digits 零壹贰叁肆伍陆柒捌玖, place units 拾佰仟 within a group of four digits,
#   group units 万 and 亿, then 元, 角, 分;
# - "整" follows 元 when there are no jiao and no fen; it is not written after 角
#   (1234.50 → 壹仟贰佰叁拾肆元伍角) nor after 分;
# - a run of zeros between two non-zero digits is written as a single 零
#   (1004 → 壹仟零肆, 1000000001 → 壹拾亿零壹), and trailing zeros are not written;
# - the rules let the writer omit 零 where the zero falls on the 万 or 元 place and the
#   next digit is not zero; we omit it (105000 → 壹拾万伍仟, 1230.45 → 壹仟贰佰叁拾元
#   肆角伍分) but keep it for a zero jiao before non-zero fen (1004.05 → 壹仟零肆元零伍分);
# - a leading 拾 is always written with its digit (10 → 壹拾, 100000 → 壹拾万), since
#   a bare 拾 could be altered by writing a digit in front of it.

_CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_PLACE = ("", "拾", "佰", "仟")  # position within a group of four digits
_CN_GROUP = ("", "万", "亿")  # group of four digits: units, ten-thousands, hundred-millions


def _capital_integer(n: int) -> str:
    """Capital numerals of 0 < n < 10^12, without 元."""
    digits = str(n)
    out: list[str] = []
    pending_zero = False  # a zero was skipped since the last written digit
    group_has_digit = False  # the current group of four has a non-zero digit
    for i, ch in enumerate(digits):
        pos = len(digits) - 1 - i  # 0 = units digit
        place, group = pos % 4, pos // 4
        d = int(ch)
        if d == 0:
            pending_zero = True
        else:
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(_CN_DIGITS[d] + _CN_PLACE[place])
            group_has_digit = True
        if place == 0:  # end of a group of four digits
            if group_has_digit:
                out.append(_CN_GROUP[group])
                # A zero just before the group unit (e.g. the 万 place of 105000) is
                # not written: 壹拾万伍仟, not 壹拾万零伍仟.
                pending_zero = False
            group_has_digit = False
    return "".join(out)


def to_chinese_capital(value: Decimal) -> str:
    """Amount in Chinese capital numerals, e.g. 1004.05 → "壹仟零肆元零伍分".

    Accepts a Decimal or int with at most 2 decimal places and an absolute value up
    to 999,999,999,999.99; negative amounts get the prefix "负". Raises ValueError
    otherwise (it does not round: a voucher must show the exact amount).
    """
    d = _as_decimal(value)
    if not d.is_finite():
        raise ValueError("amount must be a finite number")
    if abs(d) >= _LIMIT:
        raise ValueError("amount is too large: at most 999,999,999,999.99")
    q = d.quantize(FEN)
    if q != d:
        raise ValueError("amount must have at most 2 decimal places")

    fen_total = int(abs(q) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)

    if fen_total == 0:
        return "零元整"

    parts: list[str] = []
    if yuan:
        parts.append(_capital_integer(yuan) + "元")
    if jiao:
        parts.append(_CN_DIGITS[jiao] + "角")
    elif fen and yuan:
        parts.append("零")  # 壹仟零肆元零伍分; but 0.05 is just 伍分
    if fen:
        parts.append(_CN_DIGITS[fen] + "分")
    if not jiao and not fen:
        parts.append("整")
    return ("负" if q < 0 else "") + "".join(parts)
