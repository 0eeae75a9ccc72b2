"""A county's own thresholds for the supervision of its project assets (app/assets): months without income
before an asset in use counts as idle, days to distribute an income, days of grace after a year before its
income short of the agreement's promise is in arrears; a null is the setting's value
(CHAINAID_ASSET_IDLE_MONTHS, CHAINAID_ASSET_DISTRIBUTION_DAYS, CHAINAID_ASSET_ARREARS_GRACE_DAYS)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T22:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county policy: asset supervision thresholds"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="regions", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            "ALTER TABLE county_policy"
            " ADD COLUMN asset_idle_months integer NULL CHECK (asset_idle_months BETWEEN 1 AND 120),"
            " ADD COLUMN asset_distribution_days integer NULL CHECK (asset_distribution_days BETWEEN 1 AND 365),"
            " ADD COLUMN asset_arrears_grace_days integer NULL CHECK (asset_arrears_grace_days BETWEEN 0 AND 365)"
        )

    manager.add_raw(run)
    return manager
