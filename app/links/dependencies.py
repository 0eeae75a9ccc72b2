"""Query parameters this domain's lists and exports share, as Litestar dependencies (the edge, like the
controllers)."""

from __future__ import annotations

from datetime import date

from litestar.params import FromQuery

from app.core.params import QueryId
from app.links.model import LinkKind
from app.links.schemas import LinkFilter


async def provide_link_filter(
    enterprise_id: QueryId = None,
    base_id: QueryId = None,
    household_id: QueryId = None,
    kind: FromQuery[LinkKind | None] = None,
    active_on: FromQuery[date | None] = None,
) -> LinkFilter:
    """Link filters; ``active_on`` keeps the links whose period covers that day."""
    return LinkFilter(
        enterprise_id=enterprise_id, base_id=base_id, household_id=household_id, kind=kind, active_on=active_on
    )
