from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T10:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "forms are checked by Litestar's CSRF cookie; the per-session token goes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="console", description=DESCRIPTION)

    manager.drop_column(
        table_class_name="ConsoleSession",
        tablename="console_session",
        column_name="csrf",
        db_column_name="csrf",
        schema=None,
    )

    return manager
