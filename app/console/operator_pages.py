"""Operators: their links and payouts, a CSV upload checked before anything is written, village support."""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from app.core.errors import DomainError
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.core.principal import Role
from app.console.session import ConsoleUser
from app.console.web import (
    back,
    console_headers,
    failure,
    form_of,
    provide_user,
    render,
    require,
)
from app.links import service as links
from app.links.schemas import LinkFilter
from app.core.pagination import PageParams
from app.pairing import service as pairing
from app.pairing.schemas import SupportIn, SupportKind
from app.payouts import ingest
from app.payouts import service as payouts
from app.payouts.csv_import import payout_rows
from app.payouts.schemas import PayoutFilter


class OperatorPages(Controller):
    path = "/console"
    include_in_schema = False
    after_request = console_headers
    dependencies = {"user": Provide(provide_user)}

    @get("/links")
    async def link_list(self, user: NamedDependency[ConsoleUser], page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1) -> Template:
        require(user, Role.operator, Role.admin)
        offset = (max(page, 1) - 1) * 50
        mine = await links.list_links(user.principal, PageParams(limit=50, offset=offset), LinkFilter())
        paid = await payouts.list_payouts(user.principal, PageParams(limit=50, offset=0), PayoutFilter(),
                                          newest_first=True)
        return render(user, "links.html", links=mine, payouts=paid, page=max(page, 1))

    @get("/payouts/upload")
    async def upload_form(self, user: NamedDependency[ConsoleUser], msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None) -> Template:
        require(user, Role.operator)
        return render(user, "upload.html", msg=msg, err=err, checked=None)

    @post("/payouts/upload")
    async def upload_check(self, request: Request, user: NamedDependency[ConsoleUser]) -> Template | Redirect:
        """Check every row and show the problems; nothing is written here."""
        require(user, Role.operator)
        form = await form_of(request, user)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return back("/console/payouts/upload", err="choose a CSV file")
        content = await upload.read()
        try:
            rows, problems = await payout_rows(content, user.principal.enterprise_id)
            good, problems = await ingest.check_only(user.principal, rows, problems)
        except (DomainError, ValueError) as exc:
            return back("/console/payouts/upload", err=failure(exc))
        return render(user, "upload.html", checked={"good": good, "problems": problems, "filename": upload.filename,
                                                    "content": base64.b64encode(content).decode()})

    @post("/payouts/upload/confirm")
    async def upload_write(self, request: Request, user: NamedDependency[ConsoleUser]) -> Redirect:
        require(user, Role.operator)
        form = await form_of(request, user)
        try:
            content = base64.b64decode(form.get("content", ""), validate=True)
            rows, problems = await payout_rows(content, user.principal.enterprise_id)
            result = await ingest.ingest(user.principal, rows, problems, partial=False, source="csv")
        except (DomainError, ValueError) as exc:
            return back("/console/payouts/upload", err=failure(exc))
        return back("/console/payouts/upload",
                    msg=f"{result.written} written, {result.already_recorded} already recorded")

    @get("/support")
    async def support(self, user: NamedDependency[ConsoleUser], msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None) -> Template:
        require(user, Role.operator, Role.admin)
        pairings = await pairing.list_pairings(user.principal, PageParams(limit=100, offset=0), enterprise_id=None,
                                               village_id=None, in_force=True)
        records = await pairing.list_support(user.principal, PageParams(limit=50, offset=0), newest_first=True,
                                             enterprise_id=None,
                                             village_id=None, kind=None, year=None)
        return render(user, "support.html", pairings=pairings.items, records=records, kinds=list(SupportKind),
                      today=date.today().isoformat(), msg=msg, err=err)

    @post("/support")
    async def support_record(self, request: Request, user: NamedDependency[ConsoleUser]) -> Redirect:
        require(user, Role.operator)
        form = await form_of(request, user)
        try:
            data = SupportIn(
                enterprise_id=user.principal.enterprise_id, village_id=int(form.get("village_id", "0")),
                kind=SupportKind(form.get("kind", "")), given_on=date.fromisoformat(form.get("given_on", "")),
                reference=form.get("reference", ""), amount=_decimal(form.get("amount")),
                in_kind=form.get("in_kind") or None,
                households_benefited=int(form.get("households_benefited") or 0),
                people_benefited=int(form.get("people_benefited") or 0), note=form.get("note") or None,
            )
            record, created = await pairing.record_support(user.principal, data)
        except (DomainError, ValueError) as exc:
            return back("/console/support", err=failure(exc))
        return back("/console/support", msg=f"#{record.id} {'saved' if created else 'already recorded'}")


def _decimal(raw: str | None):
    from decimal import Decimal, InvalidOperation

    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError("amount: must be a number such as 1234.50") from None
