"""Make the audit trail append-only in the database itself.

Even an account with write access to the table cannot edit or delete an entry
without first disabling the trigger; the hash chain catches whoever does.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T23:57:32:118656"
VERSION = "1.38.0"
DESCRIPTION = "append-only trigger"

FORBID_CHANGE = """
CREATE OR REPLACE FUNCTION chainaid_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(FORBID_CHANGE)
        await db.run_ddl(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION chainaid_forbid_change()"
        )
        await db.run_ddl(
            "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION chainaid_forbid_change()"
        )

    manager.add_raw(run)
    return manager
