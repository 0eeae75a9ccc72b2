from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.pairing.tables import Pairing, SupportRecord

APP_CONFIG = AppConfig(
    app_name="pairing",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "pairing"),
    table_classes=[Pairing, SupportRecord],
    migration_dependencies=["app.audit.piccolo_app", "app.registry.piccolo_app", "app.enterprises.piccolo_app"],
)
