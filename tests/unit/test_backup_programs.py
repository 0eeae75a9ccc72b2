"""Which pg_dump and pg_restore a backup or a restore takes: never one older than the server or the backup."""

from __future__ import annotations

import pytest

from app.backup import BackupError, Server, archive_needs, pick_program


def test_a_pg_dump_older_than_the_server_is_refused_by_name(tmp_path, monkeypatch):
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.11'\n")
    old.chmod(0o755)
    monkeypatch.setattr("app.backup._candidates", lambda name, embedded: iter([old]))
    with pytest.raises(BackupError) as refused:
        pick_program("pg_dump", Server("16.2", 16), embedded=False)
    message = str(refused.value)
    assert "PostgreSQL 16 or newer" in message and f"{old} is 14.11" in message and "CHAINAID_PG_BIN" in message
    assert pick_program("pg_dump", Server("14.3", 14), embedded=False).path == old


def test_a_backup_written_by_a_newer_pg_dump_asks_for_a_pg_restore_as_new(tmp_path, monkeypatch):
    assert archive_needs(b"PGDMP\x01\x0e\x00") == 12  # pg_dump 12 to 15
    assert archive_needs(b"PGDMP\x01\x0f\x00") == 16
    assert archive_needs(b"PGDMP\x01\x10\x00") == 17
    old = tmp_path / "pg_restore"
    old.write_text("#!/bin/sh\necho 'pg_restore (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'\n")
    old.chmod(0o755)
    monkeypatch.setattr("app.backup._candidates", lambda name, embedded: iter([old]))
    assert pick_program("pg_restore", Server("15.20", 15), embedded=False, archive_needs=12).version == "15.20"
    with pytest.raises(BackupError) as refused:
        pick_program("pg_restore", Server("15.20", 15), embedded=False, archive_needs=16)
    assert "PostgreSQL 16 or newer is needed for the server (PostgreSQL 15.20) and the backup" in str(refused.value)
