from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.validation import (
    DecimalIn,
    Id,
    check_ceiling,
    check_fraction,
    check_money,
    check_planned_day,
    check_quantity,
    check_span,
    clean_name,
    clean_note,
)
from app.links.model import DividendPeriod, LinkKind, WageBasis


class BaseCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    enterprise_id: Id
    industry: str
    village_id: Id
    name: str
    area: DecimalIn
    """In the industry's unit (mu for the four seeded industries)."""

    def __post_init__(self) -> None:
        self.industry = self.industry.strip().lower()
        self.name = clean_name("name", self.name, 120)
        self.area = check_quantity("area", self.area, ceiling="quantity")


class BaseOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: Id
    industry: str
    village_id: Id
    name: str
    area: Decimal
    created_at: datetime


class ShareTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="share", tag_field="kind"):
    share_capital: DecimalIn
    dividend_rate: DecimalIn
    """Guaranteed yearly dividend as a fraction of the capital: 0.08 is 8 %."""
    dividend_period: DividendPeriod = DividendPeriod.yearly

    def __post_init__(self) -> None:
        self.share_capital = check_money("share_capital", self.share_capital, positive=True, ceiling=None)
        self.dividend_rate = check_fraction("dividend_rate", self.dividend_rate)


class WageTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="wage", tag_field="kind"):
    wage_basis: WageBasis
    wage_rate: DecimalIn
    """Yuan per day or per month."""

    def __post_init__(self) -> None:
        self.wage_rate = check_money("wage_rate", self.wage_rate, positive=True, ceiling=None)


class CooperationTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="cooperation", tag_field="kind"):
    contract_price: DecimalIn
    """Agreed purchase price per unit."""
    contract_unit: str
    contracted_quantity: DecimalIn

    def __post_init__(self) -> None:
        self.contract_price = check_money("contract_price", self.contract_price, positive=True, ceiling=None)
        self.contract_unit = clean_name("contract_unit", self.contract_unit, 20)
        self.contracted_quantity = check_quantity("contracted_quantity", self.contracted_quantity, ceiling=None)


class FranchiseTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="franchise", tag_field="kind"):
    franchise_terms: str
    franchise_fee: DecimalIn | None = None
    franchise_split: DecimalIn | None = None
    """The household's share of the revenue, as a fraction."""

    def __post_init__(self) -> None:
        self.franchise_terms = clean_name("franchise_terms", self.franchise_terms, 4000, multiline=True)
        self.franchise_fee = check_money("franchise_fee", self.franchise_fee, ceiling=None)
        self.franchise_split = check_fraction("franchise_split", self.franchise_split)


class AssetTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="asset", tag_field="kind"):
    """A share of a poverty-relief asset's income (资产收益): the terms are the asset's operating agreement
    (app/assets). Only the distribution of the asset's income makes such a link; an operator never does."""


LinkTerms = ShareTerms | WageTerms | CooperationTerms | FranchiseTerms | AssetTerms


def check_terms_ceilings(terms: LinkTerms) -> None:
    """A new link's terms within their ceilings: checked when a link is made, not in the terms' own
    Structs, which also read stored links back (a lowered ceiling must not make an old link unreadable)."""
    prefix = "terms."
    if isinstance(terms, ShareTerms):
        check_ceiling(prefix + "share_capital", terms.share_capital, "terms")
    elif isinstance(terms, WageTerms):
        check_ceiling(prefix + "wage_rate", terms.wage_rate, "terms")
    elif isinstance(terms, CooperationTerms):
        check_ceiling(prefix + "contract_price", terms.contract_price, "terms")
        check_ceiling(prefix + "contracted_quantity", terms.contracted_quantity, "quantity")
    elif isinstance(terms, FranchiseTerms) and terms.franchise_fee is not None:
        check_ceiling(prefix + "franchise_fee", terms.franchise_fee, "terms")


class LinkCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    enterprise_id: Id
    base_id: Id
    household_id: Id
    start_date: date
    terms: LinkTerms
    """The terms of the link's kind; ``terms.kind`` names the kind."""
    end_date: date | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        check_planned_day("start_date", self.start_date)
        check_planned_day("end_date", self.end_date)
        check_span("start_date", self.start_date, "end_date", self.end_date)
        self.note = clean_note("note", self.note, 2000)
        if isinstance(self.terms, AssetTerms):
            raise Invalid(
                "terms.kind", message(N_("an asset link is made only by the distribution of its asset's income"))
            )
        check_terms_ceilings(self.terms)

    @property
    def kind(self) -> LinkKind:
        return LinkKind(type(self.terms).__struct_config__.tag)


class LinkEnd(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    end_date: date
    note: str | None = None

    def __post_init__(self) -> None:
        check_planned_day("end_date", self.end_date)
        self.note = clean_note("note", self.note, 2000)


class LinkOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: Id
    enterprise_name: str
    base_id: Id
    base_name: str
    industry: str
    village_id: Id
    household_id: Id
    registry_no: str
    kind: LinkKind
    start_date: date
    end_date: date | None
    terms: LinkTerms
    note: str | None
    created_at: datetime


class LinkFilter(msgspec.Struct, kw_only=True, frozen=True):
    enterprise_id: Id | None = None
    base_id: Id | None = None
    household_id: Id | None = None
    kind: LinkKind | None = None
    active_on: date | None = None

    def __post_init__(self) -> None:
        check_planned_day("active_on", self.active_on)
