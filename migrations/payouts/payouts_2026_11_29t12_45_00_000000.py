"""A payout's reference is unique per enterprise whatever the case of its letters: ref-1 and REF-1 name
the same payout.

The ledger is append-only, so a ledger that already holds two references differing only in case is not
changed here: the migration stops and names them, for the bureau to decide which spelling each keeps
(with the ledger's trigger lifted for that, and an audit note), then ``chainaid migrate`` again.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T12:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payout references unique whatever their case"

CLASHES = (
    "SELECT enterprise, string_agg(reference || ' (payout ' || id || ')', ', ' ORDER BY id) AS spelled"
    " FROM payout GROUP BY enterprise, lower(reference) HAVING count(*) > 1"
    " ORDER BY enterprise, min(id) LIMIT 20"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="payouts", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        clashes = await db.run_ddl(CLASHES)
        if clashes:
            listed = "; ".join(f"enterprise {r['enterprise']}: {r['spelled']}" for r in clashes)
            raise RuntimeError(
                "payout references that differ only in the case of their letters must be told apart before"
                f" references are compared without case: {listed}"
            )
        await db.run_ddl("CREATE UNIQUE INDEX payout_reference_any_case ON payout (enterprise, lower(reference))")

    manager.add_raw(run)
    return manager
