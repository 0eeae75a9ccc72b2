from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter
from litestar.response import Stream

from app.core.csv_stream import csv_copied, csv_items
from app.core.params import PathId
from app.evaluation import service as evaluation
from app.exports import ledgers
from app.pairing import service as pairing
from app.pairing.dependencies import provide_support_filter
from app.pairing.schemas import SupportFilter
from app.payouts import service as payouts
from app.payouts.dependencies import provide_payout_filter
from app.payouts.schemas import PayoutFilter
from app.registry import household_service as households
from app.registry.dependencies import provide_household_filter
from app.registry.schemas import HouseholdFilter
from app.sheets.download import XLSX, xlsx_ledger
from app.sheets.workbook import LedgerSheet
from app.subsidies import claims, payments
from app.subsidies.dependencies import provide_claim_filter
from app.subsidies.schemas import ClaimFilter


def _text(value: object) -> str:
    return "" if value is None else str(value)


class ExportController(Controller):
    path = "/exports"
    tags = ["exports"]

    @get(
        "/households.csv",
        operation_id="exportHouseholds",
        media_type="text/csv",
        dependencies={"filters": Provide(provide_household_filter)},
    )
    async def households(self, request: Request, filters: NamedDependency[HouseholdFilter]) -> Stream:
        """Households as CSV, with the filters of the household list and the caller's scope."""
        return await csv_items(
            "households.csv",
            households.export_households(request.user, filters),
            [
                "id",
                "registry_no",
                "town",
                "village",
                "attribute",
                "causes",
                "status",
                "head",
                "people",
                "late_addition",
                "registered_on",
                "exited_year",
                "removed_reason",
                "open_flags",
            ],
            lambda h: [
                h.id,
                h.registry_no,
                h.town_name,
                h.village_name,
                h.attribute.value,
                ";".join(c.value for c in h.causes),
                h.status.value,
                _text(h.head_name),
                h.people,
                h.late_addition,
                _text(h.registered_on),
                _text(h.exited_year),
                _text(h.removed_reason and h.removed_reason.value),
                h.open_flags,
            ],
        )

    @get(
        "/payouts.csv",
        operation_id="exportPayouts",
        media_type="text/csv",
        dependencies={"filters": Provide(provide_payout_filter)},
    )
    async def payouts(self, request: Request, filters: NamedDependency[PayoutFilter]) -> Stream:
        """The payout ledger as CSV, with the filters of the payout list; operators get their own. Written
        by the database (COPY), its text cells made safe for a spreadsheet there."""
        return await csv_copied(
            "payouts.csv", payouts.export_payouts_csv(request.user, filters), payouts.PAYOUT_EXPORT_HEADER
        )

    @get(
        "/subsidy-claims.csv",
        operation_id="exportSubsidyClaims",
        media_type="text/csv",
        dependencies={"filters": Provide(provide_claim_filter)},
    )
    async def subsidy_claims(self, request: Request, filters: NamedDependency[ClaimFilter]) -> Stream:
        """Subsidy claims as CSV, with the filters of the claim list."""
        return await csv_items(
            "subsidy-claims.csv",
            claims.export_claims(request.user, filters),
            [
                "id",
                "scheme_id",
                "household_id",
                "registry_no",
                "industry",
                "declared_quantity",
                "verified_quantity",
                "inspector",
                "verified_on",
                "status",
                "reject_reason",
            ],
            lambda c: [
                c.id,
                c.scheme_id,
                c.household_id,
                c.registry_no,
                c.industry,
                c.declared_quantity,
                _text(c.verified_quantity),
                _text(c.inspector),
                _text(c.verified_on),
                c.status.value,
                _text(c.reject_reason),
            ],
        )

    @get(
        "/support-records.csv",
        operation_id="exportSupportRecords",
        media_type="text/csv",
        dependencies={"filters": Provide(provide_support_filter)},
    )
    async def support_records(self, request: Request, filters: NamedDependency[SupportFilter]) -> Stream:
        """Support records as CSV, with the filters of the support list; operators get their own."""
        return await csv_items(
            "support-records.csv",
            pairing.export_support_records(request.user, filters),
            [
                "id",
                "enterprise_id",
                "village_id",
                "kind",
                "amount",
                "in_kind",
                "households_benefited",
                "people_benefited",
                "given_on",
                "reference",
                "note",
            ],
            lambda s: [
                s.id,
                s.enterprise_id,
                s.village_id,
                s.kind.value,
                "" if s.amount is None else f"{s.amount:.2f}",
                _text(s.in_kind),
                s.households_benefited,
                s.people_benefited,
                s.given_on,
                s.reference,
                _text(s.note),
            ],
        )

    @get(
        "/households.xlsx",
        operation_id="exportHouseholdsXlsx",
        media_type=XLSX,
        dependencies={"filters": Provide(provide_household_filter)},
    )
    async def households_xlsx(self, request: Request, filters: NamedDependency[HouseholdFilter]) -> Stream:
        """The household ledger (贫困户台账) as a workbook: the rows of ``households.csv`` for the same filters
        (a town with ``town_id``, a county, city or province with ``region``) and the caller's scope."""
        rows = ledgers.rows_of(households.export_households(request.user, filters), ledgers.household_row)
        return await xlsx_ledger("households.xlsx", [LedgerSheet("贫困户台账", ledgers.HOUSEHOLD_COLUMNS, rows)])

    @get(
        "/payouts.xlsx",
        operation_id="exportPayoutsXlsx",
        media_type=XLSX,
        dependencies={"filters": Provide(provide_payout_filter)},
    )
    async def payouts_xlsx(self, request: Request, filters: NamedDependency[PayoutFilter]) -> Stream:
        """The benefit-link ledger as a workbook (an enterprise's with ``enterprise_id``): the rows of
        ``payouts.csv``, then a sheet of the payouts per household, link and year."""
        rows = ledgers.rows_of(payouts.export_payouts(request.user, filters), ledgers.payout_row)
        totals = ledgers.rows_of(payouts.export_payout_totals(request.user, filters), ledgers.payout_total_row)
        return await xlsx_ledger(
            "payouts.xlsx",
            [
                LedgerSheet("收益发放台账", ledgers.PAYOUT_COLUMNS, rows),
                LedgerSheet("按户按年汇总", ledgers.PAYOUT_TOTAL_COLUMNS, totals),
            ],
        )

    @get(
        "/subsidy-claims.xlsx",
        operation_id="exportSubsidyClaimsXlsx",
        media_type=XLSX,
        dependencies={"filters": Provide(provide_claim_filter)},
    )
    async def subsidy_claims_xlsx(self, request: Request, filters: NamedDependency[ClaimFilter]) -> Stream:
        """A scheme's subsidy list as a workbook (``scheme_id``): the rows of ``subsidy-claims.csv``."""
        rows = ledgers.rows_of(claims.export_claims(request.user, filters), ledgers.claim_row)
        return await xlsx_ledger("subsidy-claims.xlsx", [LedgerSheet("补贴申报清册", ledgers.CLAIM_COLUMNS, rows)])

    @get(
        "/support-records.xlsx",
        operation_id="exportSupportRecordsXlsx",
        media_type=XLSX,
        dependencies={"filters": Provide(provide_support_filter)},
    )
    async def support_records_xlsx(self, request: Request, filters: NamedDependency[SupportFilter]) -> Stream:
        """The pairing and support ledger as a workbook: the rows of ``support-records.csv``."""
        rows = ledgers.rows_of(pairing.export_support_records(request.user, filters), ledgers.support_row)
        return await xlsx_ledger("support-records.xlsx", [LedgerSheet("帮扶台账", ledgers.SUPPORT_COLUMNS, rows)])

    @get("/linkage-evaluation.xlsx", operation_id="exportLinkageEvaluationXlsx", media_type=XLSX)
    async def linkage_evaluation_xlsx(
        self,
        request: Request,
        year: Annotated[int, QueryParameter(description="calendar year, from the earliest day's year to this year")],
        region: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
    ) -> Stream:
        """联农带农 as a workbook: every row of ``/linkage-evaluation`` for the same year, region and industry
        and the caller's scope, ranked by county and industry, then a sheet stating what it covers and the
        formula it scores by."""
        covered, rows = await evaluation.evaluate(request.user, year, region=region, industry=industry)
        return await xlsx_ledger(
            f"linkage-evaluation-{year}.xlsx", ledgers.linkage_sheets(year, covered, industry, rows)
        )


class PaymentListController(Controller):
    """The bank's payment list of a batch as a workbook, beside the batch's CSV (``export.csv``)."""

    path = "/payment-batches"
    tags = ["exports"]

    @get("/{batch_id:int}/export.xlsx", operation_id="exportPaymentBatchXlsx", media_type=XLSX)
    async def payment_batch_xlsx(self, request: Request, batch_id: PathId) -> Stream:
        """A subsidy scheme's payment list for the bank, batch by batch: the rows of ``export.csv`` (voucher
        number, registry number, payee, bank card, amount), the count and the total last."""
        rows, count, total = await payments.export_rows(request.user, batch_id)
        return await xlsx_ledger(
            f"payment-batch-{batch_id}.xlsx",
            [LedgerSheet("补贴发放清册", ledgers.PAYMENT_COLUMNS, ledgers.payment_rows(rows, count, total))],
        )
