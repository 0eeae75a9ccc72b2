"""The console's forms as msgspec Structs, decoded from the posted form.

A browser sends every field as text and an empty input as ""; an empty field counts as not
sent (so its default applies) and numbers, dates and codes are converted from text. A form
that does not decode raises ``BadForm``, which the console answers with its error page (400).
The CSRF token is checked before any of this, by Litestar's ``CSRFMiddleware``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from app.assets.model import (
    AssetClass,
    AssetKind,
    AssetStatus,
    BeneficiaryDecision,
    Depreciation,
    OperatingForm,
    OwnerKind,
)
from app.assets.model import DistributionMethod as SharingMethod
from app.core.validation import DecimalIn, input_hook
from app.monitoring.case_rules import EliminationStep, Step
from app.monitoring.model import MeasureKind
from app.pairing.model import SupportKind
from app.payouts.model import PayMethod
from app.registry.model import HouseholdStatus, RemovalReason

F = TypeVar("F", bound=msgspec.Struct)
Lang = Literal["zh", "en"]


class BadForm(Exception):
    """A posted form that does not decode into its Struct."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Form(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """Base of the console's forms (unknown fields, such as the CSRF token, are ignored)."""


class SignInForm(Form):
    token: str = ""
    lang: Lang = "zh"


class LanguageForm(Form):
    to: Lang = "zh"
    back_to: str = "/console"  # the page the switch was pressed on (no Referer: the console sends none)


class RejectForm(Form):
    reason: str = ""


class ClaimSelection(Form):
    claim: list[str] = []


class BatchForm(Form):
    scheme_id: int


class TransitionForm(Form):
    to: HouseholdStatus
    note: str | None = None
    exit_year: int | None = None
    reason: RemovalReason | None = None


class ObjectionForm(Form):
    raised_by: str = ""
    content: str = ""


class ResolveForm(Form):
    household_id: int
    note: str = ""


class ClaimForm(Form):
    scheme_id: int
    industry: str
    declared_quantity: DecimalIn


class VerifyForm(Form):
    verified_quantity: DecimalIn
    verified_on: date
    inspector: str = ""
    note: str | None = None


class SupportForm(Form):
    village_id: int
    kind: SupportKind
    given_on: date
    reference: str = ""
    amount: DecimalIn | None = None
    in_kind: str | None = None
    households_benefited: int = 0
    people_benefited: int = 0
    note: str | None = None


class CaseStepForm(Form):
    step: Step
    on: date
    by: list[str] = []  # one input a person (a survey wants two); blank inputs are left out
    note: str | None = None
    notice_id: int | None = None  # the step ``noticed``: the village's notice in ChainAid (none: one on paper)


class MeasureForm(Form):
    kind: MeasureKind
    start_on: date
    officer: str = ""
    amount: DecimalIn | None = None
    end_on: date | None = None
    note: str | None = None


class EliminationForm(Form):
    """The home check that begins risk elimination; a guarantee's box is sent ("true") only when ticked."""

    on: date
    months_above_line: int
    by: list[str] = []  # two people at least
    rigid_spending_resolved: bool = False
    food: bool = False
    clothing: bool = False
    compulsory_education: bool = False
    basic_medical_care: bool = False
    safe_housing: bool = False
    safe_drinking_water: bool = False
    risk_gone: bool = False
    protection_percent: DecimalIn = Decimal(0)  # the share of income from social protection, in per cent
    note: str | None = None


class EliminationStepForm(Form):
    step: EliminationStep
    on: date
    by: list[str] = []
    note: str | None = None
    notice_id: int | None = None  # the step ``noticed``: the village's risk-elimination notice (none: on paper)


class RoundForm(Form):
    started_on: date
    county_code: str = ""
    period: str = ""


class VisitForm(Form):
    case_id: int
    visited_on: date
    by: list[str] = []
    income: DecimalIn | None = None
    note: str | None = None  # what changed


class MonitoringLineForm(Form):
    year: int
    amount: DecimalIn
    region_code: str = ""


class AssetForm(Form, kw_only=True):
    """An asset to register. Amounts are read as text (``app.console.asset_pages`` checks them in the reader's
    words); the funding is up to a few rows of source, year and amount, blank rows left out."""

    name: str = ""
    asset_class: AssetClass
    kind: AssetKind
    village_id: int
    status: AssetStatus
    book_value: str = ""
    depreciation: Depreciation = Depreciation.none
    useful_life_years: int | None = None
    industry: str | None = None
    base_id: int | None = None
    completed_on: date | None = None
    note: str | None = None
    funding_source: list[str] = []
    funding_year: list[str] = []
    funding_amount: list[str] = []


class OwnershipForm(Form):
    owner_kind: OwnerKind
    confirmed_on: date
    document_no: str = ""
    document_title: str | None = None
    households: str = ""  # registry numbers, one a line (or separated by spaces or commas)
    note: str | None = None


class AgreementForm(Form):
    """An operating agreement; the operator is the enterprise of the base chosen (a base belongs to one, and the
    links to the households run through it). Rates and shares are per cent."""

    base_id: int
    form: OperatingForm
    starts_on: date
    signed_on: date
    method: SharingMethod
    ends_on: date | None = None
    document_no: str | None = None
    yearly_rent: str = ""
    guaranteed_percent: str = ""
    profit_percent: str = ""
    public_percent: str = ""
    households: str = ""  # one a line: a registry number, and its weight after it when shared by weight
    note: str | None = None


class IncomeForm(Form):
    agreement_id: int
    received_on: date
    period_year: int
    amount: str = ""
    reference: str = ""
    note: str | None = None


class DistributionForm(Form):
    income_id: int
    paid_on: date
    method: PayMethod = PayMethod.bank


class UploadConfirm(Form):
    content: str


class EvidenceForm(Form):
    title: str | None = None
    note: str | None = None


class RemovalForm(Form):
    reason: str = ""


class BeneficiaryDecisionForm(Form):
    agreement_id: int
    household_id: int
    decision: BeneficiaryDecision
    reason: str = ""


class ImportForm(Form):
    kind: str = ""
    dry_run: bool = False  # the checkbox 只检查不写入: sent as "true" when ticked, absent otherwise


def _lists(kind: type[msgspec.Struct]) -> frozenset[str]:
    info = msgspec.inspect.type_info(kind)
    assert isinstance(info, msgspec.inspect.StructType)
    return frozenset(f.name for f in info.fields if isinstance(f.type, msgspec.inspect.ListType))


async def read_form(request: Request[Any, Any, Any], kind: type[F]) -> F:
    """The posted form as ``kind``; ``BadForm`` when a field is missing or not of its type."""
    form = await request.form()
    lists = _lists(kind)
    data: dict[str, Any] = {}
    for name in msgspec.structs.fields(kind):
        if name.name in lists:
            data[name.name] = [v for v in form.getall(name.name, []) if isinstance(v, str)]
            continue
        value = form.get(name.name)
        if isinstance(value, UploadFile):
            raise BadForm(f"{name.name}: expected text, got a file")
        if value is None or value == "":
            continue
        data[name.name] = value
    try:
        return msgspec.convert(data, kind, strict=False, dec_hook=input_hook)
    except msgspec.ValidationError as exc:
        raise BadForm(str(exc)) from None


async def read_upload(request: Request[Any, Any, Any], field: str = "file") -> UploadFile | None:
    """The uploaded file of a multipart form, or None when none was chosen."""
    value = (await request.form()).get(field)
    return value if isinstance(value, UploadFile) and value.filename else None


async def read_uploads(request: Request[Any, Any, Any], field: str = "file") -> list[UploadFile]:
    """Every file chosen in a multipart form's field (an ``<input type=file multiple>``)."""
    return [v for v in (await request.form()).getall(field, []) if isinstance(v, UploadFile) and v.filename]
