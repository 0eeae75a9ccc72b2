"""Rules Piccolo cannot declare: partial unique indexes on members."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:03:50:411170"
VERSION = "1.38.0"
DESCRIPTION = "household indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        # A person belongs to at most one household that is not removed.
        await db.run_ddl(
            "CREATE UNIQUE INDEX member_id_number_active ON member (id_number) WHERE in_active_household"
        )
        # One head per household.
        await db.run_ddl("CREATE UNIQUE INDEX member_one_head ON member (household) WHERE relation = 'head'")
        await db.run_ddl("CREATE INDEX objection_open ON objection (household) WHERE resolved_at IS NULL")
        await db.run_ddl("CREATE INDEX household_event_household_at ON household_event (household, at)")

    manager.add_raw(run)
    return manager
