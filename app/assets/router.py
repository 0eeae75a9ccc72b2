"""The assets domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.assets.controllers import (
    AgreementController,
    AssetController,
    DisposalController,
    EvidenceController,
    FlagController,
    IncomeController,
)

router = Router(
    path="/api/v1",
    route_handlers=[
        AssetController,
        AgreementController,
        IncomeController,
        EvidenceController,
        DisposalController,
        FlagController,
    ],
)
