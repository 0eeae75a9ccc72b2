from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.industries.tables import Industry

APP_CONFIG = AppConfig(
    app_name="industries",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "industries"),
    table_classes=[Industry],
    migration_dependencies=[],
)
