from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.monitoring.tables import ExitAssessment, HardshipEvent, MonitoringLine, Revisit

APP_CONFIG = AppConfig(
    app_name="monitoring",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "monitoring"),
    table_classes=[ExitAssessment, HardshipEvent, Revisit, MonitoringLine],
    migration_dependencies=["app.registry.piccolo_app"],
)
