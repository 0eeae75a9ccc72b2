"""A cross-check flag carries its household's county (the departments' records stay province-wide)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="crosscheck", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('cross_check_flag', 'household', 'household')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
