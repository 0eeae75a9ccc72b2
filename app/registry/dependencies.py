"""Query parameters this domain's lists and exports share, as Litestar dependencies (the edge, like the
controllers)."""

from __future__ import annotations

from litestar.params import FromQuery

from app.core.params import QueryId
from app.registry.model import Attribute, Cause, HouseholdStatus
from app.registry.schemas import (
    HouseholdFilter,
)


async def provide_household_filter(
    town_id: QueryId = None,
    village_id: QueryId = None,
    status: FromQuery[HouseholdStatus | None] = None,
    attribute: FromQuery[Attribute | None] = None,
    cause: FromQuery[Cause | None] = None,
    late_addition: FromQuery[bool | None] = None,
    flagged: FromQuery[bool | None] = None,
) -> HouseholdFilter:
    """The filters every household list and count takes; ``flagged``: has an open cross-check flag."""
    return HouseholdFilter(
        town_id=town_id,
        village_id=village_id,
        status=status,
        attribute=attribute,
        cause=cause,
        late_addition=late_addition,
        flagged=flagged,
    )
