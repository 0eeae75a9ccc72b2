from piccolo.columns import (
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
from piccolo.constraints import Check
from piccolo.table import Table

from app.enterprises.tables import Enterprise
from app.registry.tables import Village


class Pairing(Table, tablename="pairing"):
    """An enterprise helping a village, from ``start_date`` to ``end_date`` (open when null)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    village = ForeignKey(Village, null=False, on_delete=OnDelete.restrict, index=True)
    start_date = Date(null=False)
    end_date = Date(null=True, default=None)
    created_at = Timestamptz(null=False)

    pairing_dates_ordered = Check("end_date IS NULL OR end_date >= start_date")


class SupportRecord(Table, tablename="support_record"):
    """Support an enterprise gave a paired village. Append-only, retry-safe by ``reference``."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    id = BigSerial(primary_key=True)
    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    village = ForeignKey(Village, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=12, null=False)
    amount = Numeric(digits=(14, 2), null=True, default=None)
    in_kind = Text(null=True, default=None)
    households_benefited = Integer(null=False, default=0)
    people_benefited = Integer(null=False, default=0)
    given_on = Date(null=False)
    note = Text(null=True, default=None)
    reference = Varchar(length=80, null=False)
    body_hash = Varchar(length=64, null=False)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    # a reference is unique per enterprise whatever its case: an index on (enterprise, lower(reference)),
    # made by a migration (Piccolo declares no expression index)
    support_kind_known = Check("kind IN ('industry', 'employment', 'training', 'donation', 'consumption', 'other')")
    support_has_substance = Check("amount > 0 OR in_kind IS NOT NULL")
    support_counts = Check("households_benefited >= 0 AND people_benefited >= households_benefited")
