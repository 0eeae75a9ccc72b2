from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class AmountByType(msgspec.Struct, kw_only=True):
    income_type: str
    payouts: int
    amount: Decimal


class Overview(msgspec.Struct, kw_only=True):
    as_of: date
    towns: int
    poor_villages_registered: int
    poor_villages_exited: int
    households_registered: int
    """On the register (建档立卡): registered, returned, or exited and still followed."""
    people_registered: int
    people_exited: int
    people_removed: int
    people_added_after_first_round: int
    enterprises_paired: int
    poor_villages_paired: int
    payouts_by_type: list[AmountByType]
    payouts_total: Decimal
    subsidies_approved: Decimal
    subsidies_approved_count: int
    subsidies_paid: Decimal
    subsidies_paid_count: int
