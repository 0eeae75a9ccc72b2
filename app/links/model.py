"""The links domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class LinkKind(str, enum.Enum):
    share = "share"  # 入股
    wage = "wage"  # 务工
    cooperation = "cooperation"  # 合作 / 订单
    franchise = "franchise"  # 加盟
    asset = "asset"  # 资产收益: made by an asset income's distribution (app/assets), never by an operator


OPERATOR_KINDS = (LinkKind.share, LinkKind.wage, LinkKind.cooperation, LinkKind.franchise)
"""The kinds an operator links a household by (the API's createLink, the import); an ``asset`` link is made
only by the distribution of an asset's income to the households its agreement lists."""


class DividendPeriod(str, enum.Enum):
    yearly = "yearly"
    half_yearly = "half_yearly"
    quarterly = "quarterly"


class WageBasis(str, enum.Enum):
    day = "day"
    month = "month"
