"""The asset tables are county-owned: each takes its county from its parent (an asset from its village, the
rest down the chain asset → agreement → income → distribution). Ownership confirmations, incomes and
distributions are append-only, like the payout ledger; an income's reference is unique per agreement
whatever its case."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T22:06:21:000000"
VERSION = "1.38.0"
DESCRIPTION = "county columns, append-only ledgers, income references"

APPEND_ONLY = ("asset_ownership", "asset_owner", "asset_income", "asset_distribution")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="assets", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('asset', 'village', 'village')",
            "SELECT add_county_column('asset_funding', 'asset', 'asset')",
            "SELECT add_county_column('asset_ownership', 'asset', 'asset')",
            "SELECT add_county_column('asset_owner', 'asset_ownership', 'ownership')",
            "SELECT add_county_column('asset_agreement', 'asset', 'asset')",
            "SELECT add_county_column('asset_beneficiary', 'asset_agreement', 'agreement')",
            "SELECT add_county_column('asset_income', 'asset_agreement', 'agreement')",
            "SELECT add_county_column('asset_distribution', 'asset_income', 'income')",
            "CREATE UNIQUE INDEX asset_income_reference ON asset_income (agreement, lower(reference))",
            *(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION chainaid_forbid_change()"
                for table in APPEND_ONLY
            ),
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
