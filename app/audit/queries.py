"""The audit app's SQL: reading the trail (entries are appended by the unit of work, app/core/uow.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import msgspec

from app.audit.schemas import AuditEntryOut
from app.core.audit_chain import EntryContent, StoredEntry
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db


def _load(raw: str | None) -> Any:
    return None if raw is None else json.loads(raw)


def _stored(row: Any) -> StoredEntry:
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


def _entry_out(r: Any) -> AuditEntryOut:
    return AuditEntryOut(
        id=r["id"],
        at=r["at"],
        actor_id=r["actor_id"],
        actor_label=r["actor_label"],
        action=r["action"],
        entity=r["entity"],
        entity_id=r["entity_id"],
        before=_load(r["before"]),
        after=_load(r["after"]),
        prev_hash=r["prev_hash"],
        hash=r["hash"],
    )


async def entries_after(db: Db, last_id: int, limit: int) -> list[StoredEntry]:
    """The next ``limit`` entries after ``last_id``, in chain order (keyset paging for the chain check)."""
    rows = await db.fetch("SELECT * FROM audit_entry WHERE id > $1 ORDER BY id LIMIT $2", last_id, limit)
    return [_stored(r) for r in rows]


class EntryFilter(msgspec.Struct, frozen=True, kw_only=True):
    entity: str | None = None
    entity_id: str | None = None
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


_LIST = (
    "SELECT * FROM audit_entry WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2)"
    " AND ($3::int IS NULL OR actor_id = $3) AND ($4::timestamptz IS NULL OR at >= $4)"
    " AND ($5::timestamptz IS NULL OR at < $5)"
)


async def page_of(db: Db, f: EntryFilter, page: PageParams) -> Page[AuditEntryOut]:
    return await fetch_page(
        _LIST, [f.entity, f.entity_id, f.actor_id, f.since, f.until], page, "id DESC", _entry_out, db=db
    )


class Head(msgspec.Struct, frozen=True, kw_only=True):
    database: str
    entry_id: int | None
    hash: str | None


async def head(db: Db) -> Head:
    """The chain's newest entry (None on an empty chain), and the name of the database that holds it."""
    row = await db.fetchrow(
        "SELECT current_database() AS database, e.id, e.hash"
        " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1) e ON true"
    )
    assert row is not None
    return Head(database=row["database"], entry_id=row["id"], hash=row["hash"])


async def hashes_at(db: Db, ids: list[int]) -> dict[int, str]:
    """The stored hash of each of ``ids`` that is still there."""
    rows = await db.fetch("SELECT id, hash FROM audit_entry WHERE id = ANY($1::bigint[])", ids)
    return {r["id"]: r["hash"] for r in rows}


async def last_id_before(db: Db, entry_id: int) -> int | None:
    return await db.fetchval("SELECT max(id) FROM audit_entry WHERE id < $1", entry_id)
