"""Query parameters the asset and flag lists take, as Litestar dependencies (the edge, like the controllers)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar.params import FromQuery, QueryParameter

from app.assets.model import AssetClass, AssetKind, AssetStatus, FlagKind
from app.assets.schemas import AssetFilter, FlagFilter
from app.core.params import QueryId


async def provide_asset_filter(
    region: Annotated[
        str | None,
        QueryParameter(
            pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$",
            description="a division code: a province, city or county (2, 4, 6 digits), a town (9), a village (12)",
        ),
    ] = None,
    town_id: QueryId = None,
    village_id: QueryId = None,
    asset_class: FromQuery[AssetClass | None] = None,
    kind: FromQuery[AssetKind | None] = None,
    industry: Annotated[
        str | None, QueryParameter(pattern=r"^[a-z][a-z0-9_]{1,39}$", description="an industry's code")
    ] = None,
    status: FromQuery[AssetStatus | None] = None,
    operator_id: QueryId = None,
) -> AssetFilter:
    """Asset filters; ``operator_id``: assets an agreement of which names that enterprise as the operator."""
    return AssetFilter(
        region=region,
        town_id=town_id,
        village_id=village_id,
        asset_class=asset_class,
        kind=kind,
        industry=industry,
        status=status,
        operator_id=operator_id,
    )


async def provide_flag_filter(
    as_of: Annotated[date | None, QueryParameter(description="the day the flags are of (today when left out)")] = None,
    region: Annotated[
        str | None,
        QueryParameter(
            pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$",
            description="a division code: a province, city or county (2, 4, 6 digits), a town (9), a village (12)",
        ),
    ] = None,
    kind: FromQuery[FlagKind | None] = None,
) -> FlagFilter:
    return FlagFilter(as_of=as_of, region=region, kind=kind)
