"""A pairing and a support record are in their village's county (the append-only trigger of support
records is lifted for the backfill only, in this transaction)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:46:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE support_record DISABLE TRIGGER support_record_append_only",
            "SELECT add_county_column('pairing', 'village', 'village')",
            "SELECT add_county_column('support_record', 'village', 'village')",
            "ALTER TABLE support_record ENABLE TRIGGER support_record_append_only",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
