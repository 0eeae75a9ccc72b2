"""Support records are a ledger like payouts: no edits, no deletes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:26:26:237530"
VERSION = "1.38.0"
DESCRIPTION = "support records append-only"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "CREATE TRIGGER support_record_append_only BEFORE UPDATE OR DELETE ON support_record "
            "FOR EACH ROW EXECUTE FUNCTION chainaid_forbid_change()"
        )
        await db.run_ddl("CREATE INDEX support_record_given_on ON support_record (given_on)")

    manager.add_raw(run)
    return manager
