"""Apply Piccolo migrations from code (used by ``chainaid migrate`` / ``serve`` and the tests)."""

from __future__ import annotations

import contextlib
import io
from functools import lru_cache

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards


async def migrate() -> str:
    """Apply what is pending; returns Piccolo's report (raises with it when a migration fails)."""
    import piccolo_conf  # noqa: F401  - the engine must exist before Piccolo looks for it

    # Piccolo reports every app on stdout; keep it for whoever asked
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not response.success:
        raise RuntimeError(f"migrations failed: {response.message}\n{out.getvalue()}")
    return out.getvalue()


@lru_cache(maxsize=1)
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """(app, migration id) of every migration this code ships: what a current database has applied."""
    import piccolo_conf  # noqa: F401  - the app registry must exist before Piccolo looks for it

    finder = BaseMigrationManager()
    found: set[tuple[str, str]] = set()
    for config in finder.get_app_registry().app_configs.values():
        modules = finder.get_migration_modules(config.resolved_migrations_folder_path)
        found.update((config.app_name, migration_id) for migration_id in modules)
    return frozenset(found)
