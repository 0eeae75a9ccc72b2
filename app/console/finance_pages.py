"""Finance: schemes and their budget, the claim queue, decisions, vouchers and payment batches."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from app.core.errors import DomainError
from litestar.params import FromPath, FromQuery, QueryParameter
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
from app.core.money import format_yuan
from app.core.pagination import PageParams
from app.subsidies import claims, payments, schemes, vouchers
from app.subsidies.schemas import Rejection
from app.core.validation import PathId, QueryId

PAGE = 25
READERS = (Role.finance, Role.admin, Role.auditor)


class FinancePages(Controller):
    path = "/console"
    include_in_schema = False
    after_request = console_headers
    dependencies = {"user": Provide(provide_user)}

    @get("/schemes")
    async def scheme_list(self, user: NamedDependency[ConsoleUser]) -> Template:
        require(user, *READERS)
        page = await schemes.list_schemes(PageParams(limit=100, offset=0), year=None, status=None)
        return render(user, "schemes.html", schemes=page.items)

    @get("/claims")
    async def claim_queue(
        self, user: NamedDependency[ConsoleUser], scheme_id: QueryId = None, status: FromQuery[str | None] = None, town_id: QueryId = None,
        industry: FromQuery[str | None] = None, page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1, msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None,
    ) -> Template:
        require(user, *READERS, Role.town_officer)
        filters = {"scheme_id": scheme_id, "status": status or None, "town_id": town_id, "industry": industry or None,
                   "household_id": None}
        result = await claims.list_claims(user.principal, PageParams(limit=PAGE, offset=(max(page, 1) - 1) * PAGE),
                                          **filters)
        return render(user, "claims.html", claims=result, page=max(page, 1), filters=filters, msg=msg, err=err,
                      schemes=(await schemes.list_schemes(PageParams(limit=100, offset=0), year=None,
                                                          status=None)).items)

    @get("/claims/{claim_id:int}")
    async def claim(self, user: NamedDependency[ConsoleUser], claim_id: PathId, msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None) -> Template:
        require(user, *READERS, Role.town_officer)
        detail = await claims.claim_detail(user.principal, claim_id)
        return render(user, "claim.html", c=detail, msg=msg, err=err)

    @post("/claims/{claim_id:int}/approve")
    async def approve(self, request: Request, user: NamedDependency[ConsoleUser], claim_id: PathId) -> Redirect:
        require(user, Role.finance, Role.admin)
        await form_of(request, user)
        try:
            voucher = await claims.approve_claim(user.principal, claim_id)
        except DomainError as exc:
            return back(f"/console/claims/{claim_id}", err=exc.detail)
        return back(f"/console/claims/{claim_id}", msg=f"{voucher.number} · {format_yuan(voucher.amount)}")

    @post("/claims/{claim_id:int}/reject")
    async def reject(self, request: Request, user: NamedDependency[ConsoleUser], claim_id: PathId) -> Redirect:
        require(user, Role.finance, Role.admin)
        form = await form_of(request, user)
        try:
            await claims.reject_claim(user.principal, claim_id, Rejection(reason=form.get("reason", "")))
        except (DomainError, ValueError) as exc:
            return back(f"/console/claims/{claim_id}", err=failure(exc))
        return back(f"/console/claims/{claim_id}", msg="rejected")

    @post("/claims/approve-selected")
    async def approve_selected(self, request: Request, user: NamedDependency[ConsoleUser]) -> Redirect:
        require(user, Role.finance, Role.admin)
        form = await form_of(request, user)
        ids = [int(v) for v in form.getall("claim", []) if isinstance(v, str) and re.fullmatch(r"[0-9]{1,9}", v)]
        if not ids:
            return back("/console/claims", err="no claim selected")
        outcomes = await claims.approve_many(user.principal, ids)
        done = sum(1 for o in outcomes if o.refusal is None)
        refused = "; ".join(f"#{o.claim_id}: {o.refusal.detail}" for o in outcomes if o.refusal is not None)
        return back("/console/claims", msg=f"{done} approved", err=refused or None)

    @get("/vouchers/{number:str}/print")
    async def voucher_print(self, user: NamedDependency[ConsoleUser], number: FromPath[str]) -> Template:
        require(user, *READERS, Role.town_officer)
        v = await vouchers.readable_voucher(user.principal, number)
        return Template(template_name="voucher_print.html", context=vouchers.print_context(v))

    @get("/payment-batches")
    async def batch_list(self, user: NamedDependency[ConsoleUser], msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None) -> Template:
        require(user, *READERS)
        batches = await payments.list_batches(PageParams(limit=100, offset=0), None, newest_first=True)
        open_schemes = (await schemes.list_schemes(PageParams(limit=100, offset=0), year=None,
                                                   status="published")).items
        return render(user, "batches.html", batches=batches.items, schemes=open_schemes, msg=msg, err=err)

    @post("/payment-batches")
    async def batch_create(self, request: Request, user: NamedDependency[ConsoleUser]) -> Redirect:
        require(user, Role.finance)
        form = await form_of(request, user)
        try:
            batch = await payments.create_batch(user.principal, int(form.get("scheme_id", "0")))
        except (DomainError, ValueError) as exc:
            return back("/console/payment-batches", err=failure(exc))
        return back("/console/payment-batches", msg=f"batch {batch.id}: {batch.vouchers} · {format_yuan(batch.total)}")

    @get("/payment-batches/{batch_id:int}/export.csv")
    async def batch_file(self, user: NamedDependency[ConsoleUser], batch_id: PathId) -> Response[str]:
        require(user, *READERS)
        rows, count, total = await payments.export_rows(batch_id)
        return Response(payments.export_csv(rows, count, total), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="payment-batch-{batch_id}.csv"'})

    @post("/payment-batches/{batch_id:int}/reconcile")
    async def batch_result(self, request: Request, user: NamedDependency[ConsoleUser], batch_id: PathId) -> Redirect:
        require(user, Role.finance)
        form = await form_of(request, user)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return back("/console/payment-batches", err="choose the bank's result file")
        try:
            batch = await payments.reconcile(user.principal, batch_id, payments.bank_results(await upload.read()))
        except (DomainError, ValueError) as exc:
            return back("/console/payment-batches", err=failure(exc))
        return back("/console/payment-batches", msg=f"batch {batch.id}: {batch.paid} paid, {batch.failed} failed")
