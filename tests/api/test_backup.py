"""``chainaid backup`` and ``chainaid restore``: the demo city, backed up and restored into a fresh database,
has the same audit chain (verified there) and the same overview figures as the original."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.demo import load_demo
from tests.api.conftest import TEST_DATABASE, _admin_sql, _server_url, _with_database

ROOT = Path(__file__).resolve().parents[2]
RESTORED = f"{TEST_DATABASE}_restored"
WITNESS = Path(tempfile.gettempdir()) / f"{RESTORED}-checkpoints.jsonl"

# what an operator would look at after a restore: the chain verified there, and the city's figures
FIGURES = """
import asyncio, datetime, json, msgspec
from app.audit.service import verify_chain
from app.stats.service import overview

async def main():
    check = await verify_chain()
    figures = await overview(datetime.date.today())
    print(json.dumps({"chain": msgspec.to_builtins(check), "overview": msgspec.to_builtins(figures)}))

asyncio.run(main())
"""


def _env(database_url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    # the chain is verified against a witness of its own: checkpoints other tests left of other chains (the
    # database is emptied between tests) are no witness of this one
    env["CHAINAID_AUDIT_CHECKPOINTS"] = str(WITNESS)
    return env


def chainaid(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = _env(database_url)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def figures(database_url: str) -> dict:
    env = _env(database_url)
    done = subprocess.run(
        [sys.executable, "-c", FIGURES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture
async def restored_url():
    server = _server_url()
    await _admin_sql(server, f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)', f'CREATE DATABASE "{RESTORED}"')
    yield _with_database(server, RESTORED)
    await _admin_sql(server, f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')
    WITNESS.unlink(missing_ok=True)


async def test_a_backup_restored_into_a_fresh_database_has_the_same_chain_and_figures(
    database_url, restored_url, tmp_path
):
    await load_demo()
    original = figures(database_url)
    assert original["chain"]["ok"] is True and original["chain"]["checked"] > 0
    assert original["overview"]["households_registered"] == 22108

    file = tmp_path / "chainaid.dump"
    made = chainaid(database_url, "backup", str(file))
    assert made.returncode == 0, made.stderr
    assert "backup written to" in made.stdout and file.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == ["chainaid.dump"]  # no partial file left beside it

    back = chainaid(restored_url, "restore", str(file))
    assert back.returncode == 0, back.stderr
    assert figures(restored_url) == original
    verified = chainaid(restored_url, "audit", "verify")
    assert verified.returncode == 0 and f"{original['chain']['checked']} entries checked" in verified.stdout

    # a database that holds something is not restored over, unless asked to
    again = chainaid(restored_url, "restore", str(file))
    assert again.returncode == 1 and "already holds" in again.stderr and "--force" in again.stderr
    forced = chainaid(restored_url, "restore", "--force", str(file))
    assert forced.returncode == 0, forced.stderr  # in one transaction, stopping at the first error


async def test_restore_refuses_what_is_not_a_backup(database_url, restored_url, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    r = chainaid(restored_url, "restore", str(not_a_backup))
    assert r.returncode == 1 and "is not a backup made by chainaid backup" in r.stderr
    r = chainaid(restored_url, "restore", str(tmp_path / "missing.dump"))
    assert r.returncode == 1 and "restore refused" in r.stderr
    r = chainaid(database_url, "backup", str(tmp_path / "no" / "such" / "folder.dump"))
    assert r.returncode == 1 and "is not a folder" in r.stderr
