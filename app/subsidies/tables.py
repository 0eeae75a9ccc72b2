from piccolo.columns import (
    JSONB,
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

from app.industries.tables import Industry
from app.links.tables import Base, Link
from app.regions.tables import Region
from app.registry.tables import Household


class SubsidyScheme(Table, tablename="subsidy_scheme"):
    """A year's special planting and breeding subsidy (特色种植养殖补贴): draft, published, closed."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    county_id = ForeignKey(Region, null=False, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    name = Varchar(length=120, null=False)
    budget = Numeric(digits=(14, 2), null=False)
    household_cap = Numeric(digits=(14, 2), null=True, default=None)
    exited_eligible_until = Integer(null=True, default=None)
    status = Varchar(length=10, null=False)
    voucher_seq = Integer(null=False, default=0)  # the year's last voucher number this scheme issued
    notice_days = Integer(null=False, default=0)  # the least length of its claims' notice (公示); 0: none
    created_at = Timestamptz(null=False)
    published_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)

    scheme_unique_county_year_name = Unique([county_code, year, name])
    status_known = Check("status IN ('draft', 'published', 'closed')")
    budget_positive = Check("budget > 0")
    notice_days_bounded = Check("notice_days BETWEEN 0 AND 90")


class SchemeRate(Table, tablename="scheme_rate"):
    """A scheme's tiered rate for one industry."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    scheme = ForeignKey(SubsidyScheme, null=False, on_delete=OnDelete.restrict, index=True)
    industry = ForeignKey(Industry, null=False, on_delete=OnDelete.restrict)
    unit = Varchar(length=20, null=False)
    min_quantity = Numeric(digits=(12, 2), null=False)
    cap = Numeric(digits=(14, 2), null=True, default=None)
    tiers = JSONB(null=False)  # [{"up_to": "10" | null, "rate": "300.00"}, ...]

    scheme_rate_unique_industry = Unique([scheme, industry])


class SubsidyClaim(Table, tablename="subsidy_claim"):
    """A household's claim in a scheme for one industry, filed and field-verified by a town officer."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    scheme = ForeignKey(SubsidyScheme, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    industry = ForeignKey(Industry, null=False, on_delete=OnDelete.restrict)
    base = ForeignKey(Base, null=True, default=None, on_delete=OnDelete.restrict)
    link = ForeignKey(Link, null=True, default=None, on_delete=OnDelete.restrict)
    declared_quantity = Numeric(digits=(12, 2), null=False)
    verified_quantity = Numeric(digits=(12, 2), null=True, default=None)
    inspector = Varchar(length=60, null=True, default=None)
    verified_on = Date(null=True, default=None)
    verification_note = Text(null=True, default=None)
    verified_by = Integer(null=True, default=None)
    status = Varchar(length=10, null=False)
    reject_reason = Text(null=True, default=None)
    filed_by = Integer(null=True, default=None)
    filed_at = Timestamptz(null=False)
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)

    claim_one_per_industry = Unique([scheme, household, industry])
    status_known = Check("status IN ('filed', 'verified', 'approved', 'rejected')")
    declared_positive = Check("declared_quantity > 0")
    verified_complete = Check(
        "(verified_quantity IS NULL) = (verified_on IS NULL) AND (verified_quantity IS NULL OR verified_quantity >= 0)"
    )


class PaymentBatch(Table, tablename="payment_batch"):
    """Vouchers sent to the bank together (一卡通), and what the bank said of each."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    id = BigSerial(primary_key=True)
    scheme = ForeignKey(SubsidyScheme, null=False, on_delete=OnDelete.restrict)
    status = Varchar(length=12, null=False)  # sent, reconciled
    vouchers = Integer(null=False)
    total = Numeric(digits=(14, 2), null=False)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)
    reconciled_at = Timestamptz(null=True, default=None)

    status_known = Check("status IN ('sent', 'reconciled')")


class Voucher(Table, tablename="voucher"):
    """The approval of a claim (审批凭证), numbered per scheme; paid through a payment batch."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    number = Varchar(length=20, null=False, unique=True)
    scheme = ForeignKey(SubsidyScheme, null=False, on_delete=OnDelete.restrict, index=True)
    claim = ForeignKey(SubsidyClaim, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    quantity = Numeric(digits=(12, 2), null=False)
    amount = Numeric(digits=(14, 2), null=False)
    explanation = JSONB(null=False)  # the calculation's lines at approval
    status = Varchar(length=12, null=False)  # issued, in_payment, paid, cancelled
    approved_by = Integer(null=True, default=None)
    approved_at = Timestamptz(null=False)
    payment_batch = ForeignKey(PaymentBatch, null=True, default=None, on_delete=OnDelete.restrict)
    paid_on = Date(null=True, default=None)
    bank_reference = Varchar(length=60, null=True, default=None)
    cancelled_by = Integer(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Text(null=True, default=None)

    status_known = Check("status IN ('issued', 'in_payment', 'paid', 'cancelled')")
    amount_positive = Check("amount > 0")
    paid_has_date = Check("(status = 'paid') = (paid_on IS NOT NULL)")


class PaymentLine(Table, tablename="payment_line"):
    """One voucher in one batch, with the bank's answer."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    id = BigSerial(primary_key=True)
    batch = ForeignKey(PaymentBatch, null=False, on_delete=OnDelete.restrict, index=True)
    voucher = ForeignKey(Voucher, null=False, on_delete=OnDelete.restrict, index=True)
    payee = Varchar(length=60, null=False)
    bank_card = Varchar(length=19, null=False)
    amount = Numeric(digits=(14, 2), null=False)
    result = Varchar(length=8, null=False)  # pending, paid, failed
    bank_reference = Varchar(length=60, null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)

    payment_line_unique_in_batch = Unique([batch, voucher])
    result_known = Check("result IN ('pending', 'paid', 'failed')")
