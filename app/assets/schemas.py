from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from app.assets.model import (
    AssetClass,
    AssetKind,
    AssetStatus,
    BeneficiaryDecision,
    Depreciation,
    DisposalKind,
    DisposalStatus,
    DistributionMethod,
    EvidenceType,
    FlagKind,
    FundingSource,
    IdleReason,
    OperatingForm,
    OwnerKind,
    Standing,
)
from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.validation import (
    DecimalIn,
    Id,
    check_day_of_fact,
    check_fraction,
    check_money,
    check_planned_day,
    check_quantity,
    check_span,
    check_year,
    clean_name,
    clean_note,
    clean_optional,
    earliest_day,
)
from app.payouts.model import PayMethod

MAX_FUNDING = 50  # sources of one asset's funds
MAX_OWNERS = 2000  # a village's households, with room to spare
MAX_HOUSEHOLDS = 10_000  # households one agreement's income is shared with (a payout batch's limit)
TERM_YEARS = 50  # how far ahead an agreement's term may end (leases run up to 20 years, contracts 30)
_WEIGHT = Decimal("99999999.9999")  # NUMERIC(12,4)


# ---- the register -------------------------------------------------------------------------------------


class FundingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    source: FundingSource
    """central, provincial, county (the city or county's own) or other (social assistance, the collective)."""
    year: int
    amount: DecimalIn

    def __post_init__(self) -> None:
        check_year("year", self.year)
        self.amount = check_money("amount", self.amount, positive=True, ceiling="asset")


class FundingOut(msgspec.Struct, kw_only=True):
    source: FundingSource
    year: int
    amount: Decimal


def _check_shape(
    status: AssetStatus, completed_on: date | None, depreciation: Depreciation, useful_life_years: int | None
) -> None:
    """What an asset's fields must agree on, when it is registered and after every update."""
    if status is AssetStatus.disposed:
        raise Invalid("status", message(N_("an asset is disposed of through an approved disposal, not by its status")))
    if status is AssetStatus.under_construction and completed_on is not None:
        raise Invalid("completed_on", message(N_("an asset under construction has no completion day yet")))
    if status is not AssetStatus.under_construction and completed_on is None:
        raise Invalid("completed_on", message(N_("is required once the asset is built (in use or idle)")))
    if depreciation is Depreciation.straight_line and useful_life_years is None:
        raise Invalid("useful_life_years", message(N_("is required for straight-line depreciation")))
    if depreciation is not Depreciation.straight_line and useful_life_years is not None:
        raise Invalid("useful_life_years", message(N_("is given only for straight-line depreciation")))
    if useful_life_years is not None and not 1 <= useful_life_years <= 100:
        raise Invalid("useful_life_years", message(N_("must be 1 to 100 years")))


def _check_funding(funding: list[FundingIn]) -> None:
    if len(funding) > MAX_FUNDING:
        raise Invalid("funding", message(N_("holds at most {most} sources"), most=MAX_FUNDING))


class AssetCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    asset_class: AssetClass
    """operating (经营性), public_welfare (公益性) or household (到户类)."""
    kind: AssetKind
    village_id: Id
    status: AssetStatus
    """under_construction, in_use or idle (disposed: only through an approved disposal)."""
    book_value: DecimalIn
    depreciation: Depreciation = Depreciation.none
    useful_life_years: int | None = None
    """The life straight-line depreciation spreads the value over (1 to 100 years); only for straight_line."""
    industry: str | None = None
    """The code of the industry the asset serves (crayfish_rice, pinellia, ...), where it serves one."""
    base_id: Id | None = None
    """The production base the asset stands on, where it stands on one (in the asset's village)."""
    completed_on: date | None = None
    """The day it was completed: required once built, absent while under construction."""
    funding: list[FundingIn] = msgspec.field(default_factory=list)
    note: str | None = None

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 120)
        self.book_value = check_money("book_value", self.book_value, ceiling="asset")
        check_day_of_fact("completed_on", self.completed_on)
        _check_shape(self.status, self.completed_on, self.depreciation, self.useful_life_years)
        if self.industry is not None:
            self.industry = clean_name("industry", self.industry, 40).lower()
        _check_funding(self.funding)
        self.note = clean_note("note", self.note, 2000)


class AssetUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The fields to change; those left out stay as they are, null clears an optional one. The village is
    not among them (an asset is where it was built), nor is disposal (an approved disposal's)."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    asset_class: AssetClass | msgspec.UnsetType = msgspec.UNSET
    kind: AssetKind | msgspec.UnsetType = msgspec.UNSET
    status: AssetStatus | msgspec.UnsetType = msgspec.UNSET
    book_value: DecimalIn | msgspec.UnsetType = msgspec.UNSET
    depreciation: Depreciation | msgspec.UnsetType = msgspec.UNSET
    useful_life_years: int | msgspec.UnsetType | None = msgspec.UNSET
    industry: str | msgspec.UnsetType | None = msgspec.UNSET
    base_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    completed_on: date | msgspec.UnsetType | None = msgspec.UNSET
    funding: list[FundingIn] | msgspec.UnsetType = msgspec.UNSET
    """The whole list of sources, replacing the stored one."""
    note: str | msgspec.UnsetType | None = msgspec.UNSET

    def __post_init__(self) -> None:
        if not any(getattr(self, f) is not msgspec.UNSET for f in self.__struct_fields__):
            raise Invalid("body", message(N_("name at least one field to change")))
        if isinstance(self.name, str):
            self.name = clean_name("name", self.name, 120)
        if isinstance(self.book_value, Decimal):
            self.book_value = check_money("book_value", self.book_value, ceiling="asset")
        if isinstance(self.completed_on, date):
            check_day_of_fact("completed_on", self.completed_on)
        if isinstance(self.industry, str):
            self.industry = clean_name("industry", self.industry, 40).lower()
        if isinstance(self.funding, list):
            _check_funding(self.funding)
        if isinstance(self.note, str):
            self.note = clean_note("note", self.note, 2000)


class AssetFields(msgspec.Struct, kw_only=True):
    """An asset's own fields as stored, codes and ids (what an update starts from and is audited as)."""

    name: str
    asset_class: AssetClass
    kind: AssetKind
    status: AssetStatus
    book_value: Decimal
    depreciation: Depreciation
    useful_life_years: int | None
    industry: str | None
    base_id: int | None
    completed_on: date | None
    note: str | None


def updated(current: AssetFields, change: AssetUpdate) -> AssetFields:
    """The fields after ``change``, checked as a whole (a change of status may need a completion day)."""
    values = msgspec.structs.asdict(current)
    for field in AssetFields.__struct_fields__:
        value = getattr(change, field)
        if value is not msgspec.UNSET:
            values[field] = value
    after = AssetFields(**values)
    _check_shape(after.status, after.completed_on, after.depreciation, after.useful_life_years)
    return after


class OwnershipOut(msgspec.Struct, kw_only=True):
    id: int
    owner_kind: OwnerKind
    confirmed_on: date
    document_no: str
    document_title: str | None
    household_ids: list[int]
    """The households it is confirmed to (empty for the village collective)."""
    note: str | None
    created_at: datetime


class AgreementSummary(msgspec.Struct, kw_only=True):
    id: int
    operator_id: int
    operator_name: str
    form: OperatingForm
    starts_on: date
    ends_on: date | None


class AssetOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    asset_class: AssetClass
    kind: AssetKind
    status: AssetStatus
    industry: str | None
    village_id: int
    village_name: str
    town_id: int
    county_code: str
    base_id: int | None
    completed_on: date | None
    book_value: Decimal
    depreciation: Depreciation
    useful_life_years: int | None
    funding_total: Decimal
    owner_kind: OwnerKind | None
    """Whom its ownership is confirmed to now (the latest confirmation); null while unconfirmed."""
    operator_id: int | None
    """The operator of its agreement in force today, if one is."""
    disposed_on: date | None
    """The day it was disposed of (its disposal's approval); null unless disposed."""
    note: str | None
    created_at: datetime
    updated_at: datetime


class AssetDetail(AssetOut, kw_only=True):
    funding: list[FundingOut]
    ownership: list[OwnershipOut]
    """Its confirmations, the latest (the current) first."""
    agreements: list[AgreementSummary]
    flags: list[AssetFlag] | None = None
    """What supervision finds wrong with it today (``GET /api/v1/asset-flags``), for the roles that read the
    flags, on ``GET /api/v1/assets/{id}``; null otherwise (an operator's read, the answer to a write)."""


class AssetFilter(msgspec.Struct, kw_only=True, frozen=True):
    region: str | None = None
    """A division code: a province, city or county (2, 4, 6 digits), a town (9), a village (12)."""
    town_id: Id | None = None
    village_id: Id | None = None
    asset_class: AssetClass | None = None
    kind: AssetKind | None = None
    industry: str | None = None
    status: AssetStatus | None = None
    operator_id: Id | None = None


# ---- ownership (确权) --------------------------------------------------------------------------------


class OwnershipIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    owner_kind: OwnerKind
    confirmed_on: date
    document_no: str
    """The number of the document that confirms it (确权文件编号)."""
    document_title: str | None = None
    household_ids: list[Id] = msgspec.field(default_factory=list)
    """For ``households``: the households it is confirmed to, on the register in the asset's village or
    monitored."""
    note: str | None = None

    def __post_init__(self) -> None:
        check_day_of_fact("confirmed_on", self.confirmed_on)
        self.document_no = clean_name("document_no", self.document_no, 60)
        self.document_title = clean_optional("document_title", self.document_title, 200)
        self.note = clean_note("note", self.note, 2000)
        if self.owner_kind is OwnerKind.village_collective and self.household_ids:
            raise Invalid("household_ids", message(N_("names no household for the village collective")))
        if self.owner_kind is OwnerKind.households and not 1 <= len(self.household_ids) <= MAX_OWNERS:
            raise Invalid("household_ids", message(N_("must hold 1 to {most} households"), most=MAX_OWNERS))
        seen: set[int] = set()
        for i, h in enumerate(self.household_ids):
            if h in seen:
                raise Invalid(f"household_ids[{i}]", message(N_("the household is named twice")))
            seen.add(h)


# ---- operating agreements ----------------------------------------------------------------------------


class BeneficiaryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    household_id: Id
    weight: DecimalIn | None = None
    """Its weight, for an agreement that shares by weight (above 0, at most 4 places)."""

    def __post_init__(self) -> None:
        if self.weight is not None:
            self.weight = check_quantity("weight", self.weight, ceiling=None, places=4, digits=8)
            if self.weight > _WEIGHT:
                raise Invalid("weight", message(N_("is too large")))


class AgreementCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    operator_id: Id
    """The enterprise or cooperative that runs the asset."""
    form: OperatingForm
    starts_on: date
    signed_on: date
    method: DistributionMethod
    """How the income is shared among ``households``: equal, by_members (members counted on the day of each
    distribution) or weighted (each household's ``weight``)."""
    households: list[BeneficiaryIn]
    """In order: ties in the remainder rule go to the household listed first."""
    ends_on: date | None = None
    base_id: Id | None = None
    """The operator's base the links to the households run through: the asset's own base when left out."""
    document_no: str | None = None
    yearly_rent: DecimalIn | None = None
    """A yearly rent (租金); or a ``guaranteed_rate`` on the funds invested, not both."""
    guaranteed_rate: DecimalIn | None = None
    """A guaranteed yearly return on the asset's funding, as a fraction: 0.08 is 8 %."""
    profit_share: DecimalIn | None = None
    """The share of the operator's profit from the asset that comes back, as a fraction."""
    public_share: DecimalIn = Decimal("0")
    """The share of each income kept for public-welfare jobs and village works, as a fraction (0 to 1)."""
    note: str | None = None

    def __post_init__(self) -> None:
        check_planned_day("starts_on", self.starts_on)
        if self.ends_on is not None:
            last = date(date.today().year + TERM_YEARS, 12, 31)
            if not earliest_day() <= self.ends_on <= last:
                raise Invalid(
                    "ends_on", message(N_("must be a day from {first} to {last}"), first=earliest_day(), last=last)
                )
        check_span("starts_on", self.starts_on, "ends_on", self.ends_on)
        check_day_of_fact("signed_on", self.signed_on)
        self.document_no = clean_optional("document_no", self.document_no, 60)
        self.note = clean_note("note", self.note, 2000)
        self.yearly_rent = check_money("yearly_rent", self.yearly_rent, positive=True, ceiling="asset")
        self.guaranteed_rate = check_fraction("guaranteed_rate", self.guaranteed_rate)
        self.profit_share = check_fraction("profit_share", self.profit_share)
        self.public_share = check_fraction("public_share", self.public_share)
        if self.yearly_rent is not None and self.guaranteed_rate is not None:
            raise Invalid(
                "guaranteed_rate", message(N_("an agreement sets a yearly rent or a guaranteed rate, not both"))
            )
        if not self.households and self.public_share != 1:
            raise Invalid("households", message(N_("list the households the income is shared with")))
        if len(self.households) > MAX_HOUSEHOLDS:
            raise Invalid("households", message(N_("must hold at most {most} households"), most=MAX_HOUSEHOLDS))
        seen: set[int] = set()
        weighted = self.method is DistributionMethod.weighted
        for i, b in enumerate(self.households):
            if b.household_id in seen:
                raise Invalid(f"households[{i}].household_id", message(N_("the household is listed twice")))
            seen.add(b.household_id)
            if weighted and b.weight is None:
                raise Invalid(f"households[{i}].weight", message(N_("is required when the income is shared by weight")))
            if not weighted and b.weight is not None:
                raise Invalid(
                    f"households[{i}].weight", message(N_("is given only when the income is shared by weight"))
                )


class BeneficiaryOut(msgspec.Struct, kw_only=True):
    household_id: int
    registry_no: str
    position: int
    weight: Decimal | None


class AgreementOut(msgspec.Struct, kw_only=True):
    id: int
    asset_id: int
    asset_name: str
    village_id: int
    operator_id: int
    operator_name: str
    base_id: int
    form: OperatingForm
    starts_on: date
    ends_on: date | None
    signed_on: date
    document_no: str | None
    yearly_rent: Decimal | None
    guaranteed_rate: Decimal | None
    profit_share: Decimal | None
    promised_yearly: Decimal | None
    """What it promises a year: the rent, or the guaranteed rate × the asset's funding; null for neither."""
    method: DistributionMethod
    public_share: Decimal
    households_listed: int
    note: str | None
    created_at: datetime


class AgreementDetail(AgreementOut, kw_only=True):
    households: list[BeneficiaryOut]


# ---- income and its distribution -------------------------------------------------------------------


class IncomeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    received_on: date
    period_year: int
    """The year the income is for (a year of the agreement's term)."""
    amount: DecimalIn
    reference: str
    """The receipt's or the bank transfer's number: unique per agreement whatever its case; a resend with the
    same body returns the first record (200), with another body it is a 409."""
    note: str | None = None

    def __post_init__(self) -> None:
        check_day_of_fact("received_on", self.received_on)
        check_year("period_year", self.period_year)
        self.amount = check_money("amount", self.amount, positive=True, ceiling="asset")
        self.reference = clean_name("reference", self.reference, 80)
        self.note = clean_note("note", self.note, 2000)


class IncomeOut(msgspec.Struct, kw_only=True):
    id: int
    agreement_id: int
    asset_id: int
    received_on: date
    period_year: int
    amount: Decimal
    reference: str
    note: str | None
    distribution_id: int | None
    """The distribution that shared it out; null until it is distributed."""
    created_at: datetime


class DistributionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    paid_on: date
    """The day the households were paid (on or after the day the income was received)."""
    method: PayMethod = PayMethod.bank

    def __post_init__(self) -> None:
        check_day_of_fact("paid_on", self.paid_on)


class ShareOut(msgspec.Struct, kw_only=True):
    household_id: int
    registry_no: str
    position: int
    members: int
    weight: Decimal | None
    standing: Standing
    included: bool
    amount: Decimal
    link_id: int | None
    payout_id: int | None
    explanation: list[str]


class DistributionOut(msgspec.Struct, kw_only=True):
    id: int
    income_id: int
    agreement_id: int
    asset_id: int
    operator_id: int
    amount: Decimal
    method: DistributionMethod
    public_share: Decimal
    public_amount: Decimal
    distributed: Decimal
    households_paid: int
    households_excluded: int
    paid_on: date
    pay_method: PayMethod
    period_from: date
    period_to: date
    payout_batch_id: int | None
    """The payout batch (source ``asset``) its payouts were appended to the ledger in."""
    first_payout_id: int | None
    last_payout_id: int | None
    """Its payouts lie between these ids (a range of the ledger's key)."""
    remainder_rule: str
    explanation: list[str]
    """The lines of the whole: the income, the public-welfare share, what was shared and how."""
    created_at: datetime


class DistributionDetail(DistributionOut, kw_only=True):
    shares: list[ShareOut]
    """Every listed household's part, in the agreement's order, each explained line by line."""


# ---- evidence (photos, documents) ---------------------------------------------------------------


class EvidenceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What an upload says of its file besides the file itself."""

    title: str | None = None
    """What it shows (照片: 冷库外景; 合同: 租赁合同第1页); the file's name when left out."""
    note: str | None = None

    def __post_init__(self) -> None:
        self.title = clean_optional("title", self.title, 200)
        self.note = clean_note("note", self.note, 2000)


class EvidenceRemoval(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str
    """Why it is removed (a wrong photo, personal data in it); it stays on record, its file no longer served."""

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 500)


class EvidenceOut(msgspec.Struct, kw_only=True):
    id: int
    asset_id: int
    title: str
    original_name: str
    """The name it was uploaded under (made safe: no folders, no control characters)."""
    file_type: EvidenceType
    """What it is by its content (jpeg, png, pdf, xlsx, docx)."""
    media_type: str
    size: int
    """In bytes."""
    sha256: str
    """The SHA-256 of its content, in hex: the same file attached twice is one file kept."""
    note: str | None
    created_by: int | None
    created_at: datetime
    removed_at: datetime | None
    removed_by: int | None
    removed_reason: str | None
    download: str
    """Where its file is read (``GET``), while it is not removed."""


# ---- disposal (处置) -------------------------------------------------------------------------------


class DisposalIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: DisposalKind
    """sale (出售), scrapping (报废) or transfer (移交)."""
    reason: str
    """Why the asset is disposed of (worn out, no longer needed, the village merged...)."""
    proceeds: DecimalIn
    """What the disposal brings in (0 for a scrapping that brings nothing), 0 or more."""
    proceeds_to: str | None = None
    """Where the proceeds went (the village collective's account, the county's fund...): required when there
    are proceeds."""
    requested_on: date | None = None
    """The day it was requested; today when left out."""

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 2000, multiline=True)
        self.proceeds = check_money("proceeds", self.proceeds, ceiling="asset")
        self.proceeds_to = clean_optional("proceeds_to", self.proceeds_to, 500)
        check_day_of_fact("requested_on", self.requested_on)
        if self.proceeds > 0 and self.proceeds_to is None:
            raise Invalid("proceeds_to", message(N_("say where the proceeds went")))


class DisposalApproval(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    approved_on: date
    """The day the county approved it (its document's day): the asset is disposed of on that day."""
    document_no: str | None = None
    """The approval's document (批复文号)."""
    note: str | None = None

    def __post_init__(self) -> None:
        check_day_of_fact("approved_on", self.approved_on)
        self.document_no = clean_optional("document_no", self.document_no, 60)
        self.note = clean_note("note", self.note, 2000)


class DisposalRejection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str
    rejected_on: date | None = None
    """The day the county turned it down; today when left out."""

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 2000, multiline=True)
        check_day_of_fact("rejected_on", self.rejected_on)


class DisposalOut(msgspec.Struct, kw_only=True):
    id: int
    asset_id: int
    asset_name: str
    kind: DisposalKind
    reason: str
    proceeds: Decimal
    proceeds_to: str | None
    requested_on: date
    status: DisposalStatus
    decided_on: date | None
    """The day approved (the asset's ``disposed_on``) or rejected."""
    document_no: str | None
    decision_note: str | None
    requested_by: int | None
    requested_at: datetime
    decided_by: int | None
    decided_at: datetime | None


# ---- supervision: flags, and decisions on households that left ------------------------------------


class AssetFlag(msgspec.Struct, kw_only=True):
    """One thing supervision finds wrong with an asset on a day. ``since`` is the first day of it (the day
    before, it was not raised)."""

    kind: FlagKind
    asset_id: int
    asset_name: str
    village_id: int
    village_name: str
    town_id: int
    county_code: str
    since: date
    idle_reason: IdleReason | None = None
    """idle: no agreement in force (no_agreement) or none of its income for the months allowed (no_income)."""
    agreement_id: int | None = None
    operator_id: int | None = None
    operator_name: str | None = None
    period_year: int | None = None
    """arrears: the year whose income falls short."""
    expected: Decimal | None = None
    """arrears: what the agreement promises for the year (its rent or guaranteed return, for the days of the
    year it ran), half-up to the fen."""
    received: Decimal | None = None
    """arrears: the income recorded for the year by the day asked about."""
    shortfall: Decimal | None = None
    income_id: int | None = None
    """undistributed: the income received and not distributed."""
    amount: Decimal | None = None
    received_on: date | None = None
    disposed_on: date | None = None
    """disposed_without_approval: the day the asset is recorded as disposed of (null when unrecorded)."""
    household_id: int | None = None
    """household_left: the household listed in the agreement that is no longer on the register nor monitored."""
    registry_no: str | None = None
    standing: Standing | None = None


class FlagPage(msgspec.Struct, kw_only=True):
    as_of: date
    """The day the flags are of."""
    items: list[AssetFlag]
    total: int
    limit: int
    offset: int


class FlagFilter(msgspec.Struct, kw_only=True, frozen=True):
    as_of: date | None = None
    region: str | None = None
    kind: FlagKind | None = None


class BeneficiaryDecisionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    decision: BeneficiaryDecision
    """keep (it stays listed: it shares again should it come back on the register or be monitored) or remove
    (taken off the agreement's list)."""
    reason: str
    decided_on: date | None = None
    """The day decided (on or after the household left); today when left out."""

    def __post_init__(self) -> None:
        self.reason = clean_name("reason", self.reason, 2000, multiline=True)
        check_day_of_fact("decided_on", self.decided_on)


class BeneficiaryDecisionOut(msgspec.Struct, kw_only=True):
    id: int
    agreement_id: int
    asset_id: int
    household_id: int
    registry_no: str
    decision: BeneficiaryDecision
    standing: Standing
    """Where the household stood when decided."""
    left_on: date
    """The day it stopped sharing, as the flag said."""
    decided_on: date
    reason: str
    position: int
    weight: Decimal | None
    created_by: int | None
    created_at: datetime
