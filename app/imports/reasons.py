"""A schema's refusal as a message in the reader's language: the API's schemas (the payout's, the department
record's) raise ``Invalid`` with an English text where no console reads them; an import's problem is read
in Chinese too, so the texts those schemas give are read back here into templates the catalogues hold."""

from __future__ import annotations

import re

from app.core.errors import Invalid
from app.core.messages import N_, Message, message
from app.imports.households import reason_of

_SCHEMA_REASONS = (
    (re.compile(r"must be 1 to (?P<most>\d+) characters"), N_("must be 1 to {most} characters")),
    (re.compile(r"is before period_from"), N_("is before the first day of its period")),
    (re.compile(r"must not contain '#'"), N_("must not contain # (it marks the references of reversals)")),
    (re.compile(r"is before the period it pays for begins"), N_("is before the period it pays for begins")),
    (re.compile(r"is more than a year after the payment"), N_("is more than a year after the payment")),
    (re.compile(r"must not be (zero|negative)"), N_("must be more than zero")),
    (re.compile(r"too large"), N_("is too large: at most 12 digits before the decimal point")),
)


def invalid_reason(error: Invalid) -> Message:
    """What ``error`` says, as a message: its own template when it has one, else its text read back (an ID
    number's or a credit code's check as the households import reads it; anything else "is not valid")."""
    if error.text is not None:
        return error.text
    for pattern, template in _SCHEMA_REASONS:
        found = pattern.search(error.message)
        if found:
            return message(template, **found.groupdict())
    return reason_of(ValueError(error.message))
