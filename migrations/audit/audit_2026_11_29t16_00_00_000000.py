"""One audit chain per county and one for the province: each entry names its chain.

``chain`` is the county's 6-digit code, or '' for what belongs to no county. Every entry written so far
goes to '' (together they are one valid chain already, and the province chain's hash is computed as it
always was). The default is dropped once they have it: a writer names the chain of every entry, and a
writer of the old single chain (one that does not) is refused rather than chaining onto another chain.
The index serves each chain's head (the newest entry of a chain, read under its lock) and the check of a
chain in id order; collation "C", so that a region's chains (a code prefix) are a range on it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain per county"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "ALTER TABLE audit_entry ADD COLUMN chain varchar(6) COLLATE \"C\" NOT NULL DEFAULT ''"
            " CONSTRAINT audit_entry_chain_name CHECK (chain ~ '^([0-9]{6})?$')"
        )
        await db.run_ddl("ALTER TABLE audit_entry ALTER COLUMN chain DROP DEFAULT")
        await db.run_ddl("CREATE INDEX audit_entry_chain_id ON audit_entry (chain, id)")

    manager.add_raw(run)
    return manager
