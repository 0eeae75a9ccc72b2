"""Finance: schemes and their budget, the claim queue, decisions, vouchers and payment batches."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Stream, Template

from app.console.forms import BatchForm, ClaimSelection, RejectForm, read_form, read_upload
from app.console.session import ConsoleUser
from app.console.web import back, chosen_id, failure, refusal, render, said, texts_for
from app.core.errors import DomainError
from app.core.money import format_yuan
from app.core.pagination import PageParams
from app.core.params import PathId
from app.exports.ledgers import PAYMENT_COLUMNS, payment_rows
from app.sheets.download import XLSX, xlsx_ledger
from app.sheets.workbook import LedgerSheet
from app.subsidies import claims, payments, schemes, vouchers
from app.subsidies.model import ClaimStatus
from app.subsidies.schemas import Rejection

PAGE = 25
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]


class FinancePages(Controller):
    path = "/"

    @get("/schemes", opt={"action": "schemes.budget.read"})
    async def scheme_list(self, user: NamedDependency[ConsoleUser]) -> Template:
        page = await schemes.list_schemes(user.principal, PageParams(limit=100, offset=0), year=None, status=None)
        return await render(user, "schemes.html", schemes=page.items)

    @get("/claims", opt={"action": "claims.read"})
    async def claim_queue(
        self,
        user: NamedDependency[ConsoleUser],
        scheme_id: FromQuery[str | None] = None,  # the filter's selects send "" for "all"
        status: FromQuery[str | None] = None,
        town_id: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
        page: Page = 1,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        chosen_scheme, chosen_town = chosen_id(scheme_id), chosen_id(town_id)
        filters = {
            "scheme_id": chosen_scheme,
            "status": status or None,
            "town_id": chosen_town,
            "industry": industry or None,
            "household_id": None,
        }
        result = await claims.list_claims(
            user.principal,
            PageParams(limit=PAGE, offset=(page - 1) * PAGE),
            scheme_id=chosen_scheme,
            status=status or None,
            town_id=chosen_town,
            industry=industry or None,
        )
        all_schemes = await schemes.list_schemes(
            user.principal, PageParams(limit=100, offset=0), year=None, status=None
        )
        return await render(
            user,
            "claims.html",
            claims=result,
            page=page,
            filters=filters,
            msg=msg,
            err=err,
            schemes=all_schemes.items,
            statuses=list(ClaimStatus),
        )

    @get("/claims/{claim_id:int}", opt={"action": "claims.read"})
    async def claim(
        self,
        user: NamedDependency[ConsoleUser],
        claim_id: PathId,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        detail = await claims.claim_detail(user.principal, claim_id)
        return await render(user, "claim.html", c=detail, msg=msg, err=err, today=date.today().isoformat())

    @post("/claims/{claim_id:int}/approve", opt={"action": "claims.approve"})
    async def approve(self, user: NamedDependency[ConsoleUser], claim_id: PathId) -> Redirect:
        try:
            voucher = await claims.approve_claim(user.principal, claim_id)
        except DomainError as exc:
            return back(f"/console/claims/{claim_id}", err=refusal(user, exc))
        return back(
            f"/console/claims/{claim_id}", msg=said(user, "done", f"{voucher.number} · {format_yuan(voucher.amount)}")
        )

    @post("/claims/{claim_id:int}/reject", opt={"action": "claims.reject"})
    async def reject(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], claim_id: PathId
    ) -> Redirect:
        form = await read_form(request, RejectForm)
        try:
            await claims.reject_claim(user.principal, claim_id, Rejection(reason=form.reason))
        except (DomainError, ValueError) as exc:
            return back(f"/console/claims/{claim_id}", err=refusal(user, exc))
        return back(f"/console/claims/{claim_id}", msg=said(user, "claim_rejected"))

    @post("/claims/approve-selected", opt={"action": "claims.approve"})
    async def approve_selected(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await read_form(request, ClaimSelection)
        texts = texts_for(user)
        ids = [int(v) for v in form.claim if re.fullmatch(r"[0-9]{1,9}", v)]
        if not ids:
            return back("/console/claims", err=said(user, "no_claim"))
        outcomes = await claims.approve_many(user.principal, ids)
        done = sum(1 for o in outcomes if o.refusal is None)
        refused = "; ".join(f"#{o.claim_id}: {failure(texts, o.refusal)}" for o in outcomes if o.refusal is not None)
        return back(
            "/console/claims",
            msg=said(user, "done", texts.ngettext("%(num)s claim approved.", "%(num)s claims approved.", done)),
            err=said(user, "refused", refused) if refused else None,
        )

    @get("/vouchers/{number:str}/print", opt={"action": "vouchers.read"})
    async def voucher_print(self, user: NamedDependency[ConsoleUser], number: FromPath[str]) -> Template:
        v = await vouchers.readable_voucher(user.principal, number)
        return Template(template_name="voucher_print.html", context=vouchers.print_context(v))

    @get("/payment-batches", opt={"action": "payment_batches.read"})
    async def batch_list(
        self, user: NamedDependency[ConsoleUser], msg: FromQuery[str | None] = None, err: FromQuery[str | None] = None
    ) -> Template:
        batches = await payments.list_batches(user.principal, PageParams(limit=100, offset=0), None, newest_first=True)
        open_schemes = await schemes.list_schemes(
            user.principal, PageParams(limit=100, offset=0), year=None, status="published"
        )
        return await render(user, "batches.html", batches=batches.items, schemes=open_schemes.items, msg=msg, err=err)

    @post("/payment-batches", opt={"action": "payment_batches.create"})
    async def batch_create(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await read_form(request, BatchForm)
        texts = texts_for(user)
        try:
            batch = await payments.create_batch(user.principal, form.scheme_id)
        except (DomainError, ValueError) as exc:
            return back("/console/payment-batches", err=refusal(user, exc))
        return back(
            "/console/payment-batches",
            msg=said(
                user,
                "done",
                texts._(
                    "Batch %(batch)s: %(vouchers)s vouchers, %(total)s.",
                    batch=batch.id,
                    vouchers=batch.vouchers,
                    total=format_yuan(batch.total),
                ),
            ),
        )

    @get("/payment-batches/{batch_id:int}/export.csv", opt={"action": "payment_batches.read"})
    async def batch_file(self, user: NamedDependency[ConsoleUser], batch_id: PathId) -> Response[str]:
        rows, count, total = await payments.export_rows(user.principal, batch_id)
        return Response(
            payments.export_csv(rows, count, total),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="payment-batch-{batch_id}.csv"'},
        )

    @get("/payment-batches/{batch_id:int}/export.xlsx", opt={"action": "payment_batches.read"}, media_type=XLSX)
    async def batch_workbook(self, user: NamedDependency[ConsoleUser], batch_id: PathId) -> Stream:
        """The same list as a workbook (amounts as numbers), for the office's own records."""
        rows, count, total = await payments.export_rows(user.principal, batch_id)
        return await xlsx_ledger(
            f"payment-batch-{batch_id}.xlsx",
            [LedgerSheet("补贴发放清册", PAYMENT_COLUMNS, payment_rows(rows, count, total))],
        )

    @post("/payment-batches/{batch_id:int}/reconcile", opt={"action": "payment_batches.reconcile"})
    async def batch_result(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], batch_id: PathId
    ) -> Redirect:
        upload = await read_upload(request)
        texts = texts_for(user)
        if upload is None:
            return back("/console/payment-batches", err=said(user, "no_bank_file"))
        try:
            batch = await payments.reconcile(user.principal, batch_id, payments.bank_results(await upload.read()))
        except (DomainError, ValueError) as exc:
            return back("/console/payment-batches", err=refusal(user, exc))
        return back(
            "/console/payment-batches",
            msg=said(
                user,
                "done",
                texts._(
                    "Batch %(batch)s: %(paid)s paid, %(failed)s failed.",
                    batch=batch.id,
                    paid=batch.paid,
                    failed=batch.failed,
                ),
            ),
        )
