from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.assets.tables import (
    Asset,
    AssetAgreement,
    AssetBeneficiary,
    AssetBeneficiaryDecision,
    AssetDisposal,
    AssetDistribution,
    AssetEvidence,
    AssetFunding,
    AssetIncome,
    AssetOwner,
    AssetOwnership,
)

APP_CONFIG = AppConfig(
    app_name="assets",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "assets"),
    table_classes=[
        Asset,
        AssetFunding,
        AssetOwnership,
        AssetOwner,
        AssetAgreement,
        AssetBeneficiary,
        AssetIncome,
        AssetDistribution,
        AssetEvidence,
        AssetDisposal,
        AssetBeneficiaryDecision,
    ],
    migration_dependencies=[
        "app.registry.piccolo_app",
        "app.industries.piccolo_app",
        "app.enterprises.piccolo_app",
        "app.links.piccolo_app",
        "app.payouts.piccolo_app",
        "app.monitoring.piccolo_app",
    ],
)
