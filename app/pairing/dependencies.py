"""Query parameters this domain's lists and exports share, as Litestar dependencies (the edge, like the
controllers)."""

from __future__ import annotations

from litestar.params import FromQuery

from app.core.params import QueryId
from app.pairing.model import SupportKind
from app.pairing.schemas import (
    SupportFilter,
)


async def provide_support_filter(
    enterprise_id: QueryId = None,
    village_id: QueryId = None,
    kind: FromQuery[SupportKind | None] = None,
    year: FromQuery[int | None] = None,
) -> SupportFilter:
    """Support-record filters, shared by the list and its export."""
    return SupportFilter(enterprise_id=enterprise_id, village_id=village_id, kind=kind, year=year)
