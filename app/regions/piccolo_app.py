from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.regions.tables import CountyPolicy, Region

APP_CONFIG = AppConfig(
    app_name="regions",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "regions"),
    table_classes=[Region, CountyPolicy],
    migration_dependencies=[],
)
