"""Evidence, disposals and decisions on listed households are county-owned, each taking its county from its
parent (the asset, the agreement). An asset holds one file once among its evidence not removed, one pending
disposal and one approved disposal at most; the decisions are append-only."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T22:47:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "county columns and rules of evidence, disposals and decisions"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="assets", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "SELECT add_county_column('asset_evidence', 'asset', 'asset')",
            "SELECT add_county_column('asset_disposal', 'asset', 'asset')",
            "SELECT add_county_column('asset_beneficiary_decision', 'asset_agreement', 'agreement')",
            "CREATE UNIQUE INDEX asset_evidence_file_once ON asset_evidence (asset, sha256) WHERE removed_at IS NULL",
            "CREATE UNIQUE INDEX asset_disposal_one_pending ON asset_disposal (asset) WHERE status = 'pending'",
            "CREATE UNIQUE INDEX asset_disposal_one_approved ON asset_disposal (asset) WHERE status = 'approved'",
            "CREATE INDEX asset_beneficiary_decision_of ON asset_beneficiary_decision (agreement, household)",
            "CREATE TRIGGER asset_beneficiary_decision_append_only BEFORE UPDATE OR DELETE"
            " ON asset_beneficiary_decision FOR EACH ROW EXECUTE FUNCTION chainaid_forbid_change()",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
