"""Links of kind ``asset`` get their own number in the exclusion constraint that keeps links of one kind between a
base and a household from overlapping (``link_no_overlap``): it numbered the kinds share 1, wage 2, cooperation 3
and every other 4, so an asset link would have clashed with a franchise link of the same household and base.
Now franchise is 4, asset 5, and any other kind 0 (none exists: the kind's CHECK lists them)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "asset links in the overlap constraint"

KIND = (
    "CASE kind WHEN 'share' THEN 1 WHEN 'wage' THEN 2 WHEN 'cooperation' THEN 3 WHEN 'franchise' THEN 4"
    " WHEN 'asset' THEN 5 ELSE 0 END"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="links", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE link DROP CONSTRAINT link_no_overlap",
            "ALTER TABLE link ADD CONSTRAINT link_no_overlap EXCLUDE USING gist ("
            " int4range(base, base, '[]') WITH &&,"
            " int4range(household, household, '[]') WITH &&,"
            f" int4range({KIND}, {KIND}, '[]') WITH &&,"
            " daterange(start_date, end_date, '[]') WITH &&)",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
