from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.params import FromQuery

from app.core.validation import check_day_of_fact
from app.stats import service
from app.stats.schemas import Overview


class StatsController(Controller):
    path = "/stats"
    tags = ["reports"]

    @get("/overview", operation_id="getOverview")
    async def overview(self, as_of: FromQuery[date | None] = None) -> Overview:
        """The city's figures as of a day (default today): towns, poor villages, households and people on the
        register, exited, removed and added late, pairings, payouts by type, subsidies approved and paid."""
        return await service.overview(check_day_of_fact("as_of", as_of or date.today()))
