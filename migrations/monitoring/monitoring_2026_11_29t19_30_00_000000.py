"""Visits carry their case's county (the procedure of the regions migration: column, index, insert trigger,
not null)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column of monitoring visits"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl("SELECT add_county_column('monitoring_visit', 'monitoring_case', 'monitoring_case')")

    manager.add_raw(run)
    return manager
