from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.accounts.tables import Account

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "accounts"),
    table_classes=[Account],
    migration_dependencies=["app.registry.piccolo_app", "app.enterprises.piccolo_app"],
)
