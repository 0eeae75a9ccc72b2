from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    BigSerial,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.enterprises.tables import Enterprise
from app.industries.tables import Industry
from app.links.tables import Base
from app.payouts.tables import PayoutBatch
from app.registry.tables import Household, Village


class Asset(Table, tablename="asset"):
    """扶贫项目资产: an asset built with poverty-relief funds, in one village (and on a base where it has one)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    name = Varchar(length=120, null=False)
    asset_class = Varchar(length=16, null=False)
    kind = Varchar(length=16, null=False)
    industry = ForeignKey(Industry, null=True, default=None, on_delete=OnDelete.restrict)
    village = ForeignKey(Village, null=False, on_delete=OnDelete.restrict, index=True)
    base = ForeignKey(Base, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    completed_on = Date(null=True, default=None)  # none while under construction
    book_value = Numeric(digits=(14, 2), null=False)
    depreciation = Varchar(length=16, null=False)
    useful_life_years = Integer(null=True, default=None)  # straight-line depreciation's life
    # under_construction, in_use, idle; disposed only by an approved disposal (never by an update)
    status = Varchar(length=20, null=False)
    # the day it was disposed of: the day its disposal was approved (asset_disposal); null unless disposed
    disposed_on = Date(null=True, default=None)
    note = Text(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)

    asset_name_in_village = Unique([village, name])
    asset_class_known = Check("asset_class IN ('operating', 'public_welfare', 'household')")
    asset_kind_known = Check(
        "kind IN ('processing', 'storage', 'field_works', 'greenhouse', 'livestock', 'equipment', 'energy',"
        " 'road', 'water', 'other')"
    )
    asset_status_known = Check("status IN ('under_construction', 'in_use', 'idle', 'disposed')")
    depreciation_known = Check("depreciation IN ('straight_line', 'none')")
    book_value_not_negative = Check("book_value >= 0")
    straight_line_has_life = Check(
        "(depreciation = 'straight_line') = (useful_life_years IS NOT NULL) AND (useful_life_years IS NULL"
        " OR useful_life_years BETWEEN 1 AND 100)"
    )
    built_asset_has_completion = Check("status = 'under_construction' OR completed_on IS NOT NULL")
    disposed_day_of_disposed = Check("disposed_on IS NULL OR status = 'disposed'")


class AssetFunding(Table, tablename="asset_funding"):
    """One source of the funds an asset was built with: the level of government (or other), the year, the
    amount. Replaced as a whole when an asset's funding is corrected (audited)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    asset = ForeignKey(Asset, null=False, on_delete=OnDelete.restrict, index=True)
    source = Varchar(length=12, null=False)
    year = Integer(null=False)
    amount = Numeric(digits=(14, 2), null=False)

    funding_source_known = Check("source IN ('central', 'provincial', 'county', 'other')")
    funding_amount_positive = Check("amount > 0")


class AssetOwnership(Table, tablename="asset_ownership"):
    """确权: the asset's ownership confirmed to its village's collective or to named households (``asset_owner``),
    on a day, by a document. Append-only: an asset's confirmations are its history, the latest the current."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    asset = ForeignKey(Asset, null=False, on_delete=OnDelete.restrict, index=True)
    owner_kind = Varchar(length=20, null=False)
    confirmed_on = Date(null=False)
    document_no = Varchar(length=60, null=False)
    document_title = Varchar(length=200, null=True, default=None)
    note = Text(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    owner_kind_known = Check("owner_kind IN ('village_collective', 'households')")


class AssetOwner(Table, tablename="asset_owner"):
    """A household an ownership confirmation names (an ownership to named households has one row each)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    ownership = ForeignKey(AssetOwnership, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)

    owner_once = Unique([ownership, household])


class AssetAgreement(Table, tablename="asset_agreement"):
    """An operating agreement: who runs the asset (an enterprise or cooperative), how (lease, contract, shares,
    self-run), for which term, what it pays (a yearly rent, or a guaranteed return on the funds invested, and
    a share of the profit), and how its income is shared among the listed households (``asset_beneficiary``).
    The links its distributions make run through ``base``: the asset's own, or one of the operator's."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    asset = ForeignKey(Asset, null=False, on_delete=OnDelete.restrict, index=True)
    operator = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    base = ForeignKey(Base, null=False, on_delete=OnDelete.restrict)
    form = Varchar(length=12, null=False)
    starts_on = Date(null=False)
    ends_on = Date(null=True, default=None)  # open-ended
    signed_on = Date(null=False)
    document_no = Varchar(length=60, null=True, default=None)
    yearly_rent = Numeric(digits=(14, 2), null=True, default=None)
    guaranteed_rate = Numeric(digits=(7, 4), null=True, default=None)  # of the funds invested, a year: 0.08 = 8 %
    profit_share = Numeric(digits=(5, 4), null=True, default=None)  # the village's share of the profit
    method = Varchar(length=12, null=False)
    public_share = Numeric(digits=(5, 4), null=False)  # kept for public-welfare jobs and village works
    note = Text(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    operating_form_known = Check("form IN ('lease', 'contract', 'shares', 'self_run')")
    agreement_method_known = Check("method IN ('equal', 'by_members', 'weighted')")
    agreement_dates_ordered = Check("ends_on IS NULL OR ends_on >= starts_on")
    rent_or_rate = Check("yearly_rent IS NULL OR guaranteed_rate IS NULL")
    agreement_terms_in_bounds = Check(
        "(yearly_rent IS NULL OR yearly_rent > 0) AND (guaranteed_rate IS NULL OR guaranteed_rate BETWEEN 0 AND 1)"
        " AND (profit_share IS NULL OR profit_share BETWEEN 0 AND 1) AND public_share BETWEEN 0 AND 1"
    )


class AssetBeneficiary(Table, tablename="asset_beneficiary"):
    """A household an agreement's income is shared with, in its place in the list (ties in the remainder rule
    go to the household listed first), with its weight when the agreement shares by weight."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    agreement = ForeignKey(AssetAgreement, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    position = Integer(null=False)
    weight = Numeric(digits=(12, 4), null=True, default=None)

    beneficiary_once = Unique([agreement, household])
    beneficiary_position = Unique([agreement, position])
    beneficiary_weight_positive = Check("weight IS NULL OR weight > 0")


class AssetIncome(Table, tablename="asset_income"):
    """Income received from an asset's operator under an agreement. Append-only, retry-safe by ``reference``
    (unique per agreement whatever its case: an index on (agreement, lower(reference)), made by a migration)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    id = BigSerial(primary_key=True)
    agreement = ForeignKey(AssetAgreement, null=False, on_delete=OnDelete.restrict, index=True)
    received_on = Date(null=False)
    period_year = Integer(null=False)
    amount = Numeric(digits=(14, 2), null=False)
    reference = Varchar(length=80, null=False)
    body_hash = Varchar(length=64, null=False)
    note = Text(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    income_amount_positive = Check("amount > 0")


class AssetDistribution(Table, tablename="asset_distribution"):
    """One income shared out: at most one per income (``income`` is unique), the rule's inputs and results as
    they were (every listed household's part, in the agreement's order, one element of each array), the
    public-welfare part kept, and the payout batch its payouts were appended to the ledger in (they lie
    between ``first_payout`` and ``last_payout``). Append-only. A part's explanation is the rule's, run again
    on the stored inputs (app/assets/rules.py; the same inputs give the same lines on any day)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    id = BigSerial(primary_key=True)
    income = ForeignKey(AssetIncome, null=False, on_delete=OnDelete.restrict, unique=True)
    method = Varchar(length=12, null=False)
    public_share = Numeric(digits=(5, 4), null=False)
    amount = Numeric(digits=(14, 2), null=False)  # the income
    public_amount = Numeric(digits=(14, 2), null=False)
    distributed = Numeric(digits=(14, 2), null=False)  # the households' parts: amount - public_amount
    households_paid = Integer(null=False)
    households_excluded = Integer(null=False)
    paid_on = Date(null=False)
    pay_method = Varchar(length=8, null=False)
    period_from = Date(null=False)
    period_to = Date(null=False)
    payout_batch = ForeignKey(PayoutBatch, null=True, default=None, on_delete=OnDelete.restrict)
    first_payout = BigInt(null=True, default=None)
    last_payout = BigInt(null=True, default=None)
    # the parts, one element per listed household in the agreement's order (arrays rather than a row each: a
    # distribution writes them in one row, whatever the number of households; bench/asset_distribution.py)
    households = Array(base_column=Integer(), null=False)
    members = Array(base_column=Integer(), null=False)  # counted on the day paid
    weights = Array(base_column=Numeric(digits=(12, 4)), null=False)  # null elements unless weighted
    standings = Array(base_column=Varchar(length=24), null=False)
    reasons = Array(base_column=Text(), null=False)  # why each stands where it does, as the rule said it
    amounts = Array(base_column=Numeric(digits=(14, 2)), null=False)
    explanation = JSONB(null=False)  # the lines of the whole (app/assets/rules.py)
    body_hash = Varchar(length=64, null=False)  # tells a retry (same request) from a clash (another)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    distribution_method_known = Check("method IN ('equal', 'by_members', 'weighted')")
    distribution_pay_method_known = Check("pay_method IN ('bank', 'cash')")
    distribution_adds_up = Check("public_amount >= 0 AND distributed >= 0 AND public_amount + distributed = amount")
    distribution_period_ordered = Check("period_from <= period_to")
    distribution_standing_known = Check(
        "standings <@ ARRAY['registered', 'exited_in_continuation', 'monitored', 'removed', 'continuation_ended',"
        " 'not_on_register']::varchar[]"
    )
    distribution_parts_aligned = Check(
        "cardinality(members) = cardinality(households) AND cardinality(weights) = cardinality(households)"
        " AND cardinality(standings) = cardinality(households) AND cardinality(reasons) = cardinality(households)"
        " AND cardinality(amounts) = cardinality(households) AND 0 <= ALL (amounts)"
    )
    distribution_payouts_named = Check(
        "(payout_batch IS NULL) = (first_payout IS NULL) AND (first_payout IS NULL) = (last_payout IS NULL)"
    )


class AssetEvidence(Table, tablename="asset_evidence"):
    """A photo or document attached to an asset as evidence. The file itself is kept outside the database, by
    the SHA-256 of its content (app/assets/blobs.py: one file however many times it is attached); the row keeps
    its hash, size, type (as its first bytes say), the name it was uploaded under, a title, who and when.
    Never deleted: a wrong one is removed (``removed_*``, audited) and stays on record, its file no longer
    served."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    asset = ForeignKey(Asset, null=False, on_delete=OnDelete.restrict, index=True)
    sha256 = Varchar(length=64, null=False)
    size = BigInt(null=False)
    file_type = Varchar(length=8, null=False)
    original_name = Varchar(length=255, null=False)
    title = Varchar(length=200, null=False)
    note = Text(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)
    removed_at = Timestamptz(null=True, default=None)
    removed_by = Integer(null=True, default=None)
    removed_reason = Text(null=True, default=None)

    evidence_type_known = Check("file_type IN ('jpeg', 'png', 'pdf', 'xlsx', 'docx')")
    evidence_hash_shape = Check("sha256 ~ '^[0-9a-f]{64}$'")
    evidence_size_positive = Check("size > 0")
    evidence_removal_whole = Check("(removed_at IS NULL) = (removed_reason IS NULL)")


class AssetDisposal(Table, tablename="asset_disposal"):
    """A disposal of an asset (处置: sale, scrapping, transfer): requested by the county's staff with its reason,
    its proceeds and where they went; approved (or rejected) by the county's administration, by another
    account than the one that requested it. Its approval disposes of the asset on the day approved
    (``asset.status``, ``asset.disposed_on``); nothing else does. One pending and one approved at most per
    asset (unique indexes made by a migration)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    asset = ForeignKey(Asset, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=12, null=False)
    reason = Text(null=False)
    proceeds = Numeric(digits=(14, 2), null=False)
    proceeds_to = Text(null=True, default=None)  # where the proceeds went (the collective's account, ...)
    requested_on = Date(null=False)
    status = Varchar(length=10, null=False)
    decided_on = Date(null=True, default=None)  # the day approved or rejected (the approval's document's day)
    document_no = Varchar(length=60, null=True, default=None)  # the approval's document (批复文号)
    decision_note = Text(null=True, default=None)  # the approval's note, or why it was rejected
    body_hash = Varchar(length=64, null=False)  # tells a resent request from another one
    decision_hash = Varchar(length=64, null=True, default=None)  # tells a resent decision from another one
    requested_by = Integer(null=True, default=None)
    requested_at = Timestamptz(null=False)
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)

    disposal_kind_known = Check("kind IN ('sale', 'scrapping', 'transfer')")
    disposal_status_known = Check("status IN ('pending', 'approved', 'rejected')")
    disposal_proceeds_not_negative = Check("proceeds >= 0")
    disposal_proceeds_go_somewhere = Check("proceeds = 0 OR proceeds_to IS NOT NULL")
    disposal_decided_whole = Check(
        "(status = 'pending') = (decided_on IS NULL) AND (decided_on IS NULL) = (decided_at IS NULL)"
        " AND (decided_on IS NULL OR decided_on >= requested_on)"
    )


class AssetBeneficiaryDecision(Table, tablename="asset_beneficiary_decision"):
    """The county's decision about a household listed in an agreement that is no longer on the register nor
    monitored (the ``household_left`` flag): keep it listed, or remove it from the list (its row of
    ``asset_beneficiary`` deleted in the same transaction; its place and weight are kept here). Append-only:
    a household's decisions are its history. A ``keep`` clears the flag for the leaving it was taken on
    (``left_on``); should the household come back and leave again, the flag is raised again."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    agreement = ForeignKey(AssetAgreement, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    decision = Varchar(length=8, null=False)
    standing = Varchar(length=24, null=False)  # where the household stood when decided (app/assets/model.py)
    left_on = Date(null=False)  # the day it stopped sharing, as the flag said
    decided_on = Date(null=False)
    reason = Text(null=False)
    position = Integer(null=False)  # its place in the list when decided
    weight = Numeric(digits=(12, 4), null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    beneficiary_decision_known = Check("decision IN ('keep', 'remove')")
    beneficiary_decision_standing_known = Check(
        "standing IN ('registered', 'exited_in_continuation', 'monitored', 'removed', 'continuation_ended',"
        " 'not_on_register')"
    )
    beneficiary_decision_after_leaving = Check("decided_on >= left_on")
