"""Small field checks shared by the request schemas (raise Invalid, which names the field)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, overload

import msgspec

from app.core.errors import Invalid
from app.core.money import parse_money

# The earliest day a programme fact or figure may be dated: before it nothing of this programme exists,
# and far dates (0001-01-01, 9999-12-31) overflow date arithmetic or are stored as ±infinity.
EARLIEST_DAY = date(2000, 1, 1)


def check_day_of_fact(field: str, value: date, *, today: date | None = None) -> date:
    """A day something happened or a figure is read on: from EARLIEST_DAY to today."""
    today = today or date.today()
    if not EARLIEST_DAY <= value <= today:
        raise Invalid(field, f"must be between {EARLIEST_DAY.isoformat()} and today ({today.isoformat()})")
    return value


# Database integer keys: anything outside this range names nothing that can exist.
MAX_ID = 2_147_483_647
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


def clean_name(field: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not 1 <= len(value) <= max_length:
        raise Invalid(field, f"must be 1 to {max_length} characters")
    if "\x00" in value:
        raise Invalid(field, "must not contain a NUL character")
    return value


def clean_optional(field: str, value: str | None, max_length: int) -> str | None:
    return None if value is None or not value.strip() else clean_name(field, value, max_length)


def check_year(field: str, value: int | None) -> None:
    if value is not None and not 1978 <= value <= 2100:
        raise Invalid(field, "must be a year between 1978 and 2100")


@overload
def check_money(field: str, value: Decimal, *, positive: bool = False) -> Decimal: ...
@overload
def check_money(field: str, value: None, *, positive: bool = False) -> None: ...
@overload
def check_money(field: str, value: Decimal | None, *, positive: bool = False) -> Decimal | None: ...
def check_money(field: str, value: Decimal | None, *, positive: bool = False) -> Decimal | None:
    """A yuan amount: at most 2 places, never negative (positive when asked), fits NUMERIC(14,2)."""
    if value is None:
        return None
    try:
        return parse_money(value, allow_zero=not positive)
    except (ValueError, TypeError) as exc:
        raise Invalid(field, str(exc)) from None


def check_quantity(
    field: str, value: Decimal | None, *, places: int = 2, positive: bool = True, digits: int = 10
) -> Decimal | None:
    """A quantity (mu, jin, head, ...) with at most ``places`` decimals and ``digits`` before the point
    (NUMERIC(12,2) holds 10)."""
    if value is None:
        return None
    if not value.is_finite():
        raise Invalid(field, "must be a number")
    if value and value.adjusted() >= digits:
        raise Invalid(field, f"is too large: at most {digits} digits before the decimal point")
    if value < 0 or (positive and value == 0):
        raise Invalid(field, "must be greater than 0" if positive else "must not be negative")
    if -int(value.as_tuple().exponent) > places:
        raise Invalid(field, f"at most {places} decimal places")
    return value


def check_fraction(field: str, value: Decimal | None) -> Decimal | None:
    """A rate or share between 0 and 1 with at most 4 places (0.0800 = 8 %)."""
    if value is None:
        return None
    check_quantity(field, value, places=4, positive=False)
    if value > 1:
        raise Invalid(field, "is a fraction between 0 and 1 (0.08 for 8 %)")
    return value
