"""The hash chains of the audit trail, as pure functions.

Each entry's hash covers its content and the previous entry's hash, so editing
an entry breaks its own hash and deleting one breaks the next entry's link.

There is one chain per county (named by its 6-digit code) and one for what belongs to
no county (the province, the deployment: named ``""``). An entry of a county's chain
has its chain's name in the text its hash covers, so it cannot be moved to another
chain unseen; an entry of ``""`` hashes as every entry did before the chains were
split, so the trail written then is still one valid chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
PROVINCE_CHAIN = ""  # the chain of what belongs to no county


def is_chain_name(name: str) -> bool:
    """``""`` or a county's 6 ASCII digits."""
    return name == PROVINCE_CHAIN or (len(name) == 6 and name.isascii() and name.isdigit())


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
    chain: str = PROVINCE_CHAIN


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
    """The text an entry's hash covers, after the previous entry's hash and a newline. A county chain's
    entry names its chain in it; the province chain's does not (its entries hash as they always did)."""
    payload: dict[str, Any] = {
        "at": content.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": content.actor_id,
        "actor_label": content.actor_label,
        "action": content.action,
        "entity": content.entity,
        "entity_id": content.entity_id,
        "before": content.before,
        "after": content.after,
    }
    if content.chain != PROVINCE_CHAIN:
        payload["chain"] = content.chain
    return canonical_json(payload)


def entry_hash(prev_hash: str, content: EntryContent) -> str:
    return hashlib.sha256(f"{prev_hash}\n{entry_payload(content)}".encode()).hexdigest()


def check_chain(entries: Iterable[StoredEntry], prev_hash: str = GENESIS, checked: int = 0) -> ChainCheck:
    """Walk one chain's entries in id order; stop at the first one that does not fit.

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


def combine(checks: Iterable[ChainCheck]) -> ChainCheck:
    """Several chains' checks as one: intact when every one is, the entries of all counted, the first broken
    one's entry and reason kept (callers pass them in the order they report them)."""
    checked, broken = 0, None
    for check in checks:
        checked += check.checked
        if broken is None and not check.ok:
            broken = check
    if broken is None:
        return ChainCheck(True, checked)
    return ChainCheck(False, checked, broken.first_broken_id, broken.reason)
