from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table

from app.enterprises.tables import Enterprise
from app.regions.tables import Region
from app.registry.tables import Town


class Account(Table, tablename="account"):
    """Someone who calls the API. Only a SHA-256 of the bearer token is kept."""

    name = Varchar(length=100, null=False)
    role = Varchar(length=20, null=False)
    enterprise = ForeignKey(Enterprise, null=True, default=None, on_delete=OnDelete.restrict)
    town = ForeignKey(Town, null=True, default=None, on_delete=OnDelete.restrict)
    # the region (province, city or county) an admin, finance or auditor account reaches; none: everything
    region_id = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    token_hash = Varchar(length=64, null=False, unique=True)
    token_prefix = Varchar(length=12, null=False)  # lets people tell their tokens apart
    created_at = Timestamptz(null=False)
    revoked_at = Timestamptz(null=True, default=None)

    role_known = Check("role IN ('admin', 'finance', 'town_officer', 'operator', 'auditor')")
    # An operator acts for exactly one enterprise, a town officer for exactly one town.
    region_for_role = Check("region_id IS NULL OR role IN ('admin', 'finance', 'auditor')")
    scope_matches_role = Check(
        "(enterprise IS NOT NULL) = (role = 'operator') AND (town IS NOT NULL) = (role = 'town_officer')"
    )
