"""The SQL twins of the registry's rules (app/registry/rules.py): who is on the register, who is poor now,
and which members count on a day. Every query that asks these questions calls these functions, so the
answer is written once per language; SQL functions this simple are inlined by the planner."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T10:50:12:204512"
VERSION = "1.38.0"
DESCRIPTION = "rule twins"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "CREATE FUNCTION household_on_register(status text) RETURNS boolean"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
            " RETURN status IN ('registered', 'exited', 'returned')"
        )
        await db.run_ddl(
            "CREATE FUNCTION household_poor_now(status text) RETURNS boolean"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
            " RETURN status IN ('registered', 'returned')"
        )
        await db.run_ddl(
            "CREATE FUNCTION member_counted_on(left_on date, day date) RETURNS boolean"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
            " RETURN left_on IS NULL OR left_on >= day"
        )

    manager.add_raw(run)
    return manager
