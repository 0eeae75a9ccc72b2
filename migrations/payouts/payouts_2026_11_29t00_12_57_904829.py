"""The payout ledger is append-only, like the audit trail; reports read it by household, link and year."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:12:57:904829"
VERSION = "1.38.0"
DESCRIPTION = "append-only payouts"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="payouts", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "CREATE TRIGGER payout_append_only BEFORE UPDATE OR DELETE ON payout "
            "FOR EACH ROW EXECUTE FUNCTION chainaid_forbid_change()"
        )
        await db.run_ddl(
            "CREATE TRIGGER payout_no_truncate BEFORE TRUNCATE ON payout "
            "FOR EACH STATEMENT EXECUTE FUNCTION chainaid_forbid_change()"
        )
        await db.run_ddl(
            "ALTER TABLE payout ADD CONSTRAINT payout_reverses_fkey FOREIGN KEY (reverses) REFERENCES payout (id)"
        )
        await db.run_ddl("CREATE INDEX payout_household_paid_on ON payout (household, paid_on) INCLUDE (income_type, amount)")
        await db.run_ddl("CREATE INDEX payout_enterprise_paid_on ON payout (enterprise, paid_on)")
        await db.run_ddl("CREATE INDEX payout_link_paid_on ON payout (link, paid_on)")

    manager.add_raw(run)
    return manager
