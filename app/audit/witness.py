"""The audit chains' witness outside the database: the key that signs checkpoints, and the file they are
appended to (one file for every chain: each line names its chain). Plain blocking file I/O; the service
runs it in a thread.

The key comes from ``CHAINAID_AUDIT_KEY`` or from the key file (``CHAINAID_AUDIT_KEY_FILE``, made on
first start with mode 0600). The checkpoints file (``CHAINAID_AUDIT_CHECKPOINTS``) is appended to under
an exclusive lock, one JSON line per checkpoint, so several workers can share it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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


@dataclass(slots=True)
class SignedHeads:
    """The newest valid checkpoint of each chain in the checkpoints file, as far as it was read. A serving
    worker keeps one between its checkpoints, so that each time it reads only the lines appended since
    (by itself or another worker), not the whole file; read again from the start when the file was replaced
    or shortened."""

    file: tuple[int, int] | None = None  # (device, inode) of the file read
    offset: int = 0  # bytes read: up to the end of the last whole line
    heads: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # chain -> (database, entry id, hash)


_READ_CHUNK = 1 << 20


def _catch_up(fd: int, key: bytes, seen: SignedHeads) -> None:
    """Read the lines of ``fd`` after ``seen.offset`` into ``seen`` (only checkpoints with a valid HMAC: a
    forged line holding a head does not stop the genuine checkpoint of it)."""
    st = os.fstat(fd)
    if seen.file != (st.st_dev, st.st_ino) or st.st_size < seen.offset:
        seen.file, seen.offset, seen.heads = (st.st_dev, st.st_ino), 0, {}
    pos, rest = seen.offset, b""
    while pos < st.st_size:
        chunk = os.pread(fd, min(_READ_CHUNK, st.st_size - pos), pos)
        if not chunk:
            break
        pos += len(chunk)
        *lines, rest = (rest + chunk).split(b"\n")
        for raw in lines:
            try:
                cp = parse_checkpoint_line(raw.decode("utf-8", errors="replace"))
            except ValueError:
                continue
            if mac_ok(key, cp):
                seen.heads[cp.chain] = (cp.database, cp.entry_id, cp.hash)
    seen.offset = pos - len(rest)  # a line still being written is read whole next time


def append_checkpoints(
    path: Path, cps: Sequence[Checkpoint], key: bytes, *, only_if_moved: bool, seen: SignedHeads | None = None
) -> list[Checkpoint]:
    """Append ``cps`` as lines of ``path`` (made if absent) in one write, flushed to disk. With
    ``only_if_moved``, not those whose chain's newest valid line in the file holds the same head. ``seen``
    carries what was read of the file from one call to the next. Returns the checkpoints written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if only_if_moved and seen is None:
            seen = SignedHeads()
        if seen is not None:
            _catch_up(fd, key, seen)
        if only_if_moved:
            assert seen is not None
            cps = [cp for cp in cps if seen.heads.get(cp.chain) != (cp.database, cp.entry_id, cp.hash)]
        if not cps:
            return []
        data = "".join(checkpoint_line(cp) + "\n" for cp in cps).encode()
        size = os.fstat(fd).st_size
        done = 0
        while done < len(data):
            done += os.write(fd, data[done:])
        os.fsync(fd)
        if seen is not None and seen.offset == size:
            seen.offset += len(data)
            for cp in cps:
                seen.heads[cp.chain] = (cp.database, cp.entry_id, cp.hash)
        return list(cps)
    finally:
        os.close(fd)  # releases the lock


def append_checkpoint(path: Path, cp: Checkpoint, key: bytes, *, only_if_moved: bool) -> bool:
    """Append one checkpoint (see ``append_checkpoints``); whether its line was written."""
    return bool(append_checkpoints(path, [cp], key, only_if_moved=only_if_moved))


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
