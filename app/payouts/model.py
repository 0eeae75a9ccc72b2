"""The payouts domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class IncomeType(str, enum.Enum):
    dividend = "dividend"
    wage = "wage"
    purchase = "purchase"
    franchise_income = "franchise_income"
    asset_income = "asset_income"  # 资产收益: a share of a poverty-relief asset's income (app/assets)


class PayMethod(str, enum.Enum):
    bank = "bank"
    cash = "cash"
