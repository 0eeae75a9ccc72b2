from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.params import FromQuery

from app.core.validation import check_day_of_fact
from app.stats import service
from app.stats.schemas import Overview


class StatsController(Controller):
    path = "/stats"
    tags = ["reports"]

    @get("/overview", operation_id="getOverview")
    async def overview(
        self, request: Request, as_of: FromQuery[date | None] = None, region: FromQuery[str | None] = None
    ) -> Overview:
        """The figures as of a day (default today): towns, poor villages, households and people on the
        register, exited, removed and added late, pairings, payouts by type, subsidies approved and paid.
        With ``region`` (a province's, a city's or a county's code: 42, 4290, 429005) they are summed over the
        counties under it, and each county's own figures follow side by side in ``counties``. An account of a
        region sees its region's by default, and no region outside it (403)."""
        day = check_day_of_fact("as_of", as_of or date.today())
        return await service.overview_for(request.user, day, region)
