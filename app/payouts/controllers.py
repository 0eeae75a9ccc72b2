from __future__ import annotations

from dataclasses import dataclass

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIMediaType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromQuery, JSONBody, MultipartBody

from app.core.errors import Invalid, Refused
from app.core.field_messages import field_and_message
from app.core.json_body import decode_json_body
from app.core.pagination import Page, PageParams
from app.core.params import CsvUpload, PathId, QueryId, provide_page_params, read_upload
from app.core.principal import Role
from app.core.validation import input_hook
from app.payouts import ingest, service
from app.payouts.csv_import import payout_rows
from app.payouts.dependencies import provide_payout_filter
from app.payouts.schemas import BatchResult, PayoutFilter, PayoutIn, PayoutOut, Reversal, RowProblem


@dataclass
class _BatchOperation(Operation):
    """The batch body is read row by row (to report every bad row), so its schema is declared here."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description=f"Up to {ingest.MAX_BATCH} payouts.",
            content={
                "application/json": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.ARRAY,
                        items=Reference("#/components/schemas/PayoutIn"),
                        max_items=ingest.MAX_BATCH,
                    )
                )
            },
        )


class PayoutController(Controller):
    path = "/payouts"
    tags = ["payouts"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_payout_filter)}

    @post(
        "/",
        operation_id="recordPayout",
        responses={200: ResponseSpec(data_container=PayoutOut, description="the first record, sent again")},
    )
    async def record(self, request: Request, data: JSONBody[PayoutIn]) -> Response[PayoutOut]:
        """Report one payout to a household under a link.

        201 when recorded; resending the same body with the same ``reference`` returns the first payout
        with 200; the same reference with a different body is a 409.
        """
        payout, created = await service.record_payout(request.user, data)
        return Response(payout, status_code=201 if created else 200)

    @post("/batch", operation_id="recordPayoutBatch", operation_class=_BatchOperation, status_code=201)
    async def batch(self, request: Request, partial: FromQuery[bool] = False) -> BatchResult:
        """Report up to 10,000 payouts at once.

        All or nothing by default: one bad row rejects the batch, listing every bad row's index, field and
        reason. With ``partial=true`` the good rows are written and the bad ones reported.
        """
        items = decode_json_body(await request.body())
        if not isinstance(items, list):
            raise Invalid("body", "must be a JSON array of payouts")
        rows: list[tuple[int, PayoutIn]] = []
        problems: list[RowProblem] = []
        for index, item in enumerate(items):
            try:
                rows.append((index, msgspec.convert(item, PayoutIn, dec_hook=input_hook)))
            except msgspec.ValidationError as exc:
                field, message = field_and_message(str(exc))
                problems.append(RowProblem(index=index, field=field or "row", message=message))
        return await ingest.ingest(request.user, rows, problems, partial=partial, source="json")

    @post("/import", operation_id="importPayoutsCsv", status_code=201)
    async def import_csv(
        self,
        request: Request,
        data: MultipartBody[CsvUpload],
        partial: FromQuery[bool] = False,
        enterprise_id: QueryId = None,
    ) -> BatchResult:
        """The batch from a CSV upload (field ``file``, UTF-8 with or without BOM).

        Columns: registry_no, base (name or id), kind, amount, period_from, period_to, paid_on, method,
        reference, and optionally income_type. Errors name the CSV line. Admins name the ``enterprise_id``.
        """
        enterprise = request.user.enterprise_id if request.user.role is Role.operator else enterprise_id
        if enterprise is None:
            raise Refused("name the enterprise the file reports for", extra={"field": "enterprise_id"})
        resolved, problems = await payout_rows(await read_upload(data), enterprise)
        return await ingest.ingest(request.user, resolved, problems, partial=partial, source="csv")

    @post("/{payout_id:int}/reverse", operation_id="reversePayout")
    async def reverse(self, request: Request, payout_id: PathId, data: JSONBody[Reversal]) -> PayoutOut:
        """Cancel a payout with a negative entry that points at it; a payout is reversed at most once."""
        return await service.reverse_payout(request.user, payout_id, data)

    @get("/", operation_id="listPayouts")
    async def list_payouts(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[PayoutFilter]
    ) -> Page[PayoutOut]:
        """The payout ledger; operators read only their enterprise's payouts."""
        return await service.list_payouts(request.user, page, filters)

    @get("/{payout_id:int}", operation_id="getPayout")
    async def get_payout(self, request: Request, payout_id: PathId) -> PayoutOut:
        """One payout, with the reversal that cancelled it if any."""
        return await service.get_payout(request.user, payout_id)
