"""The audit chain's witness outside the database: the key that signs checkpoints, and the file they are
appended to. Plain blocking file I/O; the service runs it in a thread.

The key comes from ``CHAINAID_AUDIT_KEY`` or from the key file (``CHAINAID_AUDIT_KEY_FILE``, made on
first start with mode 0600). The checkpoints file (``CHAINAID_AUDIT_CHECKPOINTS``) is appended to under
an exclusive lock, one JSON line per checkpoint, so several workers can share it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from app.audit.rules import Checkpoint, checkpoint_line, mac_ok, parse_checkpoint_line
from app.core.settings import InvalidSettings, Settings

MIN_KEY_LENGTH = 32


def key_source(settings: Settings) -> str:
    """Where the key is read from, to name it in messages (never the key itself)."""
    return "CHAINAID_AUDIT_KEY" if settings.audit_key else f"key file {settings.audit_key_file}"


def read_key(settings: Settings) -> bytes | None:
    """The audit key, or None when no variable is set and there is no key file yet."""
    if settings.audit_key:
        return settings.audit_key.encode()
    try:
        text = settings.audit_key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if len(text) < MIN_KEY_LENGTH:
        raise InvalidSettings(
            f"invalid setting: the audit key file {settings.audit_key_file} holds fewer than {MIN_KEY_LENGTH} characters"
        )
    return text.encode()


def ensure_key(settings: Settings) -> tuple[bytes, bool]:
    """The audit key, made (a random 256-bit key, hex, mode 0600) when there is none; and whether it was
    made now, for the caller to say where it lives."""
    key = read_key(settings)
    if key is not None:
        return key, False
    path = settings.audit_key_file
    path.parent.mkdir(parents=True, exist_ok=True)
    # written whole under another name, then linked into place: a second process starting at the same
    # moment either wins the link or reads the finished key, never half of one
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(scratch, path)
            made = True
        except FileExistsError:
            made = False
    finally:
        scratch.unlink(missing_ok=True)
    key = read_key(settings)
    if key is None:  # pragma: no cover - the file was linked a moment ago
        raise InvalidSettings(f"invalid setting: the audit key file {path} could not be made")
    return key, made


def key_warning(settings: Settings) -> str:
    return (
        f"made the audit key {settings.audit_key_file} (mode 0600): it signs the audit trail's checkpoints. "
        "Back it up apart from the database and its backups (whoever holds both can rewrite the trail unseen), "
        "or set CHAINAID_AUDIT_KEY instead."
    )


def _last_line(fd: int) -> str | None:
    size = os.fstat(fd).st_size
    if not size:
        return None
    tail = os.pread(fd, min(size, 4096), max(0, size - 4096)).decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    return lines[-1] if lines else None


def append_checkpoint(path: Path, cp: Checkpoint, key: bytes, *, only_if_moved: bool) -> bool:
    """Append ``cp`` as a line of ``path`` (made if absent), flushed to disk; with ``only_if_moved``, not when
    the file's last line is a valid checkpoint of the same head. Returns whether a line was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if only_if_moved:
            last = _last_line(fd)
            if last is not None:
                try:
                    prev = parse_checkpoint_line(last)
                except ValueError:
                    prev = None
                if (
                    prev is not None
                    and (prev.database, prev.entry_id, prev.hash) == (cp.database, cp.entry_id, cp.hash)
                    and mac_ok(key, prev)
                ):
                    return False
        os.write(fd, (checkpoint_line(cp) + "\n").encode())
        os.fsync(fd)
        return True
    finally:
        os.close(fd)  # releases the lock


def line_batches(path: Path, size: int) -> Iterator[list[tuple[int, str]]]:
    """The file's lines, numbered from 1, ``size`` at a time (nothing when the file does not exist)."""
    try:
        f = path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with f:
        batch: list[tuple[int, str]] = []
        for number, text in enumerate(f, start=1):
            batch.append((number, text.rstrip("\n")))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


def newest_lines(path: Path, offset: int, limit: int) -> tuple[int, list[tuple[int, str]]]:
    """One page of the file, newest line first: (number of lines, [(line number, text)])."""
    total = sum(len(b) for b in line_batches(path, 10_000))
    last = total - offset  # the newest line on this page
    first = max(1, last - limit + 1)
    if last < 1:
        return total, []
    page: list[tuple[int, str]] = []
    for batch in line_batches(path, 10_000):
        page.extend((n, t) for n, t in batch if first <= n <= last)
        if batch[-1][0] >= last:
            break
    return total, page[::-1]
