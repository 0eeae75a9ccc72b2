"""Query parameters this domain's lists and exports share, as Litestar dependencies (the edge, like the
controllers)."""

from __future__ import annotations

from litestar.params import FromQuery

from app.core.params import QueryId
from app.subsidies.model import ClaimStatus
from app.subsidies.schemas import (
    ClaimFilter,
)


async def provide_claim_filter(
    scheme_id: QueryId = None,
    status: FromQuery[ClaimStatus | None] = None,
    town_id: QueryId = None,
    industry: FromQuery[str | None] = None,
    household_id: QueryId = None,
) -> ClaimFilter:
    """Claim filters, shared by the claim list and its export."""
    return ClaimFilter(
        scheme_id=scheme_id, status=status, town_id=town_id, industry=industry, household_id=household_id
    )
