from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.monitoring.tables import (
    ExitAssessment,
    HardshipEvent,
    MonitoringCase,
    MonitoringLine,
    MonitoringMeasure,
    MonitoringRound,
    MonitoringVisit,
    Revisit,
)

APP_CONFIG = AppConfig(
    app_name="monitoring",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "monitoring"),
    table_classes=[
        ExitAssessment,
        HardshipEvent,
        Revisit,
        MonitoringLine,
        MonitoringCase,
        MonitoringMeasure,
        MonitoringRound,
        MonitoringVisit,
    ],
    migration_dependencies=["app.registry.piccolo_app"],
)
