from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, JSONBody
from litestar.response import File

from app.assets import evidence, service, supervision
from app.assets.dependencies import provide_asset_filter, provide_flag_filter
from app.assets.schemas import (
    AgreementCreate,
    AgreementDetail,
    AgreementOut,
    AssetCreate,
    AssetDetail,
    AssetFilter,
    AssetOut,
    AssetUpdate,
    BeneficiaryDecisionIn,
    BeneficiaryDecisionOut,
    DisposalApproval,
    DisposalIn,
    DisposalOut,
    DisposalRejection,
    DistributionDetail,
    DistributionIn,
    DistributionOut,
    EvidenceIn,
    EvidenceOut,
    EvidenceRemoval,
    FlagFilter,
    FlagPage,
    IncomeIn,
    IncomeOut,
    OwnershipIn,
    OwnershipOut,
)
from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.core.settings import EVIDENCE_MAX_MB

MIB = 1024 * 1024


@dataclass
class EvidenceUpload:
    """The evidence's file in the field ``file`` (a JPEG or PNG picture, a PDF, an .xlsx or .docx without
    macros), with its ``title`` and a ``note``."""

    file: UploadFile | None = None
    title: str | None = None
    note: str | None = None


async def read_evidence(data: EvidenceUpload) -> tuple[evidence.Upload, EvidenceIn]:
    """The upload as the service takes it: no more of the file than one byte over the limit is read."""
    if data.file is None:
        raise Invalid("file", message(N_("choose the file to attach")))
    content = await data.file.read(evidence.max_bytes() + 1)
    upload = evidence.Upload(content=content, filename=data.file.filename, content_type=data.file.content_type)
    return upload, EvidenceIn(title=data.title or None, note=data.note or None)


def _created(created: bool) -> int:
    return 201 if created else 200


class AssetController(Controller):
    path = "/assets"
    tags = ["assets"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_asset_filter)}

    @post("/", operation_id="createAsset")
    async def create(self, request: Request, data: JSONBody[AssetCreate]) -> AssetDetail:
        """Register a project asset (扶贫项目资产) in a village: its class, kind, industry and base where it has
        them, completion day, book value and depreciation, status, and the funds it was built with."""
        return await service.create_asset(request.user, data)

    @get("/", operation_id="listAssets")
    async def list_assets(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[AssetFilter]
    ) -> Page[AssetOut]:
        """Assets the caller may see under the filters: a town officer its town's, an operator those it runs."""
        return await service.list_assets(request.user, page, filters)

    @get("/{asset_id:int}", operation_id="getAsset")
    async def get_asset(self, request: Request, asset_id: PathId) -> AssetDetail:
        """An asset with its funding, its ownership confirmations (the current first) and its agreements."""
        return await service.get_asset(request.user, asset_id)

    @patch("/{asset_id:int}", operation_id="updateAsset")
    async def update(self, request: Request, asset_id: PathId, data: JSONBody[AssetUpdate]) -> AssetDetail:
        """Change an asset's fields (those sent; null clears an optional one; ``funding`` replaces the list).
        Its village stays; a disposed asset is not changed (409)."""
        return await service.update_asset(request.user, asset_id, data)

    @post("/{asset_id:int}/ownership", operation_id="confirmAssetOwnership")
    async def confirm(self, request: Request, asset_id: PathId, data: JSONBody[OwnershipIn]) -> OwnershipOut:
        """Confirm the asset's ownership (确权) to its village's collective or to households of its village on
        the register or monitored, with the day and the document; the latest confirmation is the current one."""
        return await service.confirm_ownership(request.user, asset_id, data)

    @post("/{asset_id:int}/agreements", operation_id="signAssetAgreement")
    async def sign(self, request: Request, asset_id: PathId, data: JSONBody[AgreementCreate]) -> AgreementDetail:
        """Record the asset's operating agreement: operator, form, term, rent or guaranteed return, profit share,
        and how its income is shared among the listed households (a term overlapping another agreement: 409)."""
        return await service.sign_agreement(request.user, asset_id, data)

    @get("/{asset_id:int}/agreements", operation_id="listAssetAgreements")
    async def agreements(self, request: Request, asset_id: PathId) -> list[AgreementOut]:
        """The asset's operating agreements, by their start."""
        return await service.list_agreements(request.user, asset_id)

    @post(
        "/{asset_id:int}/evidence",
        operation_id="uploadAssetEvidence",
        request_max_body_size=EVIDENCE_MAX_MB * MIB + MIB,
        responses={200: ResponseSpec(data_container=EvidenceOut, description="the same file, attached already")},
    )
    async def upload_evidence(
        self,
        request: Request,
        asset_id: PathId,
        data: Annotated[EvidenceUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[EvidenceOut]:
        """Attach a photo or document to the asset as evidence (multipart: ``file``, ``title``, ``note``). The
        file is checked by its first bytes (JPEG, PNG, PDF, .xlsx or .docx without macros; a name or declared
        type saying otherwise is refused) and its size (``CHAINAID_EVIDENCE_MAX_MB``): 400 naming ``file``,
        nothing kept. It is kept outside the database by its SHA-256, once however often it is attached.

        201 when attached; the same file again returns the first record with 200 (with another title or
        note, a 409)."""
        upload, fields = await read_evidence(data)
        out, created = await evidence.upload_evidence(request.user, asset_id, upload, fields)
        return Response(out, status_code=_created(created))

    @get("/{asset_id:int}/evidence", operation_id="listAssetEvidence")
    async def list_evidence(
        self, request: Request, asset_id: PathId, page: NamedDependency[PageParams]
    ) -> Page[EvidenceOut]:
        """The asset's evidence, the latest first (removed ones too, marked, their files no longer served)."""
        return await evidence.list_evidence(request.user, asset_id, page)

    @post(
        "/{asset_id:int}/disposals",
        operation_id="requestAssetDisposal",
        responses={200: ResponseSpec(data_container=DisposalOut, description="the pending request, sent again")},
    )
    async def request_disposal(
        self, request: Request, asset_id: PathId, data: JSONBody[DisposalIn]
    ) -> Response[DisposalOut]:
        """Request the asset's disposal (处置): ``kind`` (sale, scrapping, transfer), ``reason``, ``proceeds``
        (0 or more) and ``proceeds_to`` (where they went, required with proceeds). It disposes of nothing until
        an admin of the county (another account) approves it.

        201 when requested; the same request again returns the pending one with 200; another while one is
        pending, or for an asset disposed of already, is a 409."""
        out, created = await supervision.request_disposal(request.user, asset_id, data)
        return Response(out, status_code=_created(created))

    @get("/{asset_id:int}/disposals", operation_id="listAssetDisposals")
    async def list_disposals(self, request: Request, asset_id: PathId) -> list[DisposalOut]:
        """The asset's disposals, the latest requested first."""
        return await supervision.list_disposals(request.user, asset_id)


class AgreementController(Controller):
    path = "/asset-agreements"
    tags = ["assets"]
    dependencies = {"page": Provide(provide_page_params)}

    @get("/{agreement_id:int}", operation_id="getAssetAgreement")
    async def get_agreement(self, request: Request, agreement_id: PathId) -> AgreementDetail:
        """An operating agreement with the households its income is shared with, in their order."""
        return await service.get_agreement(request.user, agreement_id)

    @post(
        "/{agreement_id:int}/income",
        operation_id="recordAssetIncome",
        responses={200: ResponseSpec(data_container=IncomeOut, description="the first record, sent again")},
    )
    async def record_income(
        self, request: Request, agreement_id: PathId, data: JSONBody[IncomeIn]
    ) -> Response[IncomeOut]:
        """Record income received from the operator under the agreement (rent, guaranteed return, profit share).

        201 when recorded; the same ``reference`` and body again returns the first record with 200; the same
        reference with another body is a 409."""
        income, created = await service.record_income(request.user, agreement_id, data)
        return Response(income, status_code=201 if created else 200)

    @post(
        "/{agreement_id:int}/households/{household_id:int}/decision",
        operation_id="decideAssetBeneficiary",
        responses={
            200: ResponseSpec(data_container=BeneficiaryDecisionOut, description="the same decision, sent again")
        },
    )
    async def decide(
        self, request: Request, agreement_id: PathId, household_id: PathId, data: JSONBody[BeneficiaryDecisionIn]
    ) -> Response[BeneficiaryDecisionOut]:
        """Decide on a household listed in the agreement that is no longer on the register nor monitored (the
        ``household_left`` flag): ``keep`` it listed (the flag clears; it is raised again should the household
        come back and leave again) or ``remove`` it from the list, with the ``reason``.

        201 when decided; the same decision again returns it with 200; a household not flagged on the day
        decided is a 409 (nothing to decide), one not listed a 404."""
        out, created = await supervision.decide_beneficiary(request.user, agreement_id, household_id, data)
        return Response(out, status_code=_created(created))

    @get("/{agreement_id:int}/income", operation_id="listAssetIncome")
    async def list_income(
        self, request: Request, agreement_id: PathId, page: NamedDependency[PageParams]
    ) -> Page[IncomeOut]:
        """The income recorded under the agreement, the latest received first, each with its distribution."""
        return await service.list_income(request.user, agreement_id, page)


class IncomeController(Controller):
    path = "/asset-income"
    tags = ["assets"]

    @post(
        "/{income_id:int}/distribution",
        operation_id="distributeAssetIncome",
        responses={
            200: ResponseSpec(data_container=DistributionOut, description="the first distribution, asked again")
        },
    )
    async def distribute(
        self, request: Request, income_id: PathId, data: JSONBody[DistributionIn]
    ) -> Response[DistributionOut]:
        """Share the income out to the agreement's households by its rule, each part rounded to the fen
        (largest remainder, ties to the household listed first) and explained; the public-welfare share kept.
        Each household paid gets a payout of type ``asset_income`` in the ledger under an ``asset`` link
        (made when missing), so its income, the reports and the exports include it.

        201 when distributed; the same request again returns the first distribution with 200; another (other
        day or method) is a 409, as is an income no listed household may take a part of."""
        out, created = await service.distribute_income(request.user, income_id, data)
        return Response(out, status_code=201 if created else 200)

    @get("/{income_id:int}/distribution", operation_id="getAssetDistribution")
    async def get_distribution(self, request: Request, income_id: PathId) -> DistributionDetail:
        """How the income was shared out: the whole, and every listed household's part line by line (404 until
        it is distributed)."""
        return await service.get_distribution(request.user, income_id)


class EvidenceController(Controller):
    path = "/asset-evidence"
    tags = ["assets"]

    @get("/{evidence_id:int}", operation_id="getAssetEvidence")
    async def get_evidence(self, request: Request, evidence_id: PathId) -> EvidenceOut:
        """What an evidence is: its title, file name, type, size and hash, who attached it and when."""
        return await evidence.get_evidence(request.user, evidence_id)

    @get(
        "/{evidence_id:int}/file",
        operation_id="downloadAssetEvidence",
        responses={200: ResponseSpec(data_container=bytes, description="the file", media_type="*/*")},
    )
    async def download(self, request: Request, evidence_id: PathId) -> File:
        """The evidence's file, with its content type and as an attachment (``evidence-<id>.<ext>``, and its
        uploaded name in ``filename*``); a removed one is not served (404)."""
        found = await evidence.evidence_file(request.user, evidence_id)
        return File(
            path=found.path,
            media_type=found.media_type,
            filename=found.path.name,
            headers={"Content-Disposition": found.disposition},
        )

    @post("/{evidence_id:int}/remove", operation_id="removeAssetEvidence", status_code=200)
    async def remove(self, request: Request, evidence_id: PathId, data: JSONBody[EvidenceRemoval]) -> EvidenceOut:
        """Remove an evidence, with the ``reason``: it stays on record (audited), its file is no longer served."""
        return await evidence.remove_evidence(request.user, evidence_id, data)


class DisposalController(Controller):
    path = "/asset-disposals"
    tags = ["assets"]

    @post("/{disposal_id:int}/approve", operation_id="approveAssetDisposal", status_code=200)
    async def approve(self, request: Request, disposal_id: PathId, data: JSONBody[DisposalApproval]) -> DisposalOut:
        """Approve a pending disposal (an admin of the county, not the account that requested it: 403): the
        asset is disposed of on ``approved_on`` (its status ``disposed``), and takes no new agreement nor
        income. The same approval again answers as the first; any decision on a decided disposal is a 409."""
        return await supervision.approve_disposal(request.user, disposal_id, data)

    @post("/{disposal_id:int}/reject", operation_id="rejectAssetDisposal", status_code=200)
    async def reject(self, request: Request, disposal_id: PathId, data: JSONBody[DisposalRejection]) -> DisposalOut:
        """Turn a pending disposal down, with the ``reason`` (not by the account that requested it: 403); the
        asset stays as it is."""
        return await supervision.reject_disposal(request.user, disposal_id, data)


class FlagController(Controller):
    path = "/asset-flags"
    tags = ["assets"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_flag_filter)}

    @get("/", operation_id="listAssetFlags")
    async def list_flags(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[FlagFilter]
    ) -> FlagPage:
        """What supervision finds wrong with the assets on ``as_of`` (today when left out), by county, the day
        each was raised, asset and kind: ``idle`` (no agreement in force, or no income for the county's months),
        ``arrears`` (a year's income below the agreement's promise), ``undistributed`` (income not shared out
        within the county's days), ``disposed_without_approval``, ``household_left`` (a listed household no
        longer on the register nor monitored, not decided on). ``region``: a division code of any level;
        ``kind``: one kind. A town officer reads its town's assets' flags, the others their region's."""
        return await supervision.list_flags(request.user, filters, page)
