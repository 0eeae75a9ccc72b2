from __future__ import annotations

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.core.problems import status_of
from app.core.validation import check_year
from app.notices.schemas import ClaimsNoticeCreate, NoticeDetail
from app.subsidies import claims, schemes
from app.subsidies.claims import ClaimDecision
from app.subsidies.dependencies import provide_claim_filter
from app.subsidies.model import SchemeStatus
from app.subsidies.schemas import (
    ApprovalOutcome,
    BulkApproval,
    ClaimCreate,
    ClaimDetail,
    ClaimFilter,
    ClaimOut,
    RateIn,
    Rejection,
    SchemeCreate,
    SchemeOut,
    SchemePreview,
    Verification,
    VoucherOut,
)


class SubsidySchemeController(Controller):
    path = "/subsidy-schemes"
    tags = ["subsidies"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/", operation_id="createSubsidyScheme")
    async def create(self, request: Request, data: JSONBody[SchemeCreate]) -> SchemeOut:
        """Create a year's scheme as a draft: budget, household cap, and a tiered rate per industry."""
        return await schemes.create_scheme(request.user, data)

    @get("/", operation_id="listSubsidySchemes")
    async def list_schemes(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        year: FromQuery[int | None] = None,
        status: FromQuery[SchemeStatus | None] = None,
    ) -> Page[SchemeOut]:
        """Schemes with their budget used and left."""
        check_year("year", year, planned=True)
        return await schemes.list_schemes(request.user, page, year=year, status=status and status.value)

    @get("/{scheme_id:int}", operation_id="getSubsidyScheme")
    async def get_scheme(self, request: Request, scheme_id: PathId) -> SchemeOut:
        """One scheme with its rates."""
        return await schemes.get_scheme(request.user, scheme_id)

    @put("/{scheme_id:int}/rates", operation_id="replaceSchemeRates")
    async def replace_rates(self, request: Request, scheme_id: PathId, data: JSONBody[list[RateIn]]) -> SchemeOut:
        """Replace a draft scheme's rates; a published scheme's rates cannot change (409)."""
        return await schemes.replace_rates(request.user, scheme_id, data)

    @post("/{scheme_id:int}/publish", operation_id="publishSubsidyScheme", status_code=200)
    async def publish(self, request: Request, scheme_id: PathId) -> SchemeOut:
        """Publish a draft: claims may be filed, and its rates are fixed from now on."""
        return await schemes.move_scheme(request.user, scheme_id, "published")

    @post("/{scheme_id:int}/close", operation_id="closeSubsidyScheme", status_code=200)
    async def close(self, request: Request, scheme_id: PathId) -> SchemeOut:
        """Close a published scheme: no more filing or approval."""
        return await schemes.move_scheme(request.user, scheme_id, "closed")

    @post("/{scheme_id:int}/notices", operation_id="openClaimsNotice")
    async def open_notice(
        self, request: Request, scheme_id: PathId, data: JSONBody[ClaimsNoticeCreate]
    ) -> NoticeDetail:
        """Put the scheme's verified claims of a village (those on no notice yet) on a public notice (公示) of
        at least the scheme's ``notice_days``; they are approved once it has ended with no open objection."""
        return await claims.open_claims_notice(request.user, scheme_id, data)

    @get("/{scheme_id:int}/preview", operation_id="previewSubsidyScheme")
    async def preview(self, request: Request, scheme_id: PathId, page: NamedDependency[PageParams]) -> SchemePreview:
        """The scheme's totals against the budget, by industry and town, over every claim not rejected (approved,
        or what it would get if approved now); and one page of those claims (``limit``, ``offset``), each
        with its amount explained."""
        return await schemes.preview(request.user, scheme_id, page)


def _outcome(d: ClaimDecision) -> ApprovalOutcome:
    if d.refusal is not None:
        return ApprovalOutcome(claim_id=d.claim_id, ok=False, status=status_of(d.refusal), detail=d.refusal.detail)
    assert d.voucher is not None  # a decision is a voucher or a refusal
    return ApprovalOutcome(
        claim_id=d.claim_id, ok=True, status=201, voucher_number=d.voucher.number, amount=d.voucher.amount
    )


class SubsidyClaimController(Controller):
    path = "/subsidy-claims"
    tags = ["subsidies"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_claim_filter)}

    @post("/", operation_id="fileSubsidyClaim")
    async def file(self, request: Request, data: JSONBody[ClaimCreate]) -> ClaimDetail:
        """File a claim for a household of the officer's town (one per scheme, household and industry)."""
        return await claims.file_claim(request.user, data)

    @get("/", operation_id="listSubsidyClaims")
    async def list_claims(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[ClaimFilter]
    ) -> Page[ClaimOut]:
        """Claims, filtered; town officers see their town's."""
        return await claims.list_claims(request.user, page, **filters.as_kwargs())

    @get("/{claim_id:int}", operation_id="getSubsidyClaim")
    async def get_claim(self, request: Request, claim_id: PathId) -> ClaimDetail:
        """A claim with its amount and the calculation explained line by line."""
        return await claims.claim_detail(request.user, claim_id)

    @post("/{claim_id:int}/verify", operation_id="verifySubsidyClaim", status_code=200)
    async def verify(self, request: Request, claim_id: PathId, data: JSONBody[Verification]) -> ClaimDetail:
        """Record the field verification (实地核实): verified quantity, inspector, date, note."""
        return await claims.verify_claim(request.user, claim_id, data)

    @post("/{claim_id:int}/approve", operation_id="approveSubsidyClaim")
    async def approve(self, request: Request, claim_id: PathId) -> VoucherOut:
        """Approve a verified claim within the budget and the household cap; issues its voucher.

        Refused (409) when the amount would be 0, the budget is spent, or the claim is not verified;
        403 for the account that filed or verified it.
        """
        return await claims.approve_claim(request.user, claim_id)

    @post("/approve", operation_id="approveSubsidyClaims", status_code=200)
    async def approve_many(self, request: Request, data: JSONBody[BulkApproval]) -> list[ApprovalOutcome]:
        """Approve several claims; the answer says, per claim, the voucher or why not."""
        return [_outcome(d) for d in await claims.approve_many(request.user, data.claim_ids)]

    @post("/{claim_id:int}/reject", operation_id="rejectSubsidyClaim", status_code=200)
    async def reject(self, request: Request, claim_id: PathId, data: JSONBody[Rejection]) -> ClaimDetail:
        """Reject a claim with a reason."""
        return await claims.reject_claim(request.user, claim_id, data)
