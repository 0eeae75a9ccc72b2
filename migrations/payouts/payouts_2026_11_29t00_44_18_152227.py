"""Daily totals of the payout ledger, kept by a statement trigger in the writing transaction.

Rows of one statement are grouped and added in (day, type) order, so two batches lock the
totals they share in the same order and cannot deadlock.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:44:18:152227"
VERSION = "1.38.0"
DESCRIPTION = "daily totals trigger"

ADD_TO_DAY = """
CREATE OR REPLACE FUNCTION payout_add_to_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO payout_day (paid_on, income_type, payouts, amount)
    SELECT paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)
    FROM new_rows GROUP BY paid_on, income_type ORDER BY paid_on, income_type
    ON CONFLICT (paid_on, income_type) DO UPDATE
        SET payouts = payout_day.payouts + excluded.payouts, amount = payout_day.amount + excluded.amount;
    RETURN NULL;
END;
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="payouts", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(ADD_TO_DAY)
        await db.run_ddl(
            "CREATE TRIGGER payout_day_totals AFTER INSERT ON payout REFERENCING NEW TABLE AS new_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION payout_add_to_day()"
        )
        await db.run_ddl(
            "INSERT INTO payout_day (paid_on, income_type, payouts, amount)"
            " SELECT paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)"
            " FROM payout GROUP BY paid_on, income_type"
        )

    manager.add_raw(run)
    return manager
