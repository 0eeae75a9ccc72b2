"""Apply Piccolo migrations from code (used by ``chainaid migrate`` / ``serve`` and the tests)."""

from __future__ import annotations

import contextlib
import io

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
