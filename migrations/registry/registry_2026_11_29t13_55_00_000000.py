"""Poverty lines per province: a line with a province is that province's; one without is the national
line, the fallback where a province has none. One line per (province, year), the national one included
(NULLS NOT DISTINCT)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T13:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "poverty lines per province"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE poverty_line ADD COLUMN province_id integer NULL REFERENCES region (id) ON DELETE RESTRICT",
            "ALTER TABLE poverty_line DROP CONSTRAINT poverty_line_year_key",
            "ALTER TABLE poverty_line ADD CONSTRAINT poverty_line_province_year UNIQUE NULLS NOT DISTINCT"
            " (province_id, year)",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
