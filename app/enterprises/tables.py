from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.industries.tables import Industry
from app.registry.tables import Town


class Enterprise(Table, tablename="enterprise"):
    """企业 / 合作社 / 家庭农场, identified by its unified social credit code."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    name = Varchar(length=120, null=False)
    kind = Varchar(length=20, null=False)
    credit_code = Varchar(length=18, null=False, unique=True)
    town = ForeignKey(Town, null=False, on_delete=OnDelete.restrict, index=True)
    contact_name = Varchar(length=60, null=True, default=None)
    contact_phone = Varchar(length=30, null=True, default=None)
    created_at = Timestamptz(null=False)

    kind_known = Check("kind IN ('enterprise', 'cooperative', 'family_farm')")


class EnterpriseIndustry(Table, tablename="enterprise_industry"):
    """The industries an enterprise works in; its bases must be in one of them."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    industry = ForeignKey(Industry, null=False, on_delete=OnDelete.restrict)

    unique_pair = Unique([enterprise, industry])
