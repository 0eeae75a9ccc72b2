"""``chainaid serve`` as an operator runs it: a real server process, stopped with SIGINT or SIGTERM while 150
requests are in flight, and slow clients cut off at the header bound.

The requests in flight are made to wait deterministically: this test holds an exclusive lock on the household
table, so every ``GET /api/v1/households`` blocks in the database (or waits for a pooled connection behind those
that do) until the lock is let go, after the signal. Requests are written on raw sockets and the signal is sent
only once the server has read every byte of them (the kernel's receive queue of each accepted connection is
empty), so each of the 150 was accepted and must be answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 150
SHUTDOWN_SECONDS = 20
# generous: CI runs on two loaded cores
MARGIN_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Database:
    env: dict[str, str]
    """The environment ``chainaid`` runs with."""
    url: str | None
    """How this test reaches the database (for the embedded one: known once it runs)."""
    pgdata: Path | None = None

    def connect_url(self) -> str:
        if self.url is not None:
            return self.url
        assert self.pgdata is not None
        pid_file = (self.pgdata / "postmaster.pid").read_text().splitlines()
        socket_dir = pid_file[4].strip()
        return f"postgresql://postgres:@/postgres?host={socket_dir}&port={pid_file[3].strip()}"

    def postmaster_pid(self) -> int:
        assert self.pgdata is not None
        return int((self.pgdata / "postmaster.pid").read_text().splitlines()[0])


@dataclass
class Served:
    proc: subprocess.Popen
    port: int
    db: Database
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=self.db.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def wait_exit(self, within: float) -> int:
        try:
            return self.proc.wait(timeout=within)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not exit within {within} s:\n{self.output}") from None


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Database]:
    """A new embedded database of its own, in a folder of its own: the one the stop must stop."""
    pgdata = tmp_path / "pgdata"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    yield Database(env={**env, "CHAINAID_PGDATA": str(pgdata)}, url=None, pgdata=pgdata)
    # a failed test leaves no server behind: SIGINT is PostgreSQL's fast shutdown
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        os.kill(int((pgdata / "postmaster.pid").read_text().splitlines()[0]), signal.SIGINT)


@pytest.fixture
def server_database(database_url: str) -> Iterator[Database]:
    """A new database of its own on the server the suite uses, named by ``DATABASE_URL``."""
    name = f"chainaid_serve_{os.getpid()}"
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    url = urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))

    async def sql(statement: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(sql(f'CREATE DATABASE "{name}"'))
    try:
        yield Database(env={**os.environ, "DATABASE_URL": url}, url=url)
    finally:
        asyncio.run(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def serving(db: Database, *, workers: int = 1, **settings: str) -> Iterator[Served]:
    """``chainaid serve`` in a process group of its own (as a terminal runs it), once /health answers."""
    port = _free_port()
    db.env = {**db.env, **settings}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=db.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    served = Served(proc, port, db)
    assert proc.stdout is not None
    stdout = proc.stdout
    reader = threading.Thread(target=lambda: served.lines.extend(stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"the server exited ({proc.returncode}):\n{served.output}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{served.output}")
            time.sleep(0.2)
        yield served
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.join(timeout=10)


def _server_sockets(port: int) -> tuple[int | None, list[int]]:
    """The listening socket's accept queue, and each accepted connection's unread bytes (from /proc/net/tcp)."""
    backlog, unread = None, []
    with open("/proc/net/tcp") as f:
        for line in f.read().splitlines()[1:]:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) != port:
                continue
            queued = int(parts[4].split(":")[1], 16)
            if parts[3] == "0A":  # LISTEN: rx_queue is the accept queue
                backlog = queued
            elif parts[3] == "01":  # ESTABLISHED: bytes received, not yet read by the server
                unread.append(queued)
    return backlog, unread


async def _lock_waiters(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()"
    )


def _send_requests(port: int, token: str, n: int) -> list[socket.socket]:
    request = (
        f"GET /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    sockets = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(request)
        sockets.append(s)
    return sockets


def _answer(s: socket.socket, within: float) -> str:
    """The status code the server answered on ``s``, or what became of the connection instead."""
    s.settimeout(within)
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except TimeoutError:
        return "no answer in time"
    except OSError as exc:
        return f"cut ({type(exc).__name__})" if not data else data.split(b" ", 2)[1].decode()
    finally:
        s.close()
    return data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "closed without an answer"


async def _in_flight(served: Served, token: str, watcher: asyncpg.Connection) -> list[socket.socket]:
    """150 requests, written and read by the server, all waiting on the household table this test has locked."""
    sockets = await asyncio.to_thread(_send_requests, served.port, token, REQUESTS)
    deadline = time.monotonic() + 60
    while True:
        backlog, unread = _server_sockets(served.port)
        waiting = await _lock_waiters(watcher)
        # some requests wait on the lock, the others for a pooled connection
        if backlog == 0 and len(unread) >= REQUESTS and not any(unread) and waiting:
            return sockets
        if time.monotonic() > deadline:
            raise AssertionError(f"requests not in flight: backlog {backlog}, unread {unread}, waiting {waiting}")
        await asyncio.sleep(0.05)


async def _signal_under_load(served: Served, token: str, signals: list[tuple[str, int]], *, let_go: bool) -> list[str]:
    """Send ``signals`` while 150 requests are in flight (each a ("group" | "process", signum), or ("later", 0) for a
    pause of 2 s), check that the server accepts nothing new, then (``let_go``) let the requests finish; what each
    of them was answered."""
    watcher = await asyncpg.connect(served.db.connect_url())
    try:
        lock = watcher.transaction()
        await lock.start()
        await watcher.execute("LOCK TABLE household IN ACCESS EXCLUSIVE MODE")
        sockets = await _in_flight(served, token, watcher)
        for target, signum in signals:
            if target == "group":  # a terminal's Ctrl-C: the server and its workers
                os.killpg(served.proc.pid, signum)
            elif target == "process":
                served.proc.send_signal(signum)
            await asyncio.sleep(0.1 if target != "later" else 2)
        await asyncio.sleep(1)
        if let_go:
            # it accepts nothing new while it finishes the requests in flight
            async with httpx.AsyncClient() as http:
                with pytest.raises(httpx.ConnectError):
                    await http.get(f"http://127.0.0.1:{served.port}/health", timeout=10)
            assert served.proc.poll() is None, "the server left before answering the requests in flight"
            await lock.rollback()
        return list(await asyncio.gather(*(asyncio.to_thread(_answer, s, 60) for s in sockets)))
    finally:
        await watcher.close()


def _stop_under_load(served: Served, signals: list[tuple[str, int]]) -> None:
    """Every one of the 150 requests in flight is answered 200, and the server exits in time saying "stopped"."""
    token = served.cli("accounts", "create", "--role", "auditor").strip().splitlines()[-1]
    started = time.monotonic()
    answers = asyncio.run(_signal_under_load(served, token, signals, let_go=True))
    code = served.wait_exit(SHUTDOWN_SECONDS + MARGIN_SECONDS - (time.monotonic() - started))
    assert {a: answers.count(a) for a in answers} == {"200": REQUESTS}, served.output
    assert code == 0, served.output
    assert served.output.rstrip().endswith("stopped"), served.output


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped; its parent is gone
    except FileNotFoundError:
        return False


def _assert_embedded_stopped(db: Database, postmaster: int) -> None:
    assert db.pgdata is not None
    assert not (db.pgdata / "postmaster.pid").exists()  # PostgreSQL removes it as it shuts down
    deadline = time.monotonic() + MARGIN_SECONDS
    while _running(postmaster) and time.monotonic() < deadline:  # and exits a moment later
        time.sleep(0.1)
    assert not _running(postmaster)


STOP_SETTINGS = {"CHAINAID_SHUTDOWN_SECONDS": str(SHUTDOWN_SECONDS), "CHAINAID_POOL_MAX": "10"}


def test_ctrl_c_with_150_requests_in_flight_answers_them_all_and_stops_the_embedded_database(embedded):
    with serving(embedded, **STOP_SETTINGS) as served:
        postmaster = embedded.postmaster_pid()
        # the terminal signals the whole group, and `uv run` passes the same Ctrl-C on a moment later
        _stop_under_load(served, [("group", signal.SIGINT), ("process", signal.SIGINT)])
    _assert_embedded_stopped(embedded, postmaster)


def test_sigterm_with_150_requests_in_flight_answers_them_all_and_stops_the_embedded_database(embedded):
    with serving(embedded, **STOP_SETTINGS) as served:
        postmaster = embedded.postmaster_pid()
        _stop_under_load(served, [("process", signal.SIGTERM)])  # docker stop, systemctl stop
    _assert_embedded_stopped(embedded, postmaster)


def test_sigterm_with_150_requests_in_flight_on_a_database_url_with_two_workers(server_database):
    with serving(server_database, workers=2, **STOP_SETTINGS) as served:
        _stop_under_load(served, [("process", signal.SIGTERM)])


def test_a_second_signal_stops_at_once_without_waiting_for_the_bound(embedded):
    # the bound is far off: only the second signal can end this stop in time
    with serving(embedded, **{**STOP_SETTINGS, "CHAINAID_SHUTDOWN_SECONDS": "600"}) as served:
        postmaster = embedded.postmaster_pid()
        token = served.cli("accounts", "create", "--role", "auditor").strip().splitlines()[-1]
        signals = [("process", signal.SIGTERM), ("later", 0), ("process", signal.SIGTERM)]
        answers = asyncio.run(_signal_under_load(served, token, signals, let_go=False))
        code = served.wait_exit(MARGIN_SECONDS)
    assert code == 1, served.output  # cut short: not a clean stop
    assert "stopped" in served.output
    assert not [a for a in answers if a.startswith("5")], answers  # cut, not answered with an error
    _assert_embedded_stopped(embedded, postmaster)


def test_requests_still_running_at_the_bound_are_cut_and_the_server_exits(server_database):
    bound = 3
    with serving(server_database, **{**STOP_SETTINGS, "CHAINAID_SHUTDOWN_SECONDS": str(bound)}) as served:
        token = served.cli("accounts", "create", "--role", "auditor").strip().splitlines()[-1]
        started = time.monotonic()
        # the lock is held until every request has had its answer or lost its connection
        answers = asyncio.run(_signal_under_load(served, token, [("process", signal.SIGTERM)], let_go=False))
        code = served.wait_exit(bound + MARGIN_SECONDS - (time.monotonic() - started))
    assert code == 1, served.output  # requests were cut: not a clean stop
    assert served.output.rstrip().endswith("stopped"), served.output
    assert not [a for a in answers if a.startswith("5")], answers  # cut, not answered with an error


def test_slow_clients_are_cut_off_at_the_header_bound_while_others_are_served(server_database):
    bound = 2
    with serving(server_database, CHAINAID_HEADER_SECONDS=str(bound)) as served:
        partial = f"GET /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Slow: ".encode()
        partial += b"a" * 100
        clients = []
        for _ in range(150):  # as many as the probe left trickling for over 30 s
            s = socket.create_connection(("127.0.0.1", served.port), timeout=10)
            s.setblocking(False)
            clients.append([s, time.monotonic(), 0, None])  # socket, opened, bytes sent, seconds until cut
        answered = None
        deadline = time.monotonic() + bound + MARGIN_SECONDS
        while time.monotonic() < deadline and any(c[3] is None for c in clients):
            for c in clients:
                s, opened, sent, cut = c
                if cut is not None:
                    continue
                try:
                    if s.recv(1024) == b"":  # closed by the server
                        c[3] = time.monotonic() - opened
                        continue
                except BlockingIOError:
                    pass
                except OSError:
                    c[3] = time.monotonic() - opened
                    continue
                try:
                    s.send(partial[sent : sent + 1])  # one byte a second: never idle, never done
                    c[2] = sent + 1
                except OSError:
                    c[3] = time.monotonic() - opened
            if answered is None:  # meanwhile an ordinary request is answered
                answered = httpx.get(f"http://127.0.0.1:{served.port}/health", timeout=10).status_code
            time.sleep(1)
        for c in clients:
            c[0].close()
    assert answered == 200
    cuts = [c[3] for c in clients]
    assert all(cut is not None for cut in cuts), cuts  # every slow client was cut off
    assert all(c[2] < len(partial) for c in clients)  # before it could finish its headers


async def test_closing_the_pool_does_not_wait_for_ever_for_a_connection_never_given_back(database_url):
    from app.core.database import close_bounded

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    held = await pool.acquire()  # a request that never gives its connection back
    backend = held.get_server_pid()
    await asyncio.wait_for(close_bounded(pool, 0.5), timeout=60)  # before: pool.close() waited for ever
    watcher = await asyncpg.connect(database_url)
    try:
        for _ in range(300):  # the server notices the cut connection a moment later
            if not await watcher.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", backend):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the connection held was not closed")
    finally:
        await watcher.close()
