"""A county's own policy (continuation years, notice days, exit incidence); a null is the setting's value."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T13:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county policy"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="regions", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "CREATE TABLE county_policy ("
            " id serial PRIMARY KEY,"
            " county integer NOT NULL UNIQUE REFERENCES region (id) ON DELETE RESTRICT,"
            " continuation_years integer NULL CHECK (continuation_years BETWEEN 0 AND 20),"
            " notice_days integer NULL CHECK (notice_days BETWEEN 1 AND 90),"
            " exit_incidence numeric NULL CHECK (exit_incidence > 0 AND exit_incidence <= 1 AND scale(exit_incidence) <= 4),"
            " updated_at timestamptz NOT NULL DEFAULT now()"
            ")"
        )

    manager.add_raw(run)
    return manager
