from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.crosscheck.seed import seed_rules

ID = "2026-11-29T00:05:30:614672"
VERSION = "1.38.0"
DESCRIPTION = "seed rules"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="crosscheck", description=DESCRIPTION)
    manager.add_raw(seed_rules)
    return manager
