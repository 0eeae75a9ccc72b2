"""A real streaming replica: reports, exports and lists read there, writes never do, and a replica that stops
leaves the reads to the primary with ``/ready`` saying so.

The test builds its own pair of servers with the PostgreSQL programs the embedded server ships (pgserver's
``pginstall/bin``), whichever server the rest of the suite uses: a primary made with ``initdb`` in a temporary
folder, a replica of it made with ``pg_basebackup -R`` and started on another port, both logging every
statement. ``chainaid serve`` then runs with ``DATABASE_URL`` at the primary and ``DATABASE_REPLICA_URL`` at the
replica, and the servers' logs say where each statement ran. Both servers are stopped at the end, pass or fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.api.test_serve import Database, Served, _free_port, serving

RETRY_SECONDS = 1


def _pg_bin() -> Path:
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


@dataclass
class Node:
    """One PostgreSQL server of the pair, run by ``user`` (PostgreSQL refuses to run as root)."""

    data: Path
    port: int
    log: Path
    user: str | None

    def run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(_pg_bin() / program), *args], user=self.user, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}\n{done.stderr}"

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def mark(self) -> int:
        """Where the log ends now: ``since`` reads what was written after."""
        return self.log.stat().st_size

    def since(self, mark: int) -> str:
        with self.log.open("rb") as f:
            f.seek(mark)
            return f.read().decode("utf-8", "replace")


@dataclass
class Pair:
    primary: Node
    replica: Node
    database: str = "chainaid"


def _own(path: Path, user: str | None) -> None:
    if user is not None:
        shutil.chown(path, user)


@pytest.fixture
def pair() -> Iterator[Pair]:
    """A primary and its streaming replica, both stopped and removed at the end, even on failure."""
    user = None
    if os.geteuid() == 0:
        from pgserver.utils import ensure_user_exists

        user = "pgserver"
        ensure_user_exists(user)
    base = Path(tempfile.mkdtemp(prefix="chainaid-replica-"))
    base.chmod(0o755)
    _own(base, user)
    primary = Node(base / "primary", _free_port(), base / "primary.log", user)
    replica = Node(base / "replica", _free_port(), base / "replica.log", user)
    started: list[Node] = []
    try:
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8")
        # every statement logged: the logs tell which server ran what
        settings = (
            f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nlog_statement = 'all'\n"
            "logging_collector = off\nfsync = off\nwal_keep_size = '256MB'\n"
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(settings)
        primary.start()
        started.append(primary)
        asyncio.run(_sql(primary.url("postgres"), "CREATE DATABASE chainaid"))
        primary.run(
            "pg_basebackup",
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"),
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
        )
        with (replica.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        replica.start()
        started.append(replica)
        yield Pair(primary, replica)
    finally:
        for node in reversed(started):
            with contextlib.suppress(AssertionError, subprocess.SubprocessError, OSError):
                node.stop()
        shutil.rmtree(base, ignore_errors=True)


async def _sql(url: str, statement: str) -> object:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(statement)
    finally:
        await conn.close()


def _caught_up(pair: Pair) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = asyncio.run(_sql(pair.primary.url("postgres"), "SELECT pg_current_wal_lsn()::text"))
    deadline = time.monotonic() + 60
    while True:
        replayed = asyncio.run(
            _sql(pair.replica.url("postgres"), f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        )
        if replayed:
            return
        assert time.monotonic() < deadline, "the replica did not catch up within 60 s"
        time.sleep(0.1)


def _statements(log: str) -> list[str]:
    """The statements a server's log shows it ran (``log_statement = 'all'``)."""
    entries = re.split(r"^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", log, flags=re.M)
    found = (re.search(r"LOG:\s+(?:statement|execute [^:]*):\s+(.*)", e, flags=re.S) for e in entries)
    return [m.group(1) for m in found if m]


def _ran(log: str, fragment: str) -> bool:
    return any(fragment in s for s in _statements(log))


@contextlib.contextmanager
def _serving(pair: Pair) -> Iterator[Served]:
    env = {
        **os.environ,
        "DATABASE_URL": pair.primary.url(pair.database),
        "DATABASE_REPLICA_URL": pair.replica.url(pair.database),
        "CHAINAID_REPLICA_RETRY_SECONDS": str(RETRY_SECONDS),
    }
    with serving(Database(env=env, url=pair.primary.url(pair.database))) as served:
        yield served


def _get(served: Served, path: str, token: str, **headers: str) -> httpx.Response:
    r = httpx.get(
        f"http://127.0.0.1:{served.port}{path}", headers={"Authorization": f"Bearer {token}", **headers}, timeout=30
    )
    assert r.status_code == 200, r.text
    return r


def _ready(served: Served) -> dict[str, str]:
    r = httpx.get(f"http://127.0.0.1:{served.port}/ready", timeout=30)
    assert r.status_code == 200, r.text
    answer: dict[str, str] = r.json()
    return answer


def test_reports_exports_and_lists_read_on_the_replica_and_writes_land_on_the_primary(pair):
    with _serving(pair) as served:
        token = served.cli("accounts", "create", "--role", "admin").strip().splitlines()[-1]
        assert _ready(served) == {"status": "ready", "database": "ok", "migrations": "current", "replica": "ok"}

        # a write through the API lands on the primary, and tells the client to read its writes there for a while
        r = httpx.post(
            f"http://127.0.0.1:{served.port}/api/v1/industries",
            headers={"Authorization": f"Bearer {token}"},
            json={"code": "lotus_root", "name_zh": "莲藕", "name_en": "Lotus root", "unit": "mu"},
            timeout=30,
        )
        assert r.status_code == 201, r.text
        assert "chainaid_wrote=1" in r.headers["set-cookie"]
        on_primary = asyncio.run(
            _sql(pair.primary.url(pair.database), "SELECT count(*) FROM industry WHERE code = 'lotus_root'")
        )
        assert on_primary == 1
        _caught_up(pair)

        # the report paths: each statement of theirs runs on the replica, none on the primary
        for path, fragment in [
            ("/api/v1/industries", "FROM industry ORDER BY id"),
            ("/api/v1/stats/overview", "FROM household"),
            ("/api/v1/exports/payouts.csv", "FROM payout"),
        ]:
            primary_mark, replica_mark = pair.primary.mark(), pair.replica.mark()
            answer = _get(served, path, token)
            if path == "/api/v1/industries":
                assert "lotus_root" in answer.text  # replayed on the replica
            assert _ran(pair.replica.since(replica_mark), fragment), path
            assert not _ran(pair.primary.since(primary_mark), fragment), path

        # a client that has just written reads from the primary (replication lag must not hide its row)
        primary_mark, replica_mark = pair.primary.mark(), pair.replica.mark()
        _get(served, "/api/v1/industries", token, Cookie="chainaid_wrote=1")
        assert _ran(pair.primary.since(primary_mark), "FROM industry ORDER BY id")
        assert not _ran(pair.replica.since(replica_mark), "FROM industry ORDER BY id")

        # no write was ever attempted on the replica: it would have failed there as read-only
        replica_log = pair.replica.since(0)
        assert "read-only transaction" not in replica_log
        assert not any(re.match(r"(INSERT|UPDATE|DELETE)\b", s) for s in _statements(replica_log))

        # the replica stops: reads go to the primary, the service stays ready and says so, and warns once
        pair.replica.stop()
        primary_mark = pair.primary.mark()
        for _ in range(3):
            assert "lotus_root" in _get(served, "/api/v1/industries", token).text
        assert _ran(pair.primary.since(primary_mark), "FROM industry ORDER BY id")
        _get(served, "/api/v1/stats/overview", token)
        _get(served, "/api/v1/exports/payouts.csv", token)
        assert _ready(served)["replica"] == "down, reading from the primary"
        time.sleep(RETRY_SECONDS + 0.5)  # due for another try: still down, and no second warning
        assert _ready(served)["replica"] == "down, reading from the primary"
        assert served.output.count("the read replica is down") == 1, served.output

        # back again: the next try after the retry delay finds it, and reports read there once more
        pair.replica.start()
        deadline = time.monotonic() + 60
        while _ready(served)["replica"] != "ok":
            assert time.monotonic() < deadline, "the replica was not taken back"
            time.sleep(0.2)
        replica_mark = pair.replica.mark()
        _get(served, "/api/v1/industries", token)
        assert _ran(pair.replica.since(replica_mark), "FROM industry ORDER BY id")


def test_a_replica_down_at_the_start_leaves_the_service_ready_on_the_primary_until_it_answers(pair):
    pair.replica.stop()
    with _serving(pair) as served:
        token = served.cli("accounts", "create", "--role", "auditor").strip().splitlines()[-1]
        assert _ready(served)["replica"] == "down, reading from the primary"
        primary_mark = pair.primary.mark()
        _get(served, "/api/v1/industries", token)
        assert _ran(pair.primary.since(primary_mark), "FROM industry ORDER BY id")

        pair.replica.start()
        deadline = time.monotonic() + 60
        while _ready(served)["replica"] != "ok":
            assert time.monotonic() < deadline, "the replica was not taken back"
            time.sleep(0.2)
        _caught_up(pair)
        replica_mark = pair.replica.mark()
        _get(served, "/api/v1/industries", token)
        assert _ran(pair.replica.since(replica_mark), "FROM industry ORDER BY id")
        assert "the read replica answers again" in served.output


class _LostConnection:
    """A replica connection that breaks under the first statement, as one does when its server stops."""

    async def fetchval(self, query: str, *args: object) -> object:
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")


async def test_a_statement_the_replica_fails_under_runs_again_on_the_primary(app, caplog):
    from app.core import database
    from app.core.uow import ReplicaReads

    try:
        async with contextlib.AsyncExitStack() as stack:
            db = ReplicaReads(_LostConnection(), True, stack)  # a stand-in for a replica connection
            assert await db.fetchval("SELECT pg_is_in_recovery()") is False  # answered by the primary
            assert not db.on_replica
            assert await db.fetchval("SELECT 2") == 2  # and the rest with it
        assert database.replica_state() is None  # none configured here: the state is the process's
        assert database._Replica.down_since is not None
        assert "the read replica is down" in caplog.text
    finally:
        database._Replica.down_since = None
