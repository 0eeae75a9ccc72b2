from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class AmountByType(msgspec.Struct, kw_only=True):
    income_type: str
    payouts: int
    amount: Decimal


class Figures(msgspec.Struct, kw_only=True):
    """The figure set of an overview: the same for the whole database, a region or one county."""

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


class CountyFigures(Figures, kw_only=True):
    """One county's own figures, in a region's overview."""

    code: str
    name: str


class Overview(Figures, kw_only=True, omit_defaults=True):
    """The figures as of a day: of the whole database, or (with ``region``) summed over the counties under a
    region code, each county's own figures side by side in ``counties``."""

    as_of: date
    region: str | None = None
    counties: list[CountyFigures] | None = None
