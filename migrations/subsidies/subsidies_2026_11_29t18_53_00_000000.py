"""A scheme may require its verified claims to stand on a public notice (公示) in their village before they
are approved: ``notice_days`` is the notice's least length, 0 for none (every scheme so far: nothing about
them changes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T18:53:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notice days"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="subsidies", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE subsidy_scheme ADD COLUMN notice_days integer NOT NULL DEFAULT 0",
            "ALTER TABLE subsidy_scheme ADD CONSTRAINT notice_days_bounded CHECK (notice_days BETWEEN 0 AND 90)",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
