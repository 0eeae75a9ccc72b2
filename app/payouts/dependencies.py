"""Query parameters this domain's lists and exports share, as Litestar dependencies (the edge, like the
controllers)."""

from __future__ import annotations

from datetime import date

from litestar.params import FromQuery

from app.core.params import QueryId
from app.payouts.model import IncomeType
from app.payouts.schemas import PayoutFilter


async def provide_payout_filter(
    enterprise_id: QueryId = None,
    link_id: QueryId = None,
    household_id: QueryId = None,
    income_type: FromQuery[IncomeType | None] = None,
    paid_from: FromQuery[date | None] = None,
    paid_to: FromQuery[date | None] = None,
) -> PayoutFilter:
    """Payout filters; ``paid_from`` and ``paid_to`` bound ``paid_on`` (both inclusive)."""
    return PayoutFilter(
        enterprise_id=enterprise_id,
        link_id=link_id,
        household_id=household_id,
        income_type=income_type,
        paid_from=paid_from,
        paid_to=paid_to,
    )
