"""A base is in its village's county (which may not be its enterprise's); a link in its household's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:43:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="links", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('base', 'village', 'village')",
            "SELECT add_county_column('link', 'household', 'household')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
