"""Rules Piccolo cannot declare: one live voucher per claim, a voucher paid at most once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:20:36:107802"
VERSION = "1.38.0"
DESCRIPTION = "vouchers paid once"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="subsidies", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl("CREATE UNIQUE INDEX voucher_one_live_per_claim ON voucher (claim) WHERE status <> 'cancelled'")
        await db.run_ddl("CREATE UNIQUE INDEX payment_line_paid_once ON payment_line (voucher) WHERE result = 'paid'")
        await db.run_ddl("CREATE INDEX voucher_household_paid ON voucher (household, paid_on) WHERE status = 'paid'")

    manager.add_raw(run)
    return manager
