"""The one audit helper every write uses, plus reading and verifying the trail."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.core.audit_chain import (
    GENESIS,
    ChainCheck,
    EntryContent,
    StoredEntry,
    check_chain,
    entry_payload,
)
from app.audit.schemas import AuditEntryOut
from app.core.principal import Principal
from app.core.database import engine, fetch
from app.core.uow import append_audit_entry
from app.core.pagination import Page, PageParams, fetch_page

async def record(
    actor: Principal,
    action: str,
    entity: str,
    entity_id: Any,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append an audit entry in the caller's ambient Piccolo transaction.

    Kept only while services move to ``UnitOfWork.audit``; it writes through the same function.
    """
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    await append_audit_entry(transaction.connection, actor, action, entity, entity_id, before=before, after=after)


def _load(raw: str | None) -> Any:
    return None if raw is None else json.loads(raw)


def _stored(row: Mapping[str, Any]) -> StoredEntry:
    return StoredEntry(
        id=row["id"],
        content=EntryContent(
            at=row["at"],
            actor_id=row["actor_id"],
            actor_label=row["actor_label"],
            action=row["action"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            before=_load(row["before"]),
            after=_load(row["after"]),
        ),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


async def verify_chain(chunk: int = 5000) -> ChainCheck:
    """Recompute every hash, in id order, a chunk at a time (keyset paging)."""
    result = ChainCheck(True, 0)
    prev_hash, last_id = GENESIS, 0
    while True:
        rows = await fetch("SELECT * FROM audit_entry WHERE id > $1 ORDER BY id LIMIT $2", last_id, chunk)
        if not rows:
            return result
        entries = [_stored(r) for r in rows]
        result = check_chain(entries, prev_hash, result.checked)
        if not result.ok:
            return result
        prev_hash, last_id = entries[-1].hash, entries[-1].id


async def list_entries(
    page: PageParams,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntryOut]:
    conditions, args = [], []
    for column, value, op in (
        ("entity", entity, "="),
        ("entity_id", entity_id, "="),
        ("actor_id", actor_id, "="),
        ("at", since, ">="),
        ("at", until, "<"),
    ):
        if value is not None:
            args.append(value)
            conditions.append(f"{column} {op} ${len(args)}")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return await fetch_page(f"SELECT * FROM audit_entry {where}", args, page, "id DESC", _entry_out)


def _entry_out(r: Mapping[str, Any]) -> AuditEntryOut:
    return AuditEntryOut(
        id=r["id"], at=r["at"], actor_id=r["actor_id"], actor_label=r["actor_label"], action=r["action"],
        entity=r["entity"], entity_id=r["entity_id"], before=_load(r["before"]), after=_load(r["after"]),
        prev_hash=r["prev_hash"], hash=r["hash"],
    )
