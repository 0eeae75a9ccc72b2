"""联农带农 in the console: the ranking of a county's operators by what reached the households they brought
along (county staff and auditors). Everything is the evaluation domain's (``app.evaluation.service``); the
page reads it a page at a time, and its workbook is the API's export for the same filters."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Stream, Template

from app.console.session import ConsoleUser
from app.console.web import render
from app.core.pagination import PageParams
from app.evaluation import service as evaluation
from app.evaluation.rules import WEIGHTS
from app.evaluation.schemas import LinkageRow
from app.exports.ledgers import linkage_sheets
from app.links.model import LinkKind
from app.sheets.download import XLSX, xlsx_ledger

PER_PAGE = 100
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
Year = Annotated[int | None, QueryParameter(description="calendar year")]


def _last_year() -> int:
    """The year the page opens on: the last whole one."""
    return date.today().year - 1


class LinkagePages(Controller):
    path = "/linkage"

    @get("/", opt={"action": "linkage.ranking"})
    async def ranking(
        self,
        user: NamedDependency[ConsoleUser],
        year: Year = None,
        industry: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
        page: Page = 1,
    ) -> Template:
        """The operators of the region ranked per county and industry, with the figures the score reads."""
        year = year or _last_year()
        found = await evaluation.linkage_evaluation(
            user.principal,
            year,
            PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE),
            region=region or None,
            industry=industry or None,
        )
        groups: list[tuple[tuple[str, str], list[LinkageRow]]] = []
        for row in found.items:
            key = (row.county_code, row.industry)
            if not groups or groups[-1][0] != key:
                groups.append((key, []))
            groups[-1][1].append(row)
        return await render(
            user,
            "linkage.html",
            found=found,
            groups=groups,
            year=year,
            chosen_industry=industry or "",
            chosen_region=region or "",
            page=page,
            per_page=PER_PAGE,
            kinds=[k.value for k in LinkKind],
            weights=WEIGHTS,
            this_year=date.today().year,
        )

    @get("/export.xlsx", opt={"action": "linkage.ranking"}, media_type=XLSX)
    async def workbook(
        self,
        user: NamedDependency[ConsoleUser],
        year: Year = None,
        industry: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> Stream:
        """The same as ``GET /api/v1/exports/linkage-evaluation.xlsx``, for a signed-in browser."""
        year = year or _last_year()
        covered, rows = await evaluation.evaluate(
            user.principal, year, region=region or None, industry=industry or None
        )
        return await xlsx_ledger(
            f"linkage-evaluation-{year}.xlsx", linkage_sheets(year, covered, industry or None, rows)
        )
