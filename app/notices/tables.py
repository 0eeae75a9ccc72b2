from piccolo.columns import (
    JSONB,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.constraints import Check
from piccolo.table import Table

from app.registry.tables import Household, Village


class Notice(Table, tablename="notice"):
    """A public notice (公示) of one kind, posted in one village from ``starts_on`` to ``ends_on`` (both days
    included)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    number = Varchar(length=24, null=False, unique=True)  # printed, and under its barcode, for objections
    kind = Varchar(length=20, null=False)
    village = ForeignKey(Village, null=False, on_delete=OnDelete.restrict, index=True)
    # the subsidy scheme of a subsidy_claims notice; its foreign key is made by the migration, since the
    # subsidies app builds on this one and not the other way round
    scheme = Integer(null=True, default=None)
    starts_on = Date(null=False)
    ends_on = Date(null=False)
    objection_place = Varchar(length=200, null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    notice_kind_known = Check("kind IN ('identification', 'monitoring_intake', 'risk_elimination', 'subsidy_claims')")
    notice_dates_ordered = Check("ends_on >= starts_on")
    notice_scheme_of_claims = Check("(kind = 'subsidy_claims') = (scheme IS NOT NULL)")


class NoticeEntry(Table, tablename="notice_entry"):
    """One household on a notice, with the facts its kind publishes (never papers, phones, cards or health)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    notice = ForeignKey(Notice, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60, null=False)  # the head's name as posted; masked when printed
    # a subsidy claim on a subsidy_claims notice (one notice per claim: a unique index, and its foreign key,
    # made by the migration)
    claim = Integer(null=True, default=None)
    facts = JSONB(null=False)


class NoticeObjection(Table, tablename="notice_objection"):
    """An objection raised to a notice while it stood, and how it was resolved."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    notice = ForeignKey(Notice, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=True, default=None, on_delete=OnDelete.restrict)
    raised_by = Varchar(length=60, null=False)
    content = Text(null=False)
    raised_on = Date(null=False)
    resolved_on = Date(null=True, default=None)
    resolution = Text(null=True, default=None)
    resolved_by = Integer(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    notice_objection_resolved_with_note = Check("(resolved_on IS NULL) = (resolution IS NULL)")
