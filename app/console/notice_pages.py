"""Public notices (公示) in the console: the notices of a town officer's town (the county staff's region), where
each stands and the objections raised to it, and each one's A4 page to print and post in the village.
Everything is the notices domain's (``app.notices``); these pages only read it."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from app.console.session import ConsoleUser
from app.console.web import render
from app.core.pagination import PageParams
from app.core.params import PathId
from app.notices import printing
from app.notices import service as notices
from app.notices.model import NoticeKind, Standing
from app.notices.schemas import NoticeFilter

Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PER_PAGE = 50


def _standing(value: str | None) -> Standing | None:
    try:
        return Standing(value) if value else None
    except ValueError:
        return None


def _kind(value: str | None) -> NoticeKind | None:
    try:
        return NoticeKind(value) if value else None
    except ValueError:
        return None


class NoticePages(Controller):
    path = "/notices"

    @get("/", opt={"action": "notices.read"})
    async def notice_list(
        self,
        user: NamedDependency[ConsoleUser],
        standing: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        page: Page = 1,
    ) -> Template:
        """公示: the town's notices (the region's for the county's staff), newest first, by where they stand and
        their kind, each with its households, its objections (open of all) and its page to print."""
        chosen_standing, chosen_kind = _standing(standing), _kind(kind)
        found = await notices.list_notices(
            user.principal,
            PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE),
            NoticeFilter(kind=chosen_kind, standing=chosen_standing),
        )
        return await render(
            user,
            "notices.html",
            notices=found,
            page=page,
            per_page=PER_PAGE,
            standing=chosen_standing.value if chosen_standing else "",
            kind=chosen_kind.value if chosen_kind else "",
            standings=list(Standing),
            kinds=list(NoticeKind),
        )

    @get("/{notice_id:int}/print", opt={"action": "notices.read"})
    async def notice_print(self, user: NamedDependency[ConsoleUser], notice_id: PathId) -> Template:
        """The notice's A4 page for the village noticeboard, as ``GET /api/v1/notices/{id}/print`` renders it:
        names partly hidden, its kind's facts only, the number as a barcode."""
        notice, places = await notices.printable(user.principal, notice_id)
        return Template(template_name="notice_print.html", context=printing.print_context(notice, places))
