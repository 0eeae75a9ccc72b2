"""Links of kind ``asset`` (资产收益): made by the distribution of an asset's income to the households its
operating agreement lists (app/assets), never by an operator. The kind's CHECK takes the new value; the
table's rows already meet it (the old list is a part of the new), so it is validated without a rewrite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "asset links"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="links", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE link DROP CONSTRAINT kind_known",
            "ALTER TABLE link ADD CONSTRAINT kind_known"
            " CHECK (kind IN ('share', 'wage', 'cooperation', 'franchise', 'asset')) NOT VALID",
            "ALTER TABLE link VALIDATE CONSTRAINT kind_known",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
