from __future__ import annotations

from decimal import Decimal

import msgspec


class IncomeLine(msgspec.Struct, kw_only=True):
    income_type: str
    amount: Decimal
    payouts: int


class HouseholdIncome(msgspec.Struct, kw_only=True):
    household_id: int
    year: int
    by_type: list[IncomeLine]
    total: Decimal
    members: int
    per_capita: Decimal
    poverty_line: Decimal | None
    ratio_to_line: Decimal | None
    """Per-capita income over the poverty line, to 4 places; null when the year has no line."""


class KindCount(msgspec.Struct, kw_only=True):
    kind: str
    households: int
    links: int


class VillageSummary(msgspec.Struct, kw_only=True):
    village_id: int
    village_name: str
    households: int
    paid: Decimal


class EnterpriseSummary(msgspec.Struct, kw_only=True):
    enterprise_id: int
    year: int
    households_by_kind: list[KindCount]
    households_linked: int
    payouts_by_type: list[IncomeLine]
    total_paid: Decimal
    per_village: list[VillageSummary]


class Arrear(msgspec.Struct, kw_only=True):
    link_id: int
    enterprise_id: int
    household_id: int
    registry_no: str
    share_capital: Decimal
    dividend_rate: Decimal
    days_in_force: int
    expected: Decimal
    paid: Decimal
    shortfall: Decimal
