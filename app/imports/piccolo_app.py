from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.imports.tables import ImportJob

APP_CONFIG = AppConfig(
    app_name="imports",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "imports"),
    table_classes=[ImportJob],
    migration_dependencies=["app.accounts.piccolo_app"],
)
