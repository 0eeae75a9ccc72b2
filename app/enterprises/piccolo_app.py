from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.enterprises.tables import Enterprise, EnterpriseIndustry

APP_CONFIG = AppConfig(
    app_name="enterprises",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "enterprises"),
    table_classes=[Enterprise, EnterpriseIndustry],
    migration_dependencies=["app.registry.piccolo_app", "app.industries.piccolo_app"],
)
