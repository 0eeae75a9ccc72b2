from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.subsidies.tables import (
    PaymentBatch,
    PaymentLine,
    SchemeRate,
    SubsidyClaim,
    SubsidyScheme,
    Voucher,
)

APP_CONFIG = AppConfig(
    app_name="subsidies",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "subsidies"),
    table_classes=[SubsidyScheme, SchemeRate, SubsidyClaim, PaymentBatch, Voucher, PaymentLine],
    # payouts: the household income view (migrations/subsidies) reads the payout ledger beside the vouchers
    migration_dependencies=[
        "app.registry.piccolo_app",
        "app.industries.piccolo_app",
        "app.links.piccolo_app",
        "app.payouts.piccolo_app",
    ],
)
