"""API tests: the real app on a real PostgreSQL, a fresh database per run, data reset per test.

The database server is the one ``DATABASE_URL`` names, or the embedded one; the
suite works in its own database (``chainaid_test_<pid>``) on that server, created
and migrated at the start of the run and dropped at the end, so a developer's data
is never touched and two runs at once keep out of each other's way.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from app.core.database import _is_alive

TEST_DATABASE = f"chainaid_test_{os.getpid()}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _server_url() -> str:
    from app.core.database import (
        database_url,  # starts the embedded server when DATABASE_URL is unset
    )

    return database_url()


async def _admin_sql(server_url: str, *statements: str) -> None:
    conn = await asyncpg.connect(_with_database(server_url, "postgres"))
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def _recreate_database(server_url: str) -> None:
    conn = await asyncpg.connect(_with_database(server_url, "postgres"))
    try:
        # databases left by runs that were killed before they could drop their own
        for row in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'chainaid_test_%'"):
            suffix = row["datname"].rsplit("_", 1)[-1]
            if suffix.isdigit() and not _is_alive(int(suffix)):
                await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
    finally:
        await conn.close()


_test_url: str | None = None


def use_test_database() -> str:
    """Create the test database and point this process (settings, ``piccolo_conf``, the CLI under test) at
    it; once per run.

    Collection may need it before any fixture runs: the authorization matrix names its cases from the
    app's route table, and building the app binds the Piccolo engine to the URL of the moment (and asks
    that database for its version).
    """
    global _test_url
    if _test_url is None:
        from app.core.database import database_url as resolve_url
        from app.core.settings import get_settings

        server = _server_url()
        asyncio.run(_recreate_database(server))
        _test_url = _with_database(server, TEST_DATABASE)
        os.environ["DATABASE_URL"] = _test_url
        resolve_url.cache_clear()
        get_settings.cache_clear()
    return _test_url


@pytest.fixture(scope="session")
def database_url() -> str:
    return use_test_database()


@pytest.fixture(scope="session")
async def app(database_url: str):
    # From here on, everything in this process (piccolo_conf, the CLI under test)
    # talks to the test database.
    assert os.environ["DATABASE_URL"] == database_url

    from app.core.database import close_pool, open_pool
    from app.main import create_app
    from app.migrations import migrate

    await migrate()
    await open_pool()
    yield create_app()
    await close_pool()
    await _admin_sql(_server_url(), f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')


HOME_PROVINCE, HOME_COUNTY = ("42", "湖北省"), ("429005", "潜江市")


async def seed_home_county() -> None:
    """Province 42 and county 429005 in the directory, as a deployment has them before its first town (every
    town is in a county); a test of the directory itself starts from an empty one with ``empty_directory``."""
    from app.core.uow import reading as connection

    async with connection() as conn:
        await conn.execute(
            "WITH p AS (INSERT INTO region (code, level, name, parent, created_at)"
            " VALUES ($1, 'province', $2, NULL, now()) RETURNING id)"
            " INSERT INTO region (code, level, name, parent, created_at) SELECT $3, 'county', $4, p.id, now() FROM p",
            *HOME_PROVINCE,
            *HOME_COUNTY,
        )


async def reset_database() -> None:
    """Empty every table (the audit trail included) and the audit checkpoints (they witnessed the chain
    just emptied), then put the seeded reference data and the home county back."""
    from app.core.settings import get_settings
    from app.core.uow import reading as connection
    from app.reference_data import seed_reference_data

    get_settings().audit_checkpoints_file.unlink(missing_ok=True)

    async with connection() as conn:
        tables = await conn.fetch(
            "SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
        )
        async with conn.transaction():
            # replica mode skips the append-only triggers, which are there to stop everyone else
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute(f"TRUNCATE {', '.join(r['t'] for r in tables)} RESTART IDENTITY CASCADE")
    await seed_reference_data()
    await seed_home_county()


@pytest.fixture(autouse=True)
async def clean_database(app) -> None:
    """Every test starts from an empty database (a module sharing one world overrides this)."""
    await reset_database()


@pytest.fixture
async def empty_directory(clean_database) -> None:
    """The directory as a new deployment finds it: no region at all (before the test adds a town)."""
    from app.core.uow import reading as connection

    async with connection() as conn:
        await conn.execute("DELETE FROM region WHERE level = 'county'")
        await conn.execute("DELETE FROM region")


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://chainaid.test") as c:
        yield c


TokenFactory = Callable[..., Awaitable[dict[str, str]]]


async def make_token(
    role: str, *, enterprise_id: int | None = None, town_id: int | None = None, name: str | None = None
) -> dict[str, str]:
    """Headers with a fresh account's bearer token."""
    from app.accounts.schemas import AccountCreate
    from app.accounts.service import create_account
    from app.core.principal import Role, system_principal

    created = await create_account(
        system_principal("tests"),
        AccountCreate(name=name or f"test {role}", role=Role(role), enterprise_id=enterprise_id, town_id=town_id),
    )
    return {"Authorization": f"Bearer {created.token}"}


@pytest.fixture
def auth(app) -> TokenFactory:
    """``await auth("finance")`` → headers with a fresh account's bearer token."""
    return make_token


@pytest.fixture
async def admin(auth) -> dict[str, str]:
    return await auth("admin")
