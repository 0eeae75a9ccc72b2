from piccolo.columns import (
    Date,
    ForeignKey,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from app.enterprises.tables import Enterprise
from app.industries.tables import Industry
from app.registry.tables import Household, Village


class Base(Table, tablename="base"):
    """基地: a production base of an enterprise, in one village, for one industry."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    industry = ForeignKey(Industry, null=False, on_delete=OnDelete.restrict)
    village = ForeignKey(Village, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=120, null=False)
    area = Numeric(digits=(12, 2), null=False)  # in the industry's unit (mu)
    created_at = Timestamptz(null=False)

    unique_name = Unique([enterprise, name])
    area_positive = Check("area > 0")


class Link(Table, tablename="link"):
    """利益联结: enterprise + base + household, of one kind, with the terms of that kind."""

    county_code = Varchar(length=6, null=False, index=True)  # filled from the parent: app/core/counties.py

    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    base = ForeignKey(Base, null=False, on_delete=OnDelete.restrict, index=True)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=12, null=False)
    start_date = Date(null=False)
    end_date = Date(null=True, default=None)
    # share (入股)
    share_capital = Numeric(digits=(14, 2), null=True, default=None)
    dividend_rate = Numeric(digits=(7, 4), null=True, default=None)  # guaranteed yearly rate, 0.08 = 8 %
    dividend_period = Varchar(length=12, null=True, default=None)
    # wage (务工)
    wage_basis = Varchar(length=8, null=True, default=None)
    wage_rate = Numeric(digits=(14, 2), null=True, default=None)
    # cooperation (合作 / order farming)
    contract_price = Numeric(digits=(14, 2), null=True, default=None)
    contract_unit = Varchar(length=20, null=True, default=None)
    contracted_quantity = Numeric(digits=(14, 2), null=True, default=None)
    # franchise (加盟)
    franchise_terms = Text(null=True, default=None)
    franchise_fee = Numeric(digits=(14, 2), null=True, default=None)
    franchise_split = Numeric(digits=(5, 4), null=True, default=None)  # household's share of revenue
    note = Text(null=True, default=None)
    created_at = Timestamptz(null=False)

    kind_known = Check("kind IN ('share', 'wage', 'cooperation', 'franchise', 'asset')")
    dates_ordered = Check("end_date IS NULL OR end_date >= start_date")
    share_terms = Check("kind <> 'share' OR (share_capital > 0 AND dividend_rate >= 0 AND dividend_period IS NOT NULL)")
    wage_terms = Check("kind <> 'wage' OR (wage_basis IN ('day', 'month') AND wage_rate > 0)")
    cooperation_terms = Check("kind <> 'cooperation' OR (contract_price > 0 AND contracted_quantity > 0)")
    franchise_terms_given = Check("kind <> 'franchise' OR franchise_terms IS NOT NULL")
