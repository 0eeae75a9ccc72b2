from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.payouts.tables import Payout, PayoutBatch, PayoutDay

APP_CONFIG = AppConfig(
    app_name="payouts",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "payouts"),
    table_classes=[PayoutBatch, Payout, PayoutDay],
    # audit: the append-only trigger function lives in its migrations
    migration_dependencies=[
        "app.audit.piccolo_app",
        "app.links.piccolo_app",
        "app.registry.piccolo_app",
        "app.enterprises.piccolo_app",
    ],
)
