"""Assessments, hardship events and revisits carry their household's county."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('exit_assessment', 'household', 'household')",
            "SELECT add_county_column('hardship_event', 'household', 'household')",
            "SELECT add_county_column('revisit', 'household', 'household')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
