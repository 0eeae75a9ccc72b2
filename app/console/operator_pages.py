"""Operators: their links and payouts, a CSV upload checked before anything is written, village support."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.console.forms import SupportForm, UploadConfirm, read_form, read_upload
from app.console.session import ConsoleUser
from app.console.web import NotAllowed, back, refusal, render, said, texts_for
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.links import service as links
from app.links.schemas import LinkFilter
from app.pairing import service as pairing
from app.pairing.model import SupportKind
from app.pairing.schemas import SupportIn
from app.payouts import ingest
from app.payouts import service as payouts
from app.payouts.csv_import import payout_rows
from app.payouts.schemas import PayoutFilter

Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]


def _own_enterprise(user: ConsoleUser) -> int:
    """The console's forms act for the operator's own enterprise: it has no enterprise picker."""
    if user.principal.enterprise_id is None:
        raise NotAllowed("no enterprise to act for")
    return user.principal.enterprise_id


class OperatorPages(Controller):
    path = "/"

    @get("/links", opt={"action": "links.manage"})
    async def link_list(self, user: NamedDependency[ConsoleUser], page: Page = 1) -> Template:
        mine = await links.list_links(user.principal, PageParams(limit=50, offset=(page - 1) * 50), LinkFilter())
        paid = await payouts.list_payouts(
            user.principal, PageParams(limit=50, offset=0), PayoutFilter(), newest_first=True
        )
        return await render(user, "links.html", links=mine, payouts=paid, page=page)

    @get("/payouts/upload", opt={"action": "payouts.import"})
    async def upload_form(
        self, user: NamedDependency[ConsoleUser], msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None
    ) -> Template:
        _own_enterprise(user)
        return await render(user, "upload.html", msg=msg, err=err, checked=None)

    @post("/payouts/upload", opt={"action": "payouts.import"})
    async def upload_check(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]
    ) -> Template | Redirect:
        """Check every row and show the problems; nothing is written here."""
        enterprise_id = _own_enterprise(user)
        upload = await read_upload(request)
        if upload is None:
            return back("/console/payouts/upload", err=said(user, "no_file"))
        content = await upload.read()
        try:
            rows, problems = await payout_rows(content, enterprise_id)
            good, problems = await ingest.check_only(user.principal, rows, problems)
        except (DomainError, ValueError) as exc:
            return back("/console/payouts/upload", err=refusal(user, exc))
        return await render(
            user,
            "upload.html",
            checked={
                "good": good,
                "problems": problems,
                "filename": upload.filename,
                "content": base64.b64encode(content).decode(),
            },
        )

    @post("/payouts/upload/confirm", opt={"action": "payouts.import"})
    async def upload_write(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        enterprise_id = _own_enterprise(user)
        form = await read_form(request, UploadConfirm)
        texts = texts_for(user)
        try:
            content = base64.b64decode(form.content, validate=True)
            rows, problems = await payout_rows(content, enterprise_id)
            result = await ingest.ingest(user.principal, rows, problems, partial=False, source="csv")
        except binascii.Error:
            return back("/console/payouts/upload", err=said(user, "file_changed"))
        except (DomainError, ValueError) as exc:
            return back("/console/payouts/upload", err=refusal(user, exc))
        return back(
            "/console/payouts/upload",
            msg=said(
                user,
                "done",
                texts._(
                    "%(written)s written, %(already)s already recorded.",
                    written=result.written,
                    already=result.already_recorded,
                ),
            ),
        )

    @get("/support", opt={"action": "support.record"})
    async def support(
        self, user: NamedDependency[ConsoleUser], msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None
    ) -> Template:
        pairings = await pairing.list_pairings(
            user.principal, PageParams(limit=100, offset=0), enterprise_id=None, village_id=None, in_force=True
        )
        records = await pairing.list_support(
            user.principal,
            PageParams(limit=50, offset=0),
            newest_first=True,
            enterprise_id=None,
            village_id=None,
            kind=None,
            year=None,
        )
        return await render(
            user,
            "support.html",
            pairings=pairings.items,
            records=records,
            kinds=list(SupportKind),
            today=date.today().isoformat(),
            msg=msg,
            err=err,
        )

    @post("/support", opt={"action": "support.record"})
    async def support_record(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        enterprise_id = _own_enterprise(user)
        form = await read_form(request, SupportForm)
        texts = texts_for(user)
        try:
            data = SupportIn(
                enterprise_id=enterprise_id,
                village_id=form.village_id,
                kind=form.kind,
                given_on=form.given_on,
                reference=form.reference,
                amount=form.amount,
                in_kind=form.in_kind,
                households_benefited=form.households_benefited,
                people_benefited=form.people_benefited,
                note=form.note,
            )
            record, created = await pairing.record_support(user.principal, data)
        except (DomainError, ValueError) as exc:
            return back("/console/support", err=refusal(user, exc))
        message = (
            texts._("Support #%(id)s saved.", id=record.id)
            if created
            else texts._("Support #%(id)s was already recorded.", id=record.id)
        )
        return back("/console/support", msg=said(user, "done", message))
