from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.industries.seed import seed_industries

ID = "2026-11-28T23:57:34:684265"
VERSION = "1.38.0"
DESCRIPTION = "seed industries"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="industries", description=DESCRIPTION)
    manager.add_raw(seed_industries)
    return manager
