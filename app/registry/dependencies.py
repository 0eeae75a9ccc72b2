"""Query parameters this domain's lists and exports share, as Litestar dependencies (the edge, like the
controllers)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import FromQuery, QueryParameter

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
    region: Annotated[
        str | None,
        QueryParameter(
            pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$",
            description="a division code: a province, city or county (2, 4, 6 digits), a town (9), a village (12)",
        ),
    ] = None,
) -> HouseholdFilter:
    """The filters every household list and count takes; ``flagged``: has an open cross-check flag;
    ``region``: under a division code; ``status``: left out, every status but ``ordinary`` (households on no
    register, listed only when asked for by that status)."""
    return HouseholdFilter(
        town_id=town_id,
        village_id=village_id,
        status=status,
        attribute=attribute,
        cause=cause,
        late_addition=late_addition,
        flagged=flagged,
        region=region,
    )
