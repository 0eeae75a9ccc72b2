"""The evidence files of assets, kept outside the database by the SHA-256 of their content.

A file lives at ``<CHAINAID_EVIDENCE_DIR>/ab/cd/abcd…`` (its hash's first two and next two hex digits as
folders, then the whole hash): nothing a user sent is ever part of a path, and the same content is one file
however many times, and to however many assets, it is attached. A file is written to ``.incoming/`` first,
flushed to disk, then renamed into place in one step, so a reader finds a whole file or none. Files are never
deleted here: an evidence row removed keeps its file (another row may name the same content), and a file
whose row was never committed (the transaction failed after the write) is left for the next upload of the
same content to find.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import uuid
from pathlib import Path

from app.core.settings import get_settings

_HASH = re.compile(r"^[0-9a-f]{64}$")
INCOMING = ".incoming"


def root() -> Path:
    return get_settings().evidence_dir


def path_of(sha256: str, base: Path | None = None) -> Path:
    """Where the file of this content is (whether or not it is there)."""
    if not _HASH.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return (base or root()) / sha256[:2] / sha256[2:4] / sha256


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _put(content: bytes, sha256: str, base: Path) -> bool:
    target = path_of(sha256, base)
    if target.is_file() and target.stat().st_size == len(content):
        return False
    incoming = base / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = incoming / f"{sha256}.{uuid.uuid4().hex}"
    try:
        with temporary.open("xb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)  # atomic: a reader sees the whole file or none
    finally:
        temporary.unlink(missing_ok=True)
    return True


async def put(content: bytes, sha256: str) -> bool:
    """Keep ``content`` (whose hash is ``sha256``) in the store; True when it was written now, False when the
    store held it already."""
    if digest(content) != sha256:
        raise ValueError("the content does not have the hash it was given")
    return await asyncio.to_thread(_put, content, sha256, root())


def exists(sha256: str) -> bool:
    return path_of(sha256).is_file()
