"""Importing the app, its CLI or Piccolo's configuration starts no database: only using one does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_importing_the_app_and_piccolo_conf_starts_no_embedded_database(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"CHAINAID_PGDATA": str(pgdata)}
    subprocess.run(
        [sys.executable, "-c", "import piccolo_conf, app.main, app.cli; app.main.create_app()"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        check=True,
        timeout=120,
    )
    assert not pgdata.exists()
