"""A county's least households an operator must bring along in a year (联农带农); a null is the setting's
value (CHAINAID_MIN_LINKED_HOUSEHOLDS)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T21:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county policy: min linked households"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="regions", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            "ALTER TABLE county_policy ADD COLUMN min_linked_households integer NULL"
            " CHECK (min_linked_households BETWEEN 0 AND 100000)"
        )

    manager.add_raw(run)
    return manager
