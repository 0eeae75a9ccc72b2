"""An enterprise is registered in its town's county; its industries carry the same county."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:42:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="enterprises", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('enterprise', 'town', 'town')",
            "SELECT add_county_column('enterprise_industry', 'enterprise', 'enterprise')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
