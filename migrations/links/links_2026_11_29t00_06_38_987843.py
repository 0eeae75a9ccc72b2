"""One active link per (enterprise, base, household, kind), as an exclusion constraint.

"Active" is a period, not a flag: two links of the same kind between the same
parties may follow each other but never overlap in time. The base fixes the
enterprise, so (base, household, kind, period) is the key. Equality on integers
inside a GiST index would need the btree_gist extension, which the embedded
server lacks; a one-point int4range overlapping another is the same test in core.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:06:38:987843"
VERSION = "1.38.0"
DESCRIPTION = "no overlapping links"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="links", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "ALTER TABLE link ADD CONSTRAINT link_no_overlap EXCLUDE USING gist ("
            " int4range(base, base, '[]') WITH &&,"
            " int4range(household, household, '[]') WITH &&,"
            " int4range(CASE kind WHEN 'share' THEN 1 WHEN 'wage' THEN 2 WHEN 'cooperation' THEN 3 ELSE 4 END,"
            "           CASE kind WHEN 'share' THEN 1 WHEN 'wage' THEN 2 WHEN 'cooperation' THEN 3 ELSE 4 END, '[]') WITH &&,"
            " daterange(start_date, end_date, '[]') WITH &&)"
        )

    manager.add_raw(run)
    return manager
