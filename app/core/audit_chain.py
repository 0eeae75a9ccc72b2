"""The hash chain of the audit trail, as pure functions.

Each entry's hash covers its content and the previous entry's hash, so editing
an entry breaks its own hash and deleting one breaks the next entry's link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class EntryContent:
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: int
    content: EntryContent
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_payload(content: EntryContent) -> str:
    """The text an entry's hash covers, after the previous entry's hash and a newline."""
    return canonical_json(
        {
            "at": content.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": content.actor_id,
            "actor_label": content.actor_label,
            "action": content.action,
            "entity": content.entity,
            "entity_id": content.entity_id,
            "before": content.before,
            "after": content.after,
        }
    )


def entry_hash(prev_hash: str, content: EntryContent) -> str:
    return hashlib.sha256(f"{prev_hash}\n{entry_payload(content)}".encode()).hexdigest()


def check_chain(entries: Iterable[StoredEntry], prev_hash: str = GENESIS, checked: int = 0) -> ChainCheck:
    """Walk entries in id order; stop at the first one that does not fit.

    ``prev_hash`` and ``checked`` let a caller feed the chain in chunks.
    """
    for entry in entries:
        if entry.prev_hash != prev_hash:
            return ChainCheck(
                False, checked, entry.id, "link to the previous entry is broken (an entry was removed or reordered)"
            )
        if entry_hash(prev_hash, entry.content) != entry.hash:
            return ChainCheck(False, checked, entry.id, "content does not match its hash (the entry was edited)")
        prev_hash = entry.hash
        checked += 1
    return ChainCheck(True, checked)
