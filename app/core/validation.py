"""Small field checks shared by the request schemas (raise Invalid, which names the field)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, overload

import msgspec

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.money import parse_money
from app.core.settings import get_settings

# Dates. Far dates (0001-01-01, 9999-12-31) overflow date arithmetic or are stored as ±infinity, and
# nothing of this programme exists before its earliest day (CHAINAID_EARLIEST_DAY, default 2000-01-01).
# A fact (paid, verified, visited, recorded) is dated from the earliest day to today; a planned date (a
# link's or pairing's end, a scheme's year) may reach today + CHAINAID_HORIZON_DAYS (default 366).


def earliest_day() -> date:
    """The earliest day a programme date may name (CHAINAID_EARLIEST_DAY)."""
    return get_settings().earliest_day


def latest_planned_day(today: date | None = None) -> date:
    """The latest day a planned date may name: today + CHAINAID_HORIZON_DAYS."""
    return (today or date.today()) + timedelta(days=get_settings().horizon_days)


def _between(field: str, value: date, first: date, last: date, *, to_today: bool) -> date:
    if not first <= value <= last:
        if to_today:
            raise Invalid(field, message(N_("must be a day from {first} to today ({today})"), first=first, today=last))
        raise Invalid(field, message(N_("must be a day from {first} to {last}"), first=first, last=last))
    return value


@overload
def check_day_of_fact(field: str, value: date, *, today: date | None = None) -> date: ...
@overload
def check_day_of_fact(field: str, value: None, *, today: date | None = None) -> None: ...
def check_day_of_fact(field: str, value: date | None, *, today: date | None = None) -> date | None:
    """A day something happened (paid, verified, visited, recorded) or a figure is read on: from the
    earliest day to today."""
    if value is None:
        return None
    return _between(field, value, earliest_day(), today or date.today(), to_today=True)


@overload
def check_planned_day(field: str, value: date, *, today: date | None = None) -> date: ...
@overload
def check_planned_day(field: str, value: None, *, today: date | None = None) -> None: ...
def check_planned_day(field: str, value: date | None, *, today: date | None = None) -> date | None:
    """A programme day that may lie ahead (a link's start or end, a pairing's end, a payout period's end):
    from the earliest day to today + the horizon."""
    if value is None:
        return None
    return _between(field, value, earliest_day(), latest_planned_day(today), to_today=False)


def check_year(field: str, value: int | None, *, planned: bool = False, today: date | None = None) -> None:
    """A calendar year from the earliest day's year to this year (a fact: an exit, a registration, a
    year's income or arrears), or to the year of today + the horizon when ``planned`` (a scheme, a
    poverty line, a continuation)."""
    if value is None:
        return
    first = earliest_day().year
    last = latest_planned_day(today).year if planned else (today or date.today()).year
    if not first <= value <= last:
        raise Invalid(field, message(N_("must be a year from {first} to {last}"), first=first, last=last))


def check_span(field_from: str, start: date, field_to: str, end: date | None) -> None:
    """An end not before its start."""
    if end is not None and end < start:
        raise Invalid(field_to, message(N_("is before {start_field}"), start_field=field_from))


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
