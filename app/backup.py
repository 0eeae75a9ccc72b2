"""``chainaid backup FILE`` and ``chainaid restore FILE``: the whole database in pg_dump's custom format.

Which programs: ``pg_dump`` and ``pg_restore`` from ``CHAINAID_PG_BIN`` when it is set; otherwise, for the
embedded database (no ``DATABASE_URL``), the ones pgserver ships beside its server; for a server named by
``DATABASE_URL``, the system's (on the ``PATH``, then ``/usr/lib/postgresql/<version>/bin``, newest first),
then pgserver's. The first whose major version is at least the server's is used: an older pg_dump refuses
a newer server, and an older pg_restore may not read what a newer server needs. None fitting is a clear
refusal naming what was found.

A backup is written beside ``FILE`` and renamed into place when pg_dump has finished, so a file by that
name is always a whole backup. A restore goes into an empty database (a new ``CHAINAID_PGDATA`` folder or
a database made with ``createdb``) in one transaction; a database that already holds tables is refused
unless ``force`` is given, and then what the backup holds replaces it (``--clean``). Ownership and grants
are not restored: the restoring role owns what it restores.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from app.core.database import database_url
from app.core.settings import get_settings

CUSTOM_FORMAT_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Why a backup or a restore did not happen, in one line for the command line."""


@dataclass(frozen=True)
class Program:
    path: Path
    version: str
    major: int


@dataclass(frozen=True)
class Server:
    version: str
    major: int


@dataclass(frozen=True)
class Done:
    file: Path
    size: int
    program: Program
    server: Server


def _version_of(path: Path) -> Program | None:
    """``pg_dump (PostgreSQL) 16.2`` → Program(path, "16.2", 16); None when it does not run."""
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*((\d+)(?:\.\d+)*)", out)
    if found is None:
        return None
    return Program(path, found.group(1), int(found.group(2)))


def _pgserver_bin() -> Path | None:
    """pgserver's own programs, found without importing it (the embedded group; production may not have it)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def _candidates(name: str, *, embedded: bool) -> Iterator[Path]:
    pg_bin = get_settings().pg_bin
    if pg_bin is not None:
        yield pg_bin / name
    shipped = _pgserver_bin()
    if embedded and shipped is not None:
        yield shipped / name
    on_path = shutil.which(name)
    if on_path:
        yield Path(on_path)
    debian = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    yield from debian
    if not embedded and shipped is not None:
        yield shipped / name


def pick_program(name: str, server: Server, *, embedded: bool, archive_needs: int = 0) -> Program:
    """The first ``name`` (pg_dump, pg_restore) at least as new as the server (and, restoring, as the backup's
    format needs), or a refusal naming what was found."""
    needed = max(server.major, archive_needs)
    seen: list[str] = []
    for path in dict.fromkeys(_candidates(name, embedded=embedded)):
        program = _version_of(path)
        if program is None:
            continue
        if program.major >= needed:
            return program
        seen.append(f"{program.path} is {program.version}")
    found = "; ".join(seen) if seen else "none was found"
    why = f"the server (PostgreSQL {server.version})"
    if archive_needs > server.major:
        why += f" and the backup, written by pg_dump {archive_needs} or newer"
    raise BackupError(
        f"{name} of PostgreSQL {needed} or newer is needed for {why}; "
        f"{found}. Install PostgreSQL {needed}'s client programs or set CHAINAID_PG_BIN to their folder."
    )


# The custom format's own version (the bytes after "PGDMP") and the pg_dump that began writing it: an older
# pg_restore cannot read it ("unsupported version in file header").
_FORMAT_SINCE = {(1, 14): 12, (1, 15): 16, (1, 16): 17}


def archive_needs(header: bytes) -> int:
    """The least PostgreSQL major version whose pg_restore reads a custom-format archive with this header."""
    if len(header) < len(CUSTOM_FORMAT_MAGIC) + 2:
        return 0
    major, minor = header[len(CUSTOM_FORMAT_MAGIC)], header[len(CUSTOM_FORMAT_MAGIC) + 1]
    known = [since for (ma, mi), since in _FORMAT_SINCE.items() if (ma, mi) <= (major, minor)]
    return max(known, default=0)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password (which would show in the process list) and the environment carrying it."""
    parts = urlsplit(url)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.netloc.rpartition("@")
    if netloc[1]:
        user = netloc[0].partition(":")[0]
        parts = parts._replace(netloc=f"{user}@{netloc[2]}" if user else netloc[2])
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    return urlunsplit(parts._replace(scheme=scheme)), env


async def _server_facts(url: str) -> tuple[Server, int]:
    """The server's version, and how many tables the database holds outside PostgreSQL's own schemas."""
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"the database does not answer: {type(exc).__name__}: {exc}") from exc
    try:
        number = int(await conn.fetchval("SHOW server_version_num"))
        version = str(await conn.fetchval("SHOW server_version")).split()[0]
        tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    finally:
        await conn.close()
    return Server(version, number // 10000), int(tables)


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit code {done.returncode}"
        raise BackupError(f"{what} failed: {said}")


def _is_embedded() -> bool:
    return get_settings().database_url is None


def backup(file: Path) -> Done:
    """Write the whole database to ``file`` (pg_dump's custom format, compressed)."""
    url = database_url()
    server, _ = asyncio.run(_server_facts(url))
    program = pick_program("pg_dump", server, embedded=_is_embedded())
    target, env = _libpq(url)
    file = file.absolute()
    if not file.parent.is_dir():
        raise BackupError(f"{file.parent} is not a folder")
    partial = file.with_name(f".{file.name}.partial")
    try:
        _run(
            [str(program.path), "--format=custom", "--no-password", f"--file={partial}", f"--dbname={target}"],
            env,
            "pg_dump",
        )
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    return Done(file, file.stat().st_size, program, server)


def restore(file: Path, *, force: bool = False) -> Done:
    """Restore ``file`` (made by ``backup``) into the database, which must be empty unless ``force``."""
    file = file.absolute()
    try:
        with file.open("rb") as f:
            header = f.read(len(CUSTOM_FORMAT_MAGIC) + 3)
    except OSError as exc:
        raise BackupError(f"{file}: {exc.strerror or exc}") from exc
    if not header.startswith(CUSTOM_FORMAT_MAGIC):
        raise BackupError(f"{file} is not a backup made by chainaid backup (pg_dump's custom format)")
    url = database_url()
    server, tables = asyncio.run(_server_facts(url))
    if tables and not force:
        raise BackupError(
            f"the database already holds {tables} tables: restore into an empty one (a new CHAINAID_PGDATA folder, "
            "or a database made with createdb), or pass --force to replace what it holds with the backup"
        )
    program = pick_program("pg_restore", server, embedded=_is_embedded(), archive_needs=archive_needs(header))
    target, env = _libpq(url)
    args = [
        str(program.path),
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={target}",
    ]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, str(file)], env, "pg_restore")
    return Done(file, file.stat().st_size, program, server)
