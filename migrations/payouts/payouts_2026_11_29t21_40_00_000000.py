"""Payouts of income type ``asset_income`` (资产收益): a household's part of an asset's income, appended by the
asset's distribution through this ledger's own staging and insert (app/payouts/bulk.py), so household
income, reports and exports read it like any payout. The CHECK takes the new value (the old list is a part
of the new: validated without a rewrite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "asset income"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="payouts", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE payout DROP CONSTRAINT income_type_known",
            "ALTER TABLE payout ADD CONSTRAINT income_type_known CHECK (income_type IN ('dividend', 'wage',"
            " 'purchase', 'franchise_income', 'asset_income')) NOT VALID",
            "ALTER TABLE payout VALIDATE CONSTRAINT income_type_known",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
