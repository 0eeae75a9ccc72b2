"""Small field checks shared by the request schemas (raise Invalid, which names the field)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, overload

import msgspec

from app.core.errors import Invalid
from app.core.messages import N_, Message, message
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


# ---- decimals as the client wrote them --------------------------------------------------------------
#
# msgspec turns a JSON string into a Decimal with Python's Decimal(), which takes "１２３.００"
# (full-width digits), "١٢٣" (Arabic-Indic), "+5.00", ".5", "5." and "1e2" alike; once converted, the
# text is gone. So a request's decimal field is declared ``DecimalIn``: at run time a marker type msgspec
# does not know, so it hands the raw value to ``input_hook`` (the API's type decoder, and the dec_hook of
# every other reader of input: the payout batch, the CSV uploads, the console's forms), which checks the
# text and returns a plain Decimal. A reader that forgets the hook refuses the field instead of taking it.

DECIMAL_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
DECIMAL_RULE = (
    'must be written with the digits 0-9 and at most one ".", such as "1234.50" '
    "(no sign, no exponent, no spaces, no other digits)"
)


class _AnyDecimal(type):
    # msgspec checks that the hook returned an instance of the declared type; a plain Decimal is one
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, Decimal)


class DecimalText(metaclass=_AnyDecimal):
    """The run-time type of ``DecimalIn``: never instantiated, it only routes the raw value to the hook."""


if TYPE_CHECKING:
    DecimalIn = Decimal
else:
    DecimalIn = DecimalText


def read_decimal(value: Any) -> Decimal:
    """A decimal from a request: a string of ASCII digits with at most one point and digits on both
    sides of it ("1234.50", "3", "0.5"), or a JSON integer (1234); nothing with a sign, an exponent,
    spaces or other scripts' digits, and no JSON number with a fraction (it would pass through a float).
    Raises ValueError with ``DECIMAL_RULE``."""
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return Decimal(value)
    raise ValueError(DECIMAL_RULE)


def is_decimal_text(type_: Any) -> bool:
    return type_ is DecimalText


def decode_decimal_text(type_: Any, value: Any) -> Decimal:
    """Litestar's type decoder for ``DecimalIn`` (``type_decoders`` in the app)."""
    return read_decimal(value)


def input_hook(type_: type, value: Any) -> Any:
    """msgspec's ``dec_hook`` for request input outside Litestar's own decoding (batches, CSV, forms)."""
    if type_ is DecimalText:
        return read_decimal(value)
    # msgspec's protocol for a type the hook does not convert (it then reports the field as invalid)
    raise NotImplementedError(f"{type_} is not an input type")


# A count of people or households: far above any county's population, and inside the database's int4.
MAX_COUNT = 10_000_000


def check_count(field: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise Invalid(field, message(N_("must be a count from 0 to {limit}"), limit=f"{MAX_COUNT:,}"))


# Characters free text never holds: C0 and C1 control characters (a line feed only where the field is
# multi-line), and the bidirectional controls that reorder what is shown (the embeddings and overrides
# U+202A-U+202E, the isolates U+2066-U+2069, and the invisible marks U+200E, U+200F and U+061C: no
# script this service writes needs them, and they make two texts that look alike differ), plus the
# Unicode line and paragraph separators U+2028 and U+2029.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL_MULTILINE = "\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029"
_REFUSED_TEXT = re.compile(f"[{_CONTROL_MULTILINE}\n{_BIDI}]")
_REFUSED_MULTILINE = re.compile(f"[{_CONTROL_MULTILINE}{_BIDI}]")
_BIDI_CHARS = re.compile(f"[{_BIDI}]")


def text_problem(value: str, *, multiline: bool = False) -> Message | None:
    """What is wrong with the characters of a free text, or None: the first character refused, named by
    its code point and position (1-based)."""
    found = (_REFUSED_MULTILINE if multiline else _REFUSED_TEXT).search(value)
    if found is None:
        return None
    char, position = f"U+{ord(found.group()):04X}", found.start() + 1
    if _BIDI_CHARS.match(found.group()):
        template = N_("must not contain bidirectional control characters: {char} at position {position}")
    elif multiline:
        template = N_("must not contain control characters: {char} at position {position} (line breaks are allowed)")
    else:
        template = N_("must not contain control characters: {char} at position {position}")
    return message(template, char=char, position=position)


def clean_name(field: str, value: str, max_length: int, *, multiline: bool = False) -> str:
    """A free text, stripped: 1 to ``max_length`` characters, no control or bidirectional control
    characters (``multiline``: line breaks allowed, a CR LF kept as LF)."""
    if multiline:
        value = value.replace("\r\n", "\n")
    value = value.strip()
    if not 1 <= len(value) <= max_length:
        raise Invalid(field, f"must be 1 to {max_length} characters")
    if problem := text_problem(value, multiline=multiline):
        raise Invalid(field, problem)
    return value


def clean_optional(field: str, value: str | None, max_length: int, *, multiline: bool = False) -> str | None:
    """``clean_name`` for a text that may be absent; a blank one counts as absent."""
    if value is None or not value.strip():
        return None
    return clean_name(field, value, max_length, multiline=multiline)


def clean_note(field: str, value: str | None, max_length: int) -> str | None:
    """An optional multi-line text: a note, a reason, a description."""
    return clean_optional(field, value, max_length, multiline=True)


# The household's registry number (建档立卡户编号): ASCII digits only, 8 to 20 of them (the county's
# numbering, e.g. 42900500000001: the county code 429005 and a sequence).
REGISTRY_NO = re.compile(r"[0-9]{8,20}")
# A phone number: a mainland mobile number (11 digits from 13x to 19x) or a landline with its area code
# (0728-1234567 in Qianjiang; 027-87654321 in Wuhan), the hyphen optional.
PHONE = re.compile(r"1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}")


def check_registry_no(field: str, value: str) -> str:
    value = value.strip()
    if not REGISTRY_NO.fullmatch(value):
        raise Invalid(field, message(N_("must be 8 to 20 digits 0-9, such as 42900500000001")))
    return value


def check_phone(field: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not PHONE.fullmatch(value):
        raise Invalid(
            field,
            message(
                N_(
                    "must be a mobile number (11 digits, 13x to 19x) or a landline with its area code, such as 0728-1234567"
                )
            ),
        )
    return value


# what each kind of ceiling (app.core.settings.DEFAULT_CEILINGS) is for, as a refusal names it
_CEILING_OF = {
    "payout": N_("is above the ceiling of {limit} for a single payout (CHAINAID_CEILINGS payout)"),
    "terms": N_("is above the ceiling of {limit} for a link's terms (CHAINAID_CEILINGS terms)"),
    "support": N_("is above the ceiling of {limit} for a support record (CHAINAID_CEILINGS support)"),
    "budget": N_("is above the ceiling of {limit} for a scheme's budget (CHAINAID_CEILINGS budget)"),
    "subsidy": N_("is above the ceiling of {limit} for a subsidy cap (CHAINAID_CEILINGS subsidy)"),
    "rate": N_("is above the ceiling of {limit} for a subsidy rate per unit (CHAINAID_CEILINGS rate)"),
    "quantity": N_("is above the ceiling of {limit} for a quantity (CHAINAID_CEILINGS quantity)"),
    "income": N_("is above the ceiling of {limit} for an income figure (CHAINAID_CEILINGS income)"),
    "threshold": N_("is above the ceiling of {limit} for a cross-check threshold (CHAINAID_CEILINGS threshold)"),
    "asset": N_(
        "is above the ceiling of {limit} for an asset's value, funding, rent or income (CHAINAID_CEILINGS asset)"
    ),
}


def check_ceiling(field: str, value: Decimal, kind: str) -> None:
    """Refuse a value above the configured ceiling of its kind, naming the limit."""
    limit = get_settings().ceilings[kind]
    if value > limit:
        raise Invalid(field, message(_CEILING_OF[kind], limit=f"{limit:,}"))


@overload
def check_money(field: str, value: Decimal, *, ceiling: str | None, positive: bool = False) -> Decimal: ...
@overload
def check_money(field: str, value: None, *, ceiling: str | None, positive: bool = False) -> None: ...
@overload
def check_money(
    field: str, value: Decimal | None, *, ceiling: str | None, positive: bool = False
) -> Decimal | None: ...
def check_money(field: str, value: Decimal | None, *, ceiling: str | None, positive: bool = False) -> Decimal | None:
    """A yuan amount: at most 2 places, never negative (positive when asked), at most the ceiling of its
    kind (``ceiling``, a key of DEFAULT_CEILINGS; None where the caller checks it, as for a link's terms,
    which are read back from the database through the same Struct)."""
    if value is None:
        return None
    try:
        amount = parse_money(value, allow_zero=not positive)
    except (ValueError, TypeError) as exc:
        raise Invalid(field, str(exc)) from None
    if ceiling is not None:
        check_ceiling(field, amount, ceiling)
    return amount


@overload
def check_quantity(
    field: str, value: Decimal, *, ceiling: str | None, places: int = 2, positive: bool = True, digits: int = 10
) -> Decimal: ...
@overload
def check_quantity(
    field: str, value: None, *, ceiling: str | None, places: int = 2, positive: bool = True, digits: int = 10
) -> None: ...
@overload
def check_quantity(
    field: str, value: Decimal | None, *, ceiling: str | None, places: int = 2, positive: bool = True, digits: int = 10
) -> Decimal | None: ...
def check_quantity(
    field: str, value: Decimal | None, *, ceiling: str | None, places: int = 2, positive: bool = True, digits: int = 10
) -> Decimal | None:
    """A quantity (mu, jin, head, ...) with at most ``places`` decimals and ``digits`` before the point
    (NUMERIC(12,2) holds 10), at most the ceiling of its kind (None: the caller checks it)."""
    if value is None:
        return None
    if not value.is_finite():
        raise Invalid(field, "must be a number")
    if value and value.adjusted() >= digits:
        raise Invalid(field, f"is too large: at most {digits} digits before the decimal point")
    if value < 0 or (positive and value == 0):
        raise Invalid(field, "must be greater than 0" if positive else "must not be negative")
    if ceiling is not None:
        check_ceiling(field, value, ceiling)
    if -int(value.as_tuple().exponent) > places:
        raise Invalid(field, f"at most {places} decimal places")
    return value


@overload
def check_fraction(field: str, value: Decimal) -> Decimal: ...
@overload
def check_fraction(field: str, value: None) -> None: ...
@overload
def check_fraction(field: str, value: Decimal | None) -> Decimal | None: ...
def check_fraction(field: str, value: Decimal | None) -> Decimal | None:
    """A rate or share between 0 and 1 with at most 4 places (0.0800 = 8 %)."""
    if value is None:
        return None
    if not value.is_finite() or not 0 <= value <= 1:
        raise Invalid(field, "is a fraction between 0 and 1 (0.08 for 8 %)")
    if -int(value.as_tuple().exponent) > 4:
        raise Invalid(field, "at most 4 decimal places")
    return value
