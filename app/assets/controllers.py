from __future__ import annotations

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from app.assets import service
from app.assets.dependencies import provide_asset_filter
from app.assets.schemas import (
    AgreementCreate,
    AgreementDetail,
    AgreementOut,
    AssetCreate,
    AssetDetail,
    AssetFilter,
    AssetOut,
    AssetUpdate,
    DistributionDetail,
    DistributionIn,
    DistributionOut,
    IncomeIn,
    IncomeOut,
    OwnershipIn,
    OwnershipOut,
)
from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params


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
