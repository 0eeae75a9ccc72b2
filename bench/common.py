"""Shared set-up for the benchmarks: a database of their own, a real server, seeded links."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "chainaid_bench"
# The servers sign and checkpoint the audit chain's head as in production, but every second (the default
# is every minute: this is the worst case), with a key and a checkpoints file of the run's own, not the
# working copy's.
_WITNESS = Path(tempfile.mkdtemp(prefix="chainaid-bench-witness-"))
atexit.register(shutil.rmtree, _WITNESS, ignore_errors=True)
WITNESS_ENV = {
    "CHAINAID_AUDIT_KEY_FILE": str(_WITNESS / "audit.key"),
    "CHAINAID_AUDIT_CHECKPOINTS": str(_WITNESS / "audit-checkpoints.jsonl"),
    "CHAINAID_AUDIT_CHECKPOINT_SECONDS": "1",
}


def server_url() -> str:
    sys.path.insert(0, str(ROOT))
    from app.core.database import database_url

    return database_url()


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def fresh_database(name: str = BENCH_DATABASE) -> str:
    """Create the benchmark database ``name`` anew, migrate it, and return its URL (a script that may run
    beside another benchmark names a database of its own)."""
    base = server_url()
    conn = await asyncpg.connect(with_database(base, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = with_database(base, name)
    env = {**os.environ, "DATABASE_URL": url}
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


async def home_county(conn: asyncpg.Connection) -> int:
    """Province 42 and county 429005 (every town is in a county), made if missing; the county's id."""
    await conn.execute(
        "INSERT INTO region (code, level, name, parent, created_at) VALUES ('42', 'province', '湖北省', NULL, now())"
        " ON CONFLICT (code) DO NOTHING"
    )
    await conn.execute(
        "INSERT INTO region (code, level, name, parent, created_at)"
        " SELECT '429005', 'county', '潜江市', id, now() FROM region WHERE code = '42' ON CONFLICT (code) DO NOTHING"
    )
    return int(await conn.fetchval("SELECT id FROM region WHERE code = '429005'"))


async def seed_links(url: str, households: int) -> dict[str, int]:
    """A town, a village, an enterprise with one base, and ``households`` registered households each
    with a wage link; set-based, it takes a second."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            town = await conn.fetchval(
                "INSERT INTO town (name, code, county_id, created_at) VALUES ('园林', '429005001', $1, now()) RETURNING id",
                await home_county(conn),
            )
            village = await conn.fetchval(
                "INSERT INTO village (town, name, is_poor_village, registered_year, created_at)"
                " VALUES ($1, '赵脑村', true, 2014, now()) RETURNING id",
                town,
            )
            enterprise = await conn.fetchval(
                "INSERT INTO enterprise (name, kind, credit_code, town, created_at)"
                " VALUES ('潜江虾稻合作社', 'cooperative', '93429005MA0000001X', $1, now()) RETURNING id",
                town,
            )
            industry = await conn.fetchval("SELECT id FROM industry WHERE code = 'crayfish_rice'")
            await conn.execute(
                "INSERT INTO enterprise_industry (enterprise, industry) VALUES ($1, $2)", enterprise, industry
            )
            base = await conn.fetchval(
                "INSERT INTO base (enterprise, industry, village, name, area, created_at)"
                " VALUES ($1, $2, $3, '基地', 1000, now()) RETURNING id",
                enterprise,
                industry,
                village,
            )
            await conn.execute(
                "INSERT INTO household (registry_no, village, attribute, causes, status, late_addition, created_at)"
                " SELECT 'B' || g, $1, 'ordinary', ARRAY['illness'], 'registered', false, now()"
                " FROM generate_series(1, $2) g",
                village,
                households,
            )
            await conn.execute(
                "INSERT INTO link (enterprise, base, household, kind, start_date, wage_basis, wage_rate, created_at)"
                " SELECT $1, $2, id, 'wage', DATE '2017-01-01', 'day', 120, now() FROM household",
                enterprise,
                base,
            )
    finally:
        await conn.close()
    return {"enterprise": enterprise, "base": base}


def account_token(url: str, role: str, *scope: str) -> str:
    """A new account's token, made with the CLI (``scope``: e.g. "--enterprise", "3")."""
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "accounts", "create", "--role", role, *scope],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


async def operator_token(url: str, enterprise: int) -> str:
    return account_token(url, "operator", "--enterprise", str(enterprise))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server_process(
    url: str, *, workers: int = 1, app: str = "app.main:create_app"
) -> Iterator[tuple[str, subprocess.Popen]]:
    """uvicorn in a child process on loopback: yields (base URL, process) once /health answers, stops it after."""
    port = free_port()
    env = {**os.environ, **WITNESS_ENV, "DATABASE_URL": url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=15)


@contextlib.contextmanager
def running_server(url: str, *, workers: int = 1, app: str = "app.main:create_app") -> Iterator[str]:
    with server_process(url, workers=workers, app=app) as (base, _):
        yield base


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


@contextlib.asynccontextmanager
async def connected(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


def run(main) -> None:
    asyncio.run(main())
