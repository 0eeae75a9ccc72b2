from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.registry.seed import seed_poverty_lines

ID = "2026-11-29T00:12:54:049085"
VERSION = "1.38.0"
DESCRIPTION = "seed poverty lines"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)
    manager.add_raw(seed_poverty_lines)
    return manager
