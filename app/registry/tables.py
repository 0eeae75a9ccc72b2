from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.constraints import Check, Unique
from piccolo.table import Table


class Town(Table, tablename="town"):
    """区镇处: a town, district or management area."""

    name = Varchar(length=60, null=False, unique=True)
    code = Varchar(length=20, null=True, default=None, unique=True)
    created_at = Timestamptz(null=False)


class Village(Table, tablename="village"):
    """村; a registered poor village (贫困村) when ``is_poor_village``."""

    town = ForeignKey(Town, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60, null=False)
    is_poor_village = Boolean(null=False, default=False)
    registered_year = Integer(null=True, default=None)
    exited_year = Integer(null=True, default=None)
    rural_population = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)

    unique_town_name = Unique([town, name])
    poor_village_has_year = Check(
        "(NOT is_poor_village) OR registered_year IS NOT NULL", name="village_poor_has_registered_year"
    )
    exit_after_registration = Check(
        "exited_year IS NULL OR (is_poor_village AND exited_year >= registered_year)",
        name="village_exit_after_registration",
    )
