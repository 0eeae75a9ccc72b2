from __future__ import annotations

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, MultipartBody
from litestar.response import Template

from app.core.pagination import Page, PageParams
from app.core.params import CsvUpload, PathId, QueryId, provide_page_params, read_upload
from app.subsidies import claims, payments, vouchers
from app.subsidies.schemas import (
    Cancellation,
    PaymentBatchCreate,
    PaymentBatchOut,
    VoucherOut,
)


class VoucherController(Controller):
    path = "/vouchers"
    tags = ["subsidies"]

    @get("/{number:str}", operation_id="getVoucher")
    async def get_voucher(self, request: Request, number: FromPath[str]) -> VoucherOut:
        """A voucher: what was approved, for whom, by whom, and where its payment stands."""
        return await vouchers.readable_voucher(request.user, number)

    @get("/{number:str}/barcode.svg", operation_id="getVoucherBarcode", media_type="image/svg+xml")
    async def barcode(self, request: Request, number: FromPath[str]) -> Response[bytes]:
        """The voucher number as a Code 128 barcode (SVG)."""
        voucher = await vouchers.readable_voucher(request.user, number)
        return Response(vouchers.barcode_svg(voucher.number), media_type="image/svg+xml")

    @get("/{number:str}/print", operation_id="printVoucher", media_type=MediaType.HTML)
    async def print_page(self, request: Request, number: FromPath[str]) -> Template:
        """The voucher as a printable page, with the amount in figures and in capitals (大写) and its barcode."""
        v = await vouchers.readable_voucher(request.user, number)
        return Template(template_name="voucher_print.html", context=vouchers.print_context(v))

    @post("/{number:str}/cancel", operation_id="cancelVoucher", status_code=200)
    async def cancel(self, request: Request, number: FromPath[str], data: JSONBody[Cancellation]) -> VoucherOut:
        """Cancel a mistaken approval (before payment); the claim then awaits a new decision."""
        return await claims.cancel_voucher(request.user, number, data)


class PaymentBatchController(Controller):
    path = "/payment-batches"
    tags = ["subsidies"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createPaymentBatch")
    async def create(self, request: Request, data: JSONBody[PaymentBatchCreate]) -> PaymentBatchOut:
        """Put every issued voucher of a scheme (whose household has a bank card) into a batch for the bank."""
        return await payments.create_batch(request.user, data.scheme_id)

    @get("/", operation_id="listPaymentBatches")
    async def list_batches(
        self, request: Request, page: NamedDependency[PageParams], scheme_id: QueryId = None
    ) -> Page[PaymentBatchOut]:
        """Payment batches with their paid, failed and pending counts (those of the caller's region)."""
        return await payments.list_batches(request.user, page, scheme_id)

    @get("/{batch_id:int}", operation_id="getPaymentBatch")
    async def get_batch(self, request: Request, batch_id: PathId) -> PaymentBatchOut:
        """One batch."""
        return await payments.get_batch(request.user, batch_id)

    @get("/{batch_id:int}/export.csv", operation_id="exportPaymentBatch", media_type="text/csv")
    async def export(self, request: Request, batch_id: PathId) -> Response[str]:
        """The bank's file: voucher number, registry number, payee, bank card, amount; count and total last."""
        rows, count, total = await payments.export_rows(request.user, batch_id)
        return Response(
            payments.export_csv(rows, count, total),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="payment-batch-{batch_id}.csv"'},
        )

    @post("/{batch_id:int}/reconcile", operation_id="reconcilePaymentBatch", status_code=200)
    async def reconcile(self, request: Request, batch_id: PathId, data: MultipartBody[CsvUpload]) -> PaymentBatchOut:
        """Apply the bank's result file (field ``file``): voucher_no, result (paid / failed), bank_reference,
        and optionally paid_on. Failed vouchers can go into a later batch; none is ever paid twice."""
        return await payments.reconcile(request.user, batch_id, payments.bank_results(await read_upload(data)))
