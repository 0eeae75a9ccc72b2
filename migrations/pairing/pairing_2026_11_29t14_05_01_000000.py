"""The case-sensitive unique constraint on a support record's reference goes, as a payout's does: the index
on (enterprise, lower(reference)) decides every clash, and a race between two identical first sends must
meet only that one (``ON CONFLICT`` names it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T14:05:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop the case-sensitive unique reference of support records"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    manager.drop_constraint(
        table_class_name="SupportRecord", tablename="support_record", constraint_name="support_unique_reference"
    )
    return manager
