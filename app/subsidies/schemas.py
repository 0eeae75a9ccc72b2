from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from app.core.errors import Invalid
from app.core.validation import (
    DecimalIn,
    Id,
    check_day_of_fact,
    check_money,
    check_quantity,
    check_year,
    clean_name,
    clean_note,
    clean_optional,
)
from app.subsidies.model import ClaimStatus, PaymentBatchStatus, PaymentResult, SchemeStatus, VoucherStatus


class TierIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    up_to: DecimalIn | None
    rate: DecimalIn


class RateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    industry: str
    unit: str
    min_quantity: DecimalIn
    tiers: list[TierIn]
    cap: DecimalIn | None = None

    def __post_init__(self) -> None:
        self.industry = self.industry.strip().lower()
        self.unit = clean_name("unit", self.unit, 20)
        self.min_quantity = check_quantity("min_quantity", self.min_quantity, positive=False, ceiling="quantity")
        self.cap = check_money("cap", self.cap, ceiling="subsidy")
        if not self.tiers:
            raise Invalid("tiers", "a rate needs at least one tier")
        for i, tier in enumerate(self.tiers):
            tier.up_to = check_quantity(f"tiers[{i}].up_to", tier.up_to, ceiling="quantity")
            tier.rate = check_quantity(f"tiers[{i}].rate", tier.rate, places=4, positive=False, ceiling="rate")


class SchemeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    county_id: Id | None = None
    """The county (a region of level county) whose scheme this is; may be left out by a county's account (its
    own) or while the directory holds one county. Only that county's households claim under it."""
    year: int
    name: str
    budget: DecimalIn
    rates: list[RateIn]
    household_cap: DecimalIn | None = None
    exited_eligible_until: int | None = None
    """Exited (脱贫) households may claim while the scheme year is not after this year."""
    notice_days: Annotated[int, msgspec.Meta(ge=0, le=90)] = 0
    """With more than 0, verified claims stand on a public notice (公示) in their village for at least this many
    days, and are approved only after it ended with no open objection; 0: no notice."""

    def __post_init__(self) -> None:
        check_year("year", self.year, planned=True)
        check_year("exited_eligible_until", self.exited_eligible_until, planned=True)
        self.name = clean_name("name", self.name, 120)
        self.budget = check_money("budget", self.budget, positive=True, ceiling="budget")
        self.household_cap = check_money("household_cap", self.household_cap, ceiling="subsidy")
        industries = [r.industry for r in self.rates]
        if len(set(industries)) != len(industries):
            raise Invalid("rates", "one rate per industry")


class TierOut(msgspec.Struct, kw_only=True):
    up_to: Decimal | None
    rate: Decimal


class RateOut(msgspec.Struct, kw_only=True):
    industry: str
    unit: str
    min_quantity: Decimal
    cap: Decimal | None
    tiers: list[TierOut]


class SchemeOut(msgspec.Struct, kw_only=True):
    id: int
    county_id: int
    county_code: str
    year: int
    name: str
    budget: Decimal
    household_cap: Decimal | None
    exited_eligible_until: int | None
    notice_days: int
    status: SchemeStatus
    rates: list[RateOut]
    approved: Decimal
    """Sum of the live (not cancelled) vouchers."""
    left: Decimal
    created_at: datetime
    published_at: datetime | None
    closed_at: datetime | None


class ClaimFilter(msgspec.Struct, kw_only=True, frozen=True):
    """Which claims a list or an export asks for (the caller's scope is applied on top)."""

    scheme_id: int | None = None
    status: ClaimStatus | None = None
    town_id: int | None = None
    industry: str | None = None
    household_id: int | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "scheme_id": self.scheme_id,
            "status": self.status and self.status.value,
            "town_id": self.town_id,
            "industry": self.industry,
            "household_id": self.household_id,
        }


class ClaimCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    scheme_id: Id
    household_id: Id
    industry: str
    declared_quantity: DecimalIn
    base_id: Id | None = None
    link_id: Id | None = None

    def __post_init__(self) -> None:
        self.industry = self.industry.strip().lower()
        self.declared_quantity = check_quantity("declared_quantity", self.declared_quantity, ceiling="quantity")


class Verification(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    verified_quantity: DecimalIn
    inspector: str
    verified_on: date
    note: str | None = None

    def __post_init__(self) -> None:
        self.verified_quantity = check_quantity(
            "verified_quantity", self.verified_quantity, positive=False, ceiling="quantity"
        )
        self.inspector = clean_name("inspector", self.inspector, 60)
        self.note = clean_note("note", self.note, 4000)
        check_day_of_fact("verified_on", self.verified_on)


class Rejection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 4000, multiline=True)


class BulkApproval(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    claim_ids: list[Id]

    def __post_init__(self) -> None:
        if not 1 <= len(self.claim_ids) <= 1000:
            raise Invalid("claim_ids", "between 1 and 1000 claims at a time")
        if len(set(self.claim_ids)) != len(self.claim_ids):
            raise Invalid("claim_ids", "a claim is listed twice")


class VoucherOut(msgspec.Struct, kw_only=True):
    number: str
    scheme_id: Id
    scheme_year: int
    scheme_name: str
    claim_id: Id
    household_id: Id
    registry_no: str
    payee: str | None
    town_name: str
    village_name: str
    industry: str
    industry_name: str
    unit: str
    quantity: Decimal
    amount: Decimal
    explanation: list[str]
    status: VoucherStatus
    approved_by: int | None
    approver_name: str | None
    approved_at: datetime
    payment_batch_id: int | None
    paid_on: date | None
    bank_reference: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None


class ClaimOut(msgspec.Struct, kw_only=True):
    id: int
    scheme_id: Id
    household_id: Id
    registry_no: str
    town_id: Id
    industry: str
    base_id: int | None
    link_id: int | None
    declared_quantity: Decimal
    verified_quantity: Decimal | None
    inspector: str | None
    verified_on: date | None
    verification_note: str | None
    status: ClaimStatus
    reject_reason: str | None
    filed_by: int | None
    verified_by: int | None
    decided_by: int | None
    filed_at: datetime
    decided_at: datetime | None


class ClaimDetail(ClaimOut, kw_only=True):
    amount: Decimal
    """What the claim gets (approved), or would get if approved now."""
    explanation: list[str]
    voucher: VoucherOut | None


class ApprovalOutcome(msgspec.Struct, kw_only=True):
    claim_id: Id
    ok: bool
    voucher_number: str | None = None
    amount: Decimal | None = None
    status: int
    detail: str | None = None


class Cancellation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 4000, multiline=True)


class PreviewLine(msgspec.Struct, kw_only=True):
    claim_id: Id
    household_id: Id
    town_id: Id
    industry: str
    status: ClaimStatus
    quantity: Decimal
    amount: Decimal
    """Approved amount, or what the claim would get if approved now."""
    explanation: list[str]
    """How the amount is found, step by step: the voucher's lines, or the calculator's now."""


class PreviewTotal(msgspec.Struct, kw_only=True):
    key: str
    claims: int
    amount: Decimal


class SchemePreview(msgspec.Struct, kw_only=True):
    scheme_id: Id
    budget: Decimal
    approved: Decimal
    pending: Decimal
    """What the claims not yet decided would get if approved now."""
    total: Decimal
    over_budget: Decimal
    by_industry: list[PreviewTotal]
    by_town: list[PreviewTotal]
    claims: list[PreviewLine]
    """One page of the claims not rejected, in claim order, each explained (the totals cover them all)."""
    claims_total: int
    """How many claims the totals cover (every claim of the scheme not rejected)."""
    limit: int
    offset: int


class PaymentBatchCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    scheme_id: Id


class PaymentBatchOut(msgspec.Struct, kw_only=True):
    id: int
    scheme_id: Id
    status: PaymentBatchStatus
    vouchers: int
    total: Decimal
    paid: int
    failed: int
    pending: int
    skipped_without_bank_card: int = 0
    created_at: datetime
    reconciled_at: datetime | None


class BankResultRow(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    voucher_no: str
    result: str
    bank_reference: str | None = None
    paid_on: date | None = None

    def __post_init__(self) -> None:
        self.voucher_no = clean_name("voucher_no", self.voucher_no, 20).upper()
        self.result = self.result.strip().lower()
        if self.result not in (PaymentResult.paid.value, PaymentResult.failed.value):
            raise Invalid("result", "must be paid or failed")
        self.bank_reference = clean_optional("bank_reference", self.bank_reference, 60)
        check_day_of_fact("paid_on", self.paid_on)
