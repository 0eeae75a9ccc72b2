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


class ChainCheckOut(msgspec.Struct, kw_only=True):
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
