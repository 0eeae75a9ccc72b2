from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.console.tables import ConsoleSession

APP_CONFIG = AppConfig(
    app_name="console",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "console"),
    table_classes=[ConsoleSession],
    migration_dependencies=["app.accounts.piccolo_app"],
)
