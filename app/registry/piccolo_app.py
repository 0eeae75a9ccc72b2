from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.registry.tables import (
    Household,
    HouseholdEvent,
    Member,
    Objection,
    PovertyLine,
    Town,
    Village,
)

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=str(Path(__file__).parents[2] / "migrations" / "registry"),
    table_classes=[Town, Village, Household, Member, HouseholdEvent, Objection, PovertyLine],
    migration_dependencies=["app.regions.piccolo_app"],
)
