"""The case-sensitive unique constraint on a payout's reference goes: the index on (enterprise,
lower(reference)) decides every clash now, and ``ON CONFLICT`` names that one. Left beside it, the old
constraint could answer a race between two identical first sends with a unique violation (409) instead
of the first payout."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T14:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop the case-sensitive unique reference of payouts"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="payouts", description=DESCRIPTION)
    manager.drop_constraint(table_class_name="Payout", tablename="payout", constraint_name="unique_reference")
    return manager
