"""Apply Piccolo migrations from code (used by ``chainaid migrate`` / ``serve`` and the tests)."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


async def migrate(verbose: bool = False) -> None:
    import piccolo_conf  # noqa: F401  - the engine must exist before Piccolo looks for it

    # Piccolo reports every app on stdout; keep it only when asked or when it fails.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if verbose or not response.success:
        print(out.getvalue())
    if not response.success:
        raise RuntimeError(f"migrations failed: {response.message}")
