"""Ordinary households (status ``ordinary``): rural households never registered as poor, kept in the
registry with their members so that monitoring can take them in (边缘易致贫户). ``household_on_register``
and ``household_poor_now`` stay false for them: no register figure counts them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T19:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ordinary households"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE household DROP CONSTRAINT status_known",
            "ALTER TABLE household ADD CONSTRAINT status_known CHECK (status IN ('applied', 'surveyed', 'reviewed',"
            " 'notice', 'town_reviewed', 'registered', 'exited', 'returned', 'removed', 'ordinary'))",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
