from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from app.core.pagination import PageParams
from app.core.params import provide_page_params
from app.evaluation import service
from app.evaluation.schemas import LinkageEvaluation

# bounded in the service (check_year: from CHAINAID_EARLIEST_DAY's year to this year, a 400 naming ``year``)
Year = Annotated[int, QueryParameter(description="calendar year, from the earliest day's year to this year")]


class LinkageEvaluationController(Controller):
    path = "/linkage-evaluation"
    tags = ["reports"]
    dependencies = {"page": Provide(provide_page_params)}

    @get("/", operation_id="listLinkageEvaluation")
    async def evaluation(
        self,
        request: Request,
        year: Year,
        page: NamedDependency[PageParams],
        region: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
    ) -> LinkageEvaluation:
        """联农带农: each operator's year in each county and industry (households linked, by kind; registered
        and monitored households among them; income delivered, total, mean and median per household; asset
        income; households linked the year before too), scored and ranked among the operators of the county
        and industry by the ``formula`` the answer states, and flagged when it linked fewer households than
        its county's ``min_linked_households``. ``region`` (a province's, city's or county's code) and
        ``industry`` (its code) narrow it; an account of a region sees its region's, and no region outside it
        (403); an operator sees its own rows. By county, industry and rank."""
        return await service.linkage_evaluation(request.user, year, page, region=region, industry=industry)
