"""Accounts scoped to a region: an admin, finance or auditor account may name a region of any level
(province, city, county) and then reaches only what lies under it; none is the whole deployment.
Operators stay bound to their enterprise and town officers to their town (their county is the town's)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T16:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts scoped to a region"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE account ADD COLUMN region_id integer NULL REFERENCES region (id) ON DELETE RESTRICT",
            "CREATE INDEX account_region_id ON account (region_id)",
            "ALTER TABLE account ADD CONSTRAINT account_region_for_role"
            " CHECK (region_id IS NULL OR role IN ('admin', 'finance', 'auditor'))",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
