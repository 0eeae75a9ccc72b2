from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEntryOut(msgspec.Struct, kw_only=True):
    id: int
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


class WitnessedHeadOut(msgspec.Struct, kw_only=True):
    entry_id: int
    hash: str
    at: datetime


class TrailCheckOut(msgspec.Struct, kw_only=True):
    """The hash chain recomputed, and the chain held to the signed checkpoints of its head."""

    ok: bool
    checked: int
    """entries whose hashes were recomputed"""
    first_broken_id: int | None
    reason: str | None
    checkpoints: int
    """checkpoints of this database with a valid HMAC, each compared with the stored chain"""
    newest_checkpoint: WitnessedHeadOut | None
    findings: list[FindingOut]
    note: str | None


class CheckpointOut(msgspec.Struct, kw_only=True):
    """One line of the checkpoints file, as the auditor would read it."""

    line: int
    database: str | None
    entry_id: int | None
    hash: str | None
    at: datetime | None
    mac_ok: bool
    """whether the HMAC is valid under this deployment's key"""
    chain: str | None
    """for a valid checkpoint of this database: witnessed (the chain still holds that entry with that hash),
    cut (the entry is gone) or rewritten (it holds another hash)"""
    problem: str | None
