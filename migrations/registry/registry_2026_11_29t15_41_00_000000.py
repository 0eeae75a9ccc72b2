"""Towns, villages and the household register carry their county (app/core/counties.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('town', 'region', 'county_id', 'code')",
            "SELECT add_county_column('village', 'town', 'town')",
            "SELECT add_county_column('household', 'village', 'village')",
            "SELECT add_county_column('member', 'household', 'household')",
            "SELECT add_county_column('household_event', 'household', 'household')",
            "SELECT add_county_column('objection', 'household', 'household')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
