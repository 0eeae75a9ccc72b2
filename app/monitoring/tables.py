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


class MonitoringCase(Table, tablename="monitoring_case"):
    """A household taken in (or on its way in) as a monitored household: how it was found, its category, the
    figures it qualified on, and its identification steps with their days (``app.monitoring.case_rules``)."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    channel = Varchar(length=20, null=False)  # self_report, visit, department, watch
    category = Varchar(length=20, null=False)  # unstable, marginal, sudden_hardship
    year = Integer(null=False)  # the year whose income and line it qualified on
    line = Numeric(digits=(14, 2), null=False)  # the monitoring line then
    income = Numeric(digits=(14, 2), null=False)  # per capita
    rigid_spending = Numeric(digits=(14, 2), null=False)  # per capita
    previous_income = Numeric(digits=(14, 2), null=True, default=None)
    consent = Varchar(length=200, null=False)  # the signed consent form (承诺授权): its reference
    applied_on = Date(null=False)
    step = Varchar(length=20, null=False)  # the last step done (applied ... announced)
    steps = JSONB(null=False)  # each step done: {"on": day, "by": [names], "note": text}
    # the last step's day and the approval day, read off ``steps`` by a trigger (monitoring_case_step_days) so
    # the lists and the overview compare days without reading the jsonb (bench/monitoring.py)
    step_on = Date(null=True, default=None)
    approved_on = Date(null=True, default=None)
    # a case of a household whose risk was eliminated before (it came back into monitoring): set on insert by
    # the same trigger; a household's new case is applied for on or after its last elimination day
    # (cases.open_case), so it holds on every day the case is open
    returned = Boolean(null=False, default=False)
    state = Varchar(length=20, null=False)  # identifying, monitored, eliminating, eliminated
    elimination = JSONB(null=True, default=None)  # the risk-elimination facts and its steps, once begun
    eliminated_on = Date(null=True, default=None)
    created_at = Timestamptz(null=False)

    channel_known = Check("channel IN ('self_report', 'visit', 'department', 'watch')")
    category_known = Check("category IN ('unstable', 'marginal', 'sudden_hardship')")
    state_known = Check("state IN ('identifying', 'monitored', 'eliminating', 'eliminated')")
    eliminated_has_day = Check("(state = 'eliminated') = (eliminated_on IS NOT NULL)")


class MonitoringMeasure(Table, tablename="monitoring_measure"):
    """An assistance measure (帮扶措施) for a monitored household: its kind, from when, the officer responsible,
    and the amount where there is one."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    monitoring_case = ForeignKey(MonitoringCase, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=30, null=False)
    start_on = Date(null=False)
    end_on = Date(null=True, default=None)
    officer = Varchar(length=60, null=False)
    amount = Numeric(digits=(14, 2), null=True, default=None)
    note = Text(null=True, default=None)
    recorded_by = Integer(null=True, default=None)  # account
    created_at = Timestamptz(null=False)

    kind_known = Check(
        "kind IN ('industry', 'employment', 'training', 'microcredit', 'dibao', 'tekun', 'temporary_assistance',"
        " 'medical_assistance', 'education', 'housing', 'drinking_water', 'other')"
    )
    ends_after_start = Check("end_on IS NULL OR end_on >= start_on")


class MonitoringRound(Table, tablename="monitoring_round"):
    """A round of monitoring in a county (monthly, or as the province sets): who was visited in it is its
    visits."""

    county = ForeignKey(Region, null=False, on_delete=OnDelete.restrict, index=True)
    period = Varchar(length=7, null=False)  # YYYY-MM
    started_on = Date(null=False)
    ended_on = Date(null=True, default=None)
    created_at = Timestamptz(null=False)

    one_round_a_period = Unique([county, period])
    period_shape = Check("period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'")
    ends_after_start = Check("ended_on IS NULL OR ended_on >= started_on")


class MonitoringVisit(Table, tablename="monitoring_visit"):
    """A monitored household visited in a round: when, by whom, its income then where it was asked, and what
    changed."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    monitoring_round = ForeignKey(MonitoringRound, null=False, on_delete=OnDelete.restrict, index=True)
    monitoring_case = ForeignKey(MonitoringCase, null=False, on_delete=OnDelete.restrict, index=True)
    visited_on = Date(null=False)
    visited_by = JSONB(null=False)
    income = Numeric(digits=(14, 2), null=True, default=None)
    note = Text(null=True, default=None)
    created_at = Timestamptz(null=False)

    one_visit_a_round = Unique([monitoring_round, monitoring_case])
