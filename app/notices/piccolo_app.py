from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.notices.tables import Notice, NoticeEntry, NoticeObjection

APP_CONFIG = AppConfig(
    app_name="notices",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "notices"),
    table_classes=[Notice, NoticeEntry, NoticeObjection],
    migration_dependencies=["app.audit.piccolo_app", "app.registry.piccolo_app", "app.subsidies.piccolo_app"],
)
