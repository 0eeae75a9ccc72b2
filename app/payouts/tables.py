from piccolo.columns import (
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
from app.links.tables import Link
from app.registry.tables import Household


class PayoutBatch(Table, tablename="payout_batch"):
    """One batch or CSV upload of payouts, for tracing rows back to the request that brought them."""

    id = BigSerial(primary_key=True)
    enterprise = ForeignKey(Enterprise, null=True, default=None, on_delete=OnDelete.restrict)
    source = Varchar(length=10, null=False)  # json, csv
    rows_received = Integer(null=False)
    rows_written = Integer(null=False, default=0)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)


class Payout(Table, tablename="payout"):
    """A payment to a household under a link. Append-only: a mistake is cancelled by a reversal row."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    id = BigSerial(primary_key=True)
    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict)
    link = ForeignKey(Link, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict)
    income_type = Varchar(length=20, null=False)
    amount = Numeric(digits=(14, 2), null=False)  # negative only on a reversal
    period_from = Date(null=False)
    period_to = Date(null=False)
    paid_on = Date(null=False)
    method = Varchar(length=8, null=False)
    reference = Varchar(length=80, null=False)  # the operator's own, unique per enterprise
    body_hash = Varchar(length=64, null=False)  # tells a retry (same body) from a clash (other body)
    batch = ForeignKey(PayoutBatch, null=True, default=None, on_delete=OnDelete.restrict)
    reverses = BigInt(null=True, default=None)  # the payout this row cancels
    reason = Text(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    # a reference is unique per enterprise whatever its case: an index on (enterprise, lower(reference)),
    # made by a migration (Piccolo declares no expression index)
    reversed_once = Unique([reverses])
    income_type_known = Check("income_type IN ('dividend', 'wage', 'purchase', 'franchise_income', 'asset_income')")
    method_known = Check("method IN ('bank', 'cash')")
    period_ordered = Check("period_from <= period_to")
    sign_matches = Check(
        "(reverses IS NULL AND amount > 0) OR (reverses IS NOT NULL AND amount < 0 AND reason IS NOT NULL)"
    )


class PayoutDay(Table, tablename="payout_day"):
    """The ledger summed per day and income type, kept by a trigger in the transaction that writes the
    payouts (so it can never disagree with them); lets the city overview stay fast at any ledger size."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    paid_on = Date(null=False)
    income_type = Varchar(length=20, null=False)
    payouts = Integer(null=False)
    amount = Numeric(digits=(16, 2), null=False)

    payout_day_unique = Unique([county_code, paid_on, income_type])
