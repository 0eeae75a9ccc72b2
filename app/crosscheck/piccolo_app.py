from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.crosscheck.tables import CrossCheckFlag, CrossCheckRule, DepartmentRecord

APP_CONFIG = AppConfig(
    app_name="crosscheck",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "crosscheck"),
    table_classes=[CrossCheckRule, DepartmentRecord, CrossCheckFlag],
    migration_dependencies=["app.registry.piccolo_app"],
)
