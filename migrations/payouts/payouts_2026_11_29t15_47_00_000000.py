"""Payouts carry their household's county, and the daily totals become totals per county, day and income
type (the overview of a county, a city or the province reads them). The ledger's append-only trigger is
lifted for the backfill only, in this transaction.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county column, daily totals per county"


# rows of one statement grouped and added in (county, day, type) order, so two batches lock the totals they
# share in the same order and cannot deadlock
ADD_TO_DAY = """
CREATE OR REPLACE FUNCTION payout_add_to_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO payout_day (county_code, paid_on, income_type, payouts, amount)
    SELECT county_code, paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)
    FROM new_rows GROUP BY county_code, paid_on, income_type ORDER BY county_code, paid_on, income_type
    ON CONFLICT (county_code, paid_on, income_type) DO UPDATE
        SET payouts = payout_day.payouts + excluded.payouts, amount = payout_day.amount + excluded.amount;
    RETURN NULL;
END;
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="payouts", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE payout DISABLE TRIGGER payout_append_only",
            "SELECT add_county_column('payout', 'household', 'household')",
            "ALTER TABLE payout ENABLE TRIGGER payout_append_only",
            'ALTER TABLE payout_day ADD COLUMN county_code varchar(6) COLLATE "C" NULL',
            "ALTER TABLE payout_day DROP CONSTRAINT payout_day_unique",
            "DELETE FROM payout_day",
            "INSERT INTO payout_day (county_code, paid_on, income_type, payouts, amount)"
            " SELECT county_code, paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)"
            " FROM payout GROUP BY county_code, paid_on, income_type",
            # NULLS NOT DISTINCT: payouts of households no county holds yet are summed together until adopt
            "ALTER TABLE payout_day ADD CONSTRAINT payout_day_unique UNIQUE NULLS NOT DISTINCT"
            " (county_code, paid_on, income_type)",
            "CREATE INDEX payout_day_county_code ON payout_day (county_code, paid_on)",
            ADD_TO_DAY,
            "SELECT county_column_not_null('payout_day')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
