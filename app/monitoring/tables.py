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

from app.regions.tables import Region
from app.registry.tables import Household


class ExitAssessment(Table, tablename="exit_assessment"):
    """一有两不愁四保障: the checklist and the income test of one year, as assessed."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    year = Integer(null=False)
    food = Boolean(null=False)
    clothing = Boolean(null=False)
    compulsory_education = Boolean(null=False)
    basic_medical_care = Boolean(null=False)
    safe_housing = Boolean(null=False)
    safe_drinking_water = Boolean(null=False)
    notes = JSONB(null=False)  # item -> note
    ledger_income = Numeric(digits=(14, 2), null=False)
    other_net_income = Numeric(digits=(14, 2), null=False)
    members = Integer(null=False)
    per_capita = Numeric(digits=(14, 2), null=False)
    poverty_line = Numeric(digits=(14, 2), null=False)
    passed = Boolean(null=False)
    reasons = JSONB(null=False)
    verification = Varchar(length=12, null=False)
    assessed_by = Integer(null=True, default=None)
    assessed_at = Timestamptz(null=False)

    verification_known = Check("verification IN ('full_survey', 'spot_check', 'third_party')")


class HardshipEvent(Table, tablename="hardship_event"):
    """Something that may push a household back into poverty: illness, disaster, accident."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=10, null=False)
    occurred_on = Date(null=False)
    note = Text(null=True, default=None)
    recorded_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    hardship_kind_known = Check("kind IN ('illness', 'disaster', 'accident', 'other')")


class Revisit(Table, tablename="revisit"):
    """A visit answering a monitoring entry (回访), and what came of it."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    trigger = Varchar(length=12, null=False)  # low_income, hardship, link_ended
    trigger_ref = Varchar(length=40, null=False)
    visited_on = Date(null=False)
    outcome = Varchar(length=14, null=False)
    note = Text(null=True, default=None)
    recorded_by = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    revisit_trigger_known = Check("trigger IN ('low_income', 'hardship', 'link_ended')")
    revisit_outcome_known = Check("outcome IN ('stable', 'support_added', 'returned')")


class MonitoringLine(Table, tablename="monitoring_line"):
    """防止返贫监测范围: the yearly per-capita income under which a household is monitored, set by a province
    for its counties, or by a county where the province delegates it (the county's own line then holds)."""

    region = ForeignKey(Region, null=False, on_delete=OnDelete.restrict, index=True)
    year = Integer(null=False)
    amount = Numeric(digits=(14, 2), null=False)
    created_at = Timestamptz(null=False)

    one_line_a_year = Unique([region, year])
    positive = Check("amount > 0")
