"""Validation and masking of Chinese identifiers.

Pure functions, no I/O, no ORM; the check characters come from python-stdnum
(``stdnum.cn.ric``, ``stdnum.cn.uscc``), the layout checks and messages are ours. Every validator returns the
normalised value and raises ``ValueError`` with a short human message (safe to show
to a user) when the value is wrong; it raises ``TypeError`` when it is not a string.

- Resident ID number (公民身份号码), GB 11643-1999.
- Unified social credit code (统一社会信用代码), GB 32100-2015.
- Bank card / passbook account number (银行卡号), length check only.

Masking helpers are for display: they never validate, so they also work on legacy
or malformed values already stored (e.g. 15-digit first-generation ID numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from stdnum.cn import ric, uscc

__all__ = [
    "ResidentIdInfo",
    "mask_bank_card",
    "mask_resident_id",
    "resident_id_info",
    "validate_bank_card",
    "validate_credit_code",
    "validate_resident_id",
]

# --------------------------------------------------------------------------------------
# Resident ID number, GB 11643-1999
# --------------------------------------------------------------------------------------
#
# Layout of the 18 characters (GB 11643-1999 §4):
#   1-6   address code (行政区划代码, GB/T 2260) of the place of first registration
#   7-14  birth date YYYYMMDD
#   15-17 sequence code; the 17th digit is odd for men, even for women
#   18    check character, ISO 7064:1983 MOD 11-2
#
# The check character (ISO 7064:1983 MOD 11-2) is computed by stdnum.cn.ric. Its own
# validate() is not used: it also looks the address code up in its bundled list of
# divisions, which refuses codes of divisions created or merged since that list was made,
# and its errors are not worded for the people who type these numbers in.
_RID_MIN_BIRTH = date(1900, 1, 1)
# ASCII digits only: str.isdigit() would also accept full-width and other Unicode digits.
_DIGITS_17 = re.compile(r"[0-9]{17}")


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    return value


def _resident_id_check_char(first17: str) -> str:
    # stdnum takes the number with a check character in place and ignores that character
    return str(ric.calc_check_digit(first17 + "0"))


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    """Validate an 18-character resident ID number and return it normalised.

    Surrounding whitespace is stripped and a lowercase check 'x' is uppercased.
    ``today`` (default: ``date.today()``) bounds the birth date; it is a parameter so
    callers and tests can pin the clock.
    """
    v = _require_str(value, "resident ID number").strip().upper()
    if len(v) != 18:
        raise ValueError("resident ID number must be 18 characters")
    if not _DIGITS_17.fullmatch(v[:17]):
        raise ValueError("resident ID number: the first 17 characters must be digits")
    if v[17] not in "0123456789X":
        raise ValueError("resident ID number: the last character must be a digit or X")

    raw_birth = v[6:14]
    try:
        birth = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:]))
    except ValueError:
        raise ValueError(f"resident ID number: invalid birth date {raw_birth} (not a calendar date)") from None
    if birth < _RID_MIN_BIRTH:
        raise ValueError(f"resident ID number: invalid birth date {raw_birth} (before 1900)")
    if birth > (today or date.today()):
        raise ValueError(f"resident ID number: invalid birth date {raw_birth} (in the future)")

    expected = _resident_id_check_char(v[:17])
    if v[17] != expected:
        raise ValueError(f"resident ID number: check character should be {expected}")
    return v


@dataclass(frozen=True)
class ResidentIdInfo:
    """What a resident ID number tells about its holder."""

    birth_date: date
    sex: Literal["male", "female"]
    region_code: str  # 6-digit administrative division code of first registration


def resident_id_info(value: str, *, today: date | None = None) -> ResidentIdInfo:
    """Validate ``value`` and decode birth date, sex and region code from it."""
    v = validate_resident_id(value, today=today)
    birth = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    # GB 11643-1999 §4.3: the sequence code's last digit (17th character) is odd
    # for men and even for women.
    sex: Literal["male", "female"] = "male" if int(v[16]) % 2 == 1 else "female"
    return ResidentIdInfo(birth_date=birth, sex=sex, region_code=v[:6])


# --------------------------------------------------------------------------------------
# Masking (display only, never validates)
# --------------------------------------------------------------------------------------


def _mask_short(v: str) -> str:
    """Values too short for the normal rule: show at most the last 2 characters.

    With 2 characters or fewer, showing the last 2 would show everything, so all of
    it is masked.
    """
    if len(v) <= 2:
        return "*" * len(v)
    return "*" * (len(v) - 2) + v[-2:]


def mask_resident_id(value: str) -> str:
    """Keep the first 4 and last 4 characters, e.g. ``4290**********123X``.

    The first 4 are only the province and prefecture, the last 4 the sequence and
    check: the birth date and county are hidden. Values of 8 characters or fewer
    (where nothing would be hidden) fall back to showing only the last 2.
    """
    v = _require_str(value, "resident ID number").strip().upper()
    if len(v) <= 8:
        return _mask_short(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_bank_card(value: str) -> str:
    """Keep the last 4 digits and preserve the length, e.g. ``************1234``.

    Whitespace (as in "6222 0200 ...") is removed first. Values shorter than 8
    characters are masked except for the last 2.
    """
    v = "".join(_require_str(value, "bank card number").split())
    if len(v) < 8:
        return _mask_short(v)
    return "*" * (len(v) - 4) + v[-4:]


# --------------------------------------------------------------------------------------
# Unified social credit code, GB 32100-2015
# --------------------------------------------------------------------------------------
#
# Layout (GB 32100-2015 §4): 1 registration authority, 2 entity type, 3-8 region code,
# 9-17 organisation code (GB 11714), 18 check character. All 18 characters come from
# a 31-character set: digits and capital letters without I, O, S, V, Z (easily confused
# with 1, 0, 5, U, 2). A character's numeric value is its index in that set.
#
# Check character (§5, ISO 7064 pure system modulus 31) from stdnum.cn.uscc. Its own
# validate() is not used: it wants the first 8 characters to be digits, and our messages
# name the wrong character and its position.
#
# Only this check is applied. The organisation code inside (chars 9-17) has its own
# GB 11714 check, but it is not verified here: codes assigned since 2015 (e.g. the
# standard's own example 91350100M000100Y43) do not always satisfy it.
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_ALLOWED = frozenset(_USCC_CHARSET)


def _credit_code_check_char(first17: str) -> str:
    return str(uscc.calc_check_digit(first17))


def validate_credit_code(value: str) -> str:
    """Validate an 18-character unified social credit code; return it uppercased."""
    v = _require_str(value, "unified social credit code").strip().upper()
    if len(v) != 18:
        raise ValueError("unified social credit code must be 18 characters")
    for position, c in enumerate(v, start=1):
        if c not in _USCC_ALLOWED:
            raise ValueError(
                f"unified social credit code: invalid character {c!r} at position "
                f"{position} (allowed: digits and letters except I, O, S, V, Z)"
            )
    expected = _credit_code_check_char(v[:17])
    if v[17] != expected:
        raise ValueError(f"unified social credit code: check character should be {expected}")
    return v


# --------------------------------------------------------------------------------------
# Bank card / account number
# --------------------------------------------------------------------------------------


def validate_bank_card(value: str) -> str:
    """Return the card or passbook number with whitespace removed: 12-19 digits.

    No Luhn check: many rural "一卡通" subsidy passbook account numbers (the accounts
    subsidies are actually paid into) do not satisfy it.
    """
    v = "".join(_require_str(value, "bank card number").split())
    if not re.fullmatch(r"[0-9]*", v):
        raise ValueError("bank card number must contain only digits")
    if not 12 <= len(v) <= 19:
        raise ValueError(f"bank card number must be 12 to 19 digits, not {len(v)}")
    return v
