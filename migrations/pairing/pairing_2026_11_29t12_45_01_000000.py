"""A support record's reference is unique per enterprise whatever the case of its letters, as a payout's is.

Support records are append-only, so a ledger that already holds two references differing only in case is not
changed here: the migration stops and names them, for the bureau to decide which spelling each keeps
(with the table's trigger lifted for that, and an audit note), then ``chainaid migrate`` again.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T12:45:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "support references unique whatever their case"

CLASHES = (
    "SELECT enterprise, string_agg(reference || ' (support record ' || id || ')', ', ' ORDER BY id) AS spelled"
    " FROM support_record GROUP BY enterprise, lower(reference) HAVING count(*) > 1"
    " ORDER BY enterprise, min(id) LIMIT 20"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        clashes = await db.run_ddl(CLASHES)
        if clashes:
            listed = "; ".join(f"enterprise {r['enterprise']}: {r['spelled']}" for r in clashes)
            raise RuntimeError(
                "support record references that differ only in the case of their letters must be told apart"
                f" before references are compared without case: {listed}"
            )
        await db.run_ddl(
            "CREATE UNIQUE INDEX support_record_reference_any_case ON support_record (enterprise, lower(reference))"
        )

    manager.add_raw(run)
    return manager
