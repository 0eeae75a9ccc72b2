from piccolo.columns import ForeignKey, Integer, Numeric, OnDelete, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table


class Region(Table, tablename="region"):
    """行政区划: a province, city, county, town or village, by its national division code (rules.py)."""

    code = Varchar(length=12, null=False, unique=True)
    level = Varchar(length=10, null=False)
    name = Varchar(length=60, null=False)
    parent: ForeignKey = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz(null=False)

    level_known = Check("level IN ('province', 'city', 'county', 'town', 'village')")
    code_is_digits = Check("code ~ '^[0-9]+$'")
    code_fits_level = Check(
        "length(code) = CASE level WHEN 'province' THEN 2 WHEN 'city' THEN 4 WHEN 'county' THEN 6"
        " WHEN 'town' THEN 9 ELSE 12 END"
    )
    only_provinces_are_roots = Check("(level = 'province') = (parent IS NULL)")


class CountyPolicy(Table, tablename="county_policy"):
    """A county's own policy where it differs from the deployment's settings; a null is the setting."""

    county = ForeignKey(Region, null=False, unique=True, on_delete=OnDelete.restrict)
    continuation_years = Integer(null=True, default=None)  # CHAINAID_CONTINUATION_YEARS
    notice_days = Integer(null=True, default=None)  # CHAINAID_NOTICE_DAYS
    exit_incidence = Numeric(null=True, default=None)  # CHAINAID_EXIT_INCIDENCE
    min_linked_households = Integer(null=True, default=None)  # CHAINAID_MIN_LINKED_HOUSEHOLDS
    asset_idle_months = Integer(null=True, default=None)  # CHAINAID_ASSET_IDLE_MONTHS
    asset_distribution_days = Integer(null=True, default=None)  # CHAINAID_ASSET_DISTRIBUTION_DAYS
    asset_arrears_grace_days = Integer(null=True, default=None)  # CHAINAID_ASSET_ARREARS_GRACE_DAYS
    updated_at = Timestamptz(null=False)
