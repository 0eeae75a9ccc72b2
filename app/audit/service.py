"""The one audit helper every write uses, plus reading and verifying the trail."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from app.audit.rules import (
    GENESIS,
    ChainCheck,
    EntryContent,
    StoredEntry,
    check_chain,
    entry_payload,
)
from app.audit.schemas import AuditEntryOut
from app.auth import Principal
from app.database import engine, fetch
from app.pagination import Page, PageParams, fetch_page

# One lock for the chain: entries must be appended one after the other for each
# to know its predecessor's hash. Held only to the end of the writer's transaction.
_CHAIN_LOCK_KEY = 0x43A1_0001


def _jsonable(value: Any) -> Any:
    """Decimals as strings, dates as ISO text: the same value hashed and stored."""
    if value is None:
        return None
    return msgspec.to_builtins(value)  # Decimal → "1234.50", date → ISO text


async def record(
    actor: Principal,
    action: str,
    entity: str,
    entity_id: Any,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append an audit entry in the caller's transaction (which must be open)."""
    db = engine()
    transaction = db.current_transaction.get()
    if transaction is None:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    conn = transaction.connection
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _CHAIN_LOCK_KEY)
    content = EntryContent(
        at=datetime.now(UTC),
        actor_id=actor.account_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_jsonable(before),
        after=_jsonable(after),
    )
    # One statement after the lock (so it sees the newest entry): the previous hash is read and the new
    # one computed in SQL, as entry_hash does in Python: sha256 of "<previous hash>\n<payload>".
    await conn.execute(
        "INSERT INTO audit_entry (at, actor_id, actor_label, action, entity, entity_id, before, after, prev_hash, hash)"
        " SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, p.h,"
        "        encode(sha256(convert_to(p.h || chr(10) || $9, 'UTF8')), 'hex')"
        " FROM (SELECT coalesce((SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1), $10) AS h) p",
        content.at,
        content.actor_id,
        content.actor_label,
        content.action,
        content.entity,
        content.entity_id,
        None if content.before is None else json.dumps(content.before, ensure_ascii=False),
        None if content.after is None else json.dumps(content.after, ensure_ascii=False),
        entry_payload(content),
        GENESIS,
    )


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
