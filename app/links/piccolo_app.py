from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.links.tables import Base, Link

APP_CONFIG = AppConfig(
    app_name="links",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "links"),
    table_classes=[Base, Link],
    migration_dependencies=["app.registry.piccolo_app", "app.enterprises.piccolo_app", "app.industries.piccolo_app"],
)
