"""What reached a household, item by item: payouts under its links and the subsidies the bank paid it.

One definition of a household's income, read by the income report, the exit test and the monitoring
list alike (each filters it by household and by the day paid, which PostgreSQL pushes into both
branches, so the ledgers' indexes are used as before)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T11:30:41:511302"
VERSION = "1.38.0"
DESCRIPTION = "household income items"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="subsidies", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "CREATE VIEW household_income_item AS"
            " SELECT household, income_type, amount, paid_on, reverses IS NULL AS counts_as_payment FROM payout"
            " UNION ALL"
            " SELECT household, 'subsidy', amount, paid_on, true FROM voucher WHERE status = 'paid'"
        )

    manager.add_raw(run)
    return manager
