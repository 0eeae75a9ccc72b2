from piccolo.columns import (
    JSONB,
    Boolean,
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

from app.registry.tables import Household, Member


class CrossCheckRule(Table, tablename="cross_check_rule"):
    """Which department item makes a household ineligible (比对规则)."""

    department = Varchar(length=40, null=False)
    item = Varchar(length=60, null=False)
    description = Varchar(length=200, null=False)
    min_value = Numeric(digits=(14, 2), null=True, default=None)  # numeric value must exceed it
    active = Boolean(null=False, default=True)
    created_at = Timestamptz(null=False)

    unique_item = Unique([department, item])


class DepartmentRecord(Table, tablename="department_record"):
    """A fact another department holds about a person, as imported."""

    department = Varchar(length=40, null=False)
    item = Varchar(length=60, null=False)
    id_number = Varchar(length=18, null=False, index=True)
    value = Varchar(length=200, null=True, default=None)
    as_of = Date(null=False)
    imported_at = Timestamptz(null=False)
    imported_by = Integer(null=True, default=None)

    # the same fact imported twice is one record
    unique_fact = Unique([department, item, id_number, as_of])


class CrossCheckFlag(Table, tablename="cross_check_flag"):
    """A household member matched by a rule; open until a town officer confirms or dismisses it."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    member = ForeignKey(Member, null=False, on_delete=OnDelete.restrict)
    rule = ForeignKey(CrossCheckRule, null=False, on_delete=OnDelete.restrict)
    record = ForeignKey(DepartmentRecord, null=False, on_delete=OnDelete.restrict)
    evidence = JSONB(null=False)
    status = Varchar(length=12, null=False)
    created_at = Timestamptz(null=False)
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = Integer(null=True, default=None)
    note = Text(null=True, default=None)

    unique_match = Unique([member, record, rule])
    status_known = Check("status IN ('open', 'confirmed', 'dismissed')")
    resolved_when_closed = Check("(status = 'open') = (resolved_at IS NULL)")
