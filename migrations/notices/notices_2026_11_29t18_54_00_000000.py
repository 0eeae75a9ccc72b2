"""A notice is in its village's county, its entries and objections in the notice's; a subsidy_claims notice
names its scheme and each entry its claim by foreign keys made here (the subsidies app builds on this one,
so its tables are not imported by ours), and a claim stands on one notice at most."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T18:54:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county columns, the scheme and claim keys"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notices", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('notice', 'village', 'village')",
            "SELECT add_county_column('notice_entry', 'notice', 'notice')",
            "SELECT add_county_column('notice_objection', 'notice', 'notice')",
            "ALTER TABLE notice ADD CONSTRAINT notice_scheme_fkey FOREIGN KEY (scheme)"
            " REFERENCES subsidy_scheme (id) ON DELETE RESTRICT",
            "CREATE INDEX notice_scheme ON notice (scheme) WHERE scheme IS NOT NULL",
            "ALTER TABLE notice_entry ADD CONSTRAINT notice_entry_claim_fkey FOREIGN KEY (claim)"
            " REFERENCES subsidy_claim (id) ON DELETE RESTRICT",
            "CREATE UNIQUE INDEX notice_entry_one_notice_per_claim ON notice_entry (claim) WHERE claim IS NOT NULL",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
