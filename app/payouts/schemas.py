from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from app.core.errors import Invalid
from app.core.messages import Message
from app.core.validation import DecimalIn, Id, check_day_of_fact, check_money, check_planned_day, clean_name
from app.payouts.model import IncomeType, PayMethod


def _check_payout(p: PayoutIn | PayoutCsvRow) -> None:
    p.amount = check_money("amount", p.amount, positive=True, ceiling="payout")
    check_day_of_fact("period_from", p.period_from)
    check_planned_day("period_to", p.period_to)
    check_day_of_fact("paid_on", p.paid_on)
    if p.period_to < p.period_from:
        raise Invalid("period_to", "is before period_from")
    p.reference = clean_name("reference", p.reference, 64)
    if "#" in p.reference:
        raise Invalid("reference", "must not contain '#' (kept for the references of reversals)")
    if p.paid_on < p.period_from:
        raise Invalid("paid_on", "is before the period it pays for begins")
    if (p.period_to - p.paid_on).days > 366:
        raise Invalid("period_to", "is more than a year after the payment")


class PayoutIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    link_id: Id
    income_type: IncomeType
    amount: DecimalIn
    period_from: date
    period_to: date
    paid_on: date
    method: PayMethod
    reference: str
    """The operator's own reference, unique per enterprise: resending it is safe."""

    def __post_init__(self) -> None:
        _check_payout(self)


class PayoutCsvRow(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A payout as a spreadsheet row: the link is found by household, base and kind."""

    registry_no: str
    base: str
    """The base's name (or id) within the enterprise."""
    kind: str
    amount: DecimalIn
    period_from: date
    period_to: date
    paid_on: date
    method: PayMethod
    reference: str
    income_type: IncomeType | None = None

    def __post_init__(self) -> None:
        self.registry_no = clean_name("registry_no", self.registry_no, 40)
        self.base = clean_name("base", self.base, 120)
        self.kind = self.kind.strip().lower()
        if self.kind not in ("share", "wage", "cooperation", "franchise"):
            raise Invalid("kind", "must be share, wage, cooperation or franchise")
        _check_payout(self)


class PayoutOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: Id
    link_id: Id
    household_id: Id
    income_type: IncomeType
    amount: Decimal
    period_from: date
    period_to: date
    paid_on: date
    method: PayMethod
    reference: str
    batch_id: int | None
    reverses: int | None
    reversed_by: int | None
    reason: str | None
    created_at: datetime


class PayoutTotal(msgspec.Struct, frozen=True, kw_only=True):
    """What a link paid a household for one year (the year its income is for: its period's first day's);
    reversals count negative, so a reversed payout nets out."""

    household_id: int
    registry_no: str
    enterprise_id: int
    link_id: int
    link_kind: str
    year: int
    payouts: int
    amount: Decimal


class Reversal(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 2000, multiline=True)


class RowProblem(msgspec.Struct, kw_only=True, dict=True):
    index: int
    """Position in the JSON array (0-based), or the CSV line number."""
    field: str
    message: str

    @classmethod
    def of(cls, index: int, field: str, message: str | Message) -> RowProblem:
        """A problem whose message the console can say in its reader's language: the template rides
        along as ``text``, an attribute outside the fields, so the API's answer is unchanged."""
        problem = cls(index=index, field=field, message=str(message))
        setattr(problem, "text", message)  # noqa: B010 (not a field: msgspec would encode it)
        return problem


class BatchResult(msgspec.Struct, kw_only=True):
    batch_id: int | None
    received: int
    written: int
    already_recorded: int
    """Rows whose reference was already recorded with the same content (safe retries)."""
    total_written: Decimal
    rejected: list[RowProblem]


class PayoutFilter(msgspec.Struct, kw_only=True, frozen=True):
    enterprise_id: Id | None = None
    link_id: Id | None = None
    household_id: Id | None = None
    income_type: IncomeType | None = None
    paid_from: date | None = None
    paid_to: date | None = None

    def __post_init__(self) -> None:
        check_planned_day("paid_from", self.paid_from)
        check_planned_day("paid_to", self.paid_to)
