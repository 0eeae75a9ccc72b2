from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from app.core.validation import (
    Id,
    check_fraction,
    check_money,
    check_planned_day,
    check_quantity,
    check_span,
    clean_name,
    clean_optional,
)
from app.links.model import DividendPeriod, LinkKind, WageBasis


class BaseCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    enterprise_id: Id
    industry: str
    village_id: Id
    name: str
    area: Decimal
    """In the industry's unit (mu for the four seeded industries)."""

    def __post_init__(self) -> None:
        self.industry = self.industry.strip().lower()
        self.name = clean_name("name", self.name, 120)
        check_quantity("area", self.area)


class BaseOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: Id
    industry: str
    village_id: Id
    name: str
    area: Decimal
    created_at: datetime


class ShareTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="share", tag_field="kind"):
    share_capital: Decimal
    dividend_rate: Decimal
    """Guaranteed yearly dividend as a fraction of the capital: 0.08 is 8 %."""
    dividend_period: DividendPeriod = DividendPeriod.yearly

    def __post_init__(self) -> None:
        self.share_capital = check_money("share_capital", self.share_capital, positive=True)
        check_fraction("dividend_rate", self.dividend_rate)


class WageTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="wage", tag_field="kind"):
    wage_basis: WageBasis
    wage_rate: Decimal
    """Yuan per day or per month."""

    def __post_init__(self) -> None:
        self.wage_rate = check_money("wage_rate", self.wage_rate, positive=True)


class CooperationTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="cooperation", tag_field="kind"):
    contract_price: Decimal
    """Agreed purchase price per unit."""
    contract_unit: str
    contracted_quantity: Decimal

    def __post_init__(self) -> None:
        self.contract_price = check_money("contract_price", self.contract_price, positive=True)
        self.contract_unit = clean_name("contract_unit", self.contract_unit, 20)
        check_quantity("contracted_quantity", self.contracted_quantity)


class FranchiseTerms(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag="franchise", tag_field="kind"):
    franchise_terms: str
    franchise_fee: Decimal | None = None
    franchise_split: Decimal | None = None
    """The household's share of the revenue, as a fraction."""

    def __post_init__(self) -> None:
        self.franchise_terms = clean_name("franchise_terms", self.franchise_terms, 4000)
        self.franchise_fee = check_money("franchise_fee", self.franchise_fee)
        check_fraction("franchise_split", self.franchise_split)


LinkTerms = ShareTerms | WageTerms | CooperationTerms | FranchiseTerms


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
        self.note = clean_optional("note", self.note, 2000)

    @property
    def kind(self) -> LinkKind:
        return LinkKind(type(self.terms).__struct_config__.tag)


class LinkEnd(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    end_date: date
    note: str | None = None

    def __post_init__(self) -> None:
        check_planned_day("end_date", self.end_date)
        self.note = clean_optional("note", self.note, 2000)


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
