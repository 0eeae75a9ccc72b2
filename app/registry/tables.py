from piccolo.columns import (
    JSONB,
    Array,
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


class Town(Table, tablename="town"):
    """区镇处: a town, district or management area."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    name = Varchar(length=60, null=False, unique=True)
    # the national 9-digit town code, under its county's (app/regions/rules.py); null only for a town
    # created before the deployment adopted its county (`chainaid regions adopt`)
    code = Varchar(length=20, null=True, default=None, unique=True)
    county_id = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz(null=False)

    code_is_a_town_code = Check("code IS NULL OR code ~ '^[0-9]{9}$'")  # NOT VALID: older free codes
    placed_town_has_code = Check("county_id IS NULL OR code IS NOT NULL")


class Village(Table, tablename="village"):
    """村; a registered poor village (贫困村) when ``is_poor_village``."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    town = ForeignKey(Town, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60, null=False)
    is_poor_village = Boolean(null=False, default=False)
    registered_year = Integer(null=True, default=None)
    exited_year = Integer(null=True, default=None)
    rural_population = Integer(null=True, default=None)
    # the national 12-digit village code, its town's code + 3 digits; the town's county, carried here
    # (kept equal to the town's by a foreign key on (town, county_id))
    code = Varchar(length=12, null=True, default=None, unique=True)
    county_id = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz(null=False)

    code_is_a_village_code = Check("code IS NULL OR code ~ '^[0-9]{12}$'")
    placed_village_has_code = Check("county_id IS NULL OR code IS NOT NULL")
    unique_town_name = Unique([town, name])
    poor_village_has_year = Check("(NOT is_poor_village) OR registered_year IS NOT NULL")
    exit_after_registration = Check("exited_year IS NULL OR (is_poor_village AND exited_year >= registered_year)")


class Household(Table, tablename="household"):
    """建档立卡贫困户: a registered poor household, from application to exit or removal; or an ordinary
    household (status ``ordinary``), never registered, kept here for monitoring and off every register figure."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    registry_no = Varchar(length=40, null=False, unique=True)
    village = ForeignKey(Village, null=False, on_delete=OnDelete.restrict, index=True)
    attribute = Varchar(length=20, null=False)
    causes = Array(base_column=Varchar(length=30), null=False)
    address = Varchar(length=200, null=True, default=None)
    phone = Varchar(length=30, null=True, default=None)
    bank_name = Varchar(length=60, null=True, default=None)
    bank_card = Varchar(length=19, null=True, default=None)  # 一卡通 for subsidy payments
    status = Varchar(length=20, null=False, index=True)
    notice_started_at = Timestamptz(null=True, default=None)
    registered_on = Date(null=True, default=None)
    late_addition = Boolean(null=False, default=False)  # 补录: registered after the first round
    exited_year = Integer(null=True, default=None)
    removed_reason = Varchar(length=30, null=True, default=None)
    created_at = Timestamptz(null=False)

    status_known = Check(
        "status IN ('applied', 'surveyed', 'reviewed', 'notice', 'town_reviewed', 'registered', "
        "'exited', 'returned', 'removed', 'ordinary')"
    )
    attribute_known = Check("attribute IN ('ordinary', 'dibao', 'tekun')")
    has_cause = Check("cardinality(causes) >= 1")
    removed_has_reason = Check("(status = 'removed') = (removed_reason IS NOT NULL)")
    exited_has_year = Check("status <> 'exited' OR exited_year IS NOT NULL")


class Member(Table, tablename="member"):
    """家庭成员. Sex and birth date come from the ID number, never typed in."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60, null=False)
    id_number = Varchar(length=18, null=False, index=True)
    relation = Varchar(length=20, null=False)
    sex = Varchar(length=6, null=False)
    birth_date = Date(null=False)
    labour_ability = Varchar(length=20, null=False)
    health = Varchar(length=20, null=False)
    in_school = Boolean(null=False, default=False)
    # False once the household is removed: an ID number may then appear in another
    # household (the partial unique index in the migrations relies on it).
    in_active_household = Boolean(null=False, default=True)
    left_on = Date(null=True, default=None)  # died, moved away, married out: no longer counted from this day
    left_reason = Varchar(length=20, null=True, default=None)
    created_at = Timestamptz(null=False)

    member_left_has_reason = Check("(left_on IS NULL) = (left_reason IS NULL)")


class HouseholdEvent(Table, tablename="household_event"):
    """One step in a household's life: who took it, when, and why."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=30, null=False)  # transition, objection_raised, objection_resolved, member_added, ...
    from_status = Varchar(length=20, null=True, default=None)
    to_status = Varchar(length=20, null=True, default=None)
    actor_id = Integer(null=True, default=None)
    actor_label = Varchar(length=120, null=False)
    at = Timestamptz(null=False)
    note = Text(null=True, default=None)
    data = JSONB(null=True, default=None)


class Objection(Table, tablename="objection"):
    """An objection raised during the public notice (公示异议); blocks the next step until resolved."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    raised_by = Varchar(length=100, null=False)  # the villager or body that objected
    content = Text(null=False)
    raised_at = Timestamptz(null=False)
    recorded_by = Integer(null=True, default=None)  # account
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = Integer(null=True, default=None)
    resolution_note = Text(null=True, default=None)

    resolved_has_note = Check("(resolved_at IS NULL) = (resolution_note IS NULL)")


class PovertyLine(Table, tablename="poverty_line"):
    """The rural poverty line of a year, per person, in yuan: a province's own, or (no province) the
    national line, which holds where a province set none. Unique per (province, year), nulls not distinct."""

    province_id = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    amount = Numeric(digits=(14, 2), null=False)
    created_at = Timestamptz(null=False)

    amount_positive = Check("amount > 0")
