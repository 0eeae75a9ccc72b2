from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from app.core.pagination import Page, PageParams
from app.core.params import PathId, QueryId, provide_page_params
from app.core.validation import check_year
from app.payouts import reports
from app.payouts.report_schemas import (
    Arrear,
    EnterpriseSummary,
    HouseholdIncome,
)

# bounded in the handler (check_year: from CHAINAID_EARLIEST_DAY's year to this year, a 400 naming ``year``)
Year = Annotated[int, QueryParameter(description="calendar year, from the earliest day's year to this year")]


class HouseholdIncomeController(Controller):
    path = "/households"
    tags = ["reports"]

    @get("/{household_id:int}/income", operation_id="getHouseholdIncome")
    async def income(self, request: Request, household_id: PathId, year: Year) -> HouseholdIncome:
        """A household's income of a year from the ledger, by type, per capita and against the poverty line."""
        check_year("year", year)
        return await reports.household_income(request.user, household_id, year)


class EnterpriseSummaryController(Controller):
    path = "/enterprises"
    tags = ["reports"]

    @get("/{enterprise_id:int}/summary", operation_id="getEnterpriseSummary")
    async def summary(self, request: Request, enterprise_id: PathId, year: Year) -> EnterpriseSummary:
        """An enterprise's year: households linked by kind, payouts by type, and both per village."""
        check_year("year", year)
        return await reports.enterprise_summary(request.user, enterprise_id, year)


class ArrearsController(Controller):
    path = "/links/arrears"
    tags = ["reports"]
    dependencies = {"page": Provide(provide_page_params)}

    @get("/", operation_id="listDividendArrears")
    async def arrears(
        self,
        request: Request,
        year: Year,
        page: NamedDependency[PageParams],
        enterprise_id: QueryId = None,
    ) -> Page[Arrear]:
        """Share links whose guaranteed dividend (capital × rate, pro-rated by days in force) was not fully
        paid in the year, with the shortfall."""
        check_year("year", year)
        return await reports.dividend_arrears(request.user, year, page, enterprise_id)
