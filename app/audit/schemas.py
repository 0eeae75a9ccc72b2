from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEntryOut(msgspec.Struct, kw_only=True):
    id: int
    chain: str
    """the chain the entry is in: its county's code, or '' for the province's chain (its hash covers the
    name of a county's chain)"""
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


class FindingOut(msgspec.Struct, kw_only=True):
    kind: str
    """cut, rewritten, forged, wrong_key, unreadable or no_key"""
    message: str
    entry_id: int | None
    witnessed_at: datetime | None
    line: int | None
    region: str | None = None
    """the chain a cut or a rewrite is in (a county's code, or province); null for what concerns the
    checkpoints file as a whole"""


class WitnessedHeadOut(msgspec.Struct, kw_only=True):
    entry_id: int
    hash: str
    at: datetime
    region: str = "province"
    """the chain whose head was witnessed: a county's code, or province"""


class ChainCheckOut(msgspec.Struct, kw_only=True):
    """One chain: its hashes recomputed from its first entry, and held to its own checkpoints."""

    region: str
    """a county's code, or province for the chain of what belongs to no county"""
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
    checkpoints: int
    newest_checkpoint: WitnessedHeadOut | None
    note: str | None


class TrailCheckOut(msgspec.Struct, kw_only=True):
    """The hash chains recomputed (one per county and the province's), each held to the signed checkpoints
    of its head; the totals first, then each chain."""

    ok: bool
    checked: int
    """entries whose hashes were recomputed, in every chain checked"""
    first_broken_id: int | None
    """the first entry that does not fit, in the first broken chain (``chains`` names each)"""
    reason: str | None
    checkpoints: int
    """checkpoints with a valid HMAC, each compared with the stored chain it witnessed"""
    newest_checkpoint: WitnessedHeadOut | None
    findings: list[FindingOut]
    note: str | None
    region: str | None = None
    """the chains asked for (``?region=``); null: every chain"""
    chains: list[ChainCheckOut] = msgspec.field(default_factory=list)


class CheckpointOut(msgspec.Struct, kw_only=True):
    """One line of the checkpoints file, as the auditor would read it."""

    line: int
    database: str | None
    region: str | None
    """the chain it witnesses: a county's code, or province (a line written before the chains were split
    witnessed the province's); null for a line that is not a checkpoint"""
    entry_id: int | None
    hash: str | None
    at: datetime | None
    mac_ok: bool
    """whether the HMAC is valid under this deployment's key"""
    chain: str | None
    """for a valid checkpoint of this database: witnessed (its chain still holds that entry with that hash),
    cut (the entry is gone from its chain) or rewritten (it holds another hash)"""
    problem: str | None
