"""One head per household among the members who have not left: a head who dies hands over to a successor."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T01:43:47:518757"
VERSION = "1.38.0"
DESCRIPTION = "one current head"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl("DROP INDEX member_one_head")
        await db.run_ddl(
            "CREATE UNIQUE INDEX member_one_head ON member (household) WHERE relation = 'head' AND left_on IS NULL"
        )

    manager.add_raw(run)
    return manager
