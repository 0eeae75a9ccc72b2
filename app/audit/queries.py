"""The audit app's SQL: reading the trail (entries are appended by the unit of work, app/core/uow.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import msgspec

from app.audit.schemas import AuditEntryOut
from app.core.audit_chain import EntryContent, StoredEntry
from app.core.counties import county_clause
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
            chain=row["chain"],
        ),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def _entry_out(r: Any) -> AuditEntryOut:
    return AuditEntryOut(
        id=r["id"],
        chain=r["chain"],
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
    """The next ``limit`` entries of every chain after ``last_id``, in id order."""
    rows = await db.fetch("SELECT * FROM audit_entry WHERE id > $1 ORDER BY id LIMIT $2", last_id, limit)
    return [_stored(r) for r in rows]


async def chain_entries_after(db: Db, chain: str, last_id: int, limit: int) -> list[StoredEntry]:
    """The next ``limit`` entries of ``chain`` after ``last_id``, in chain order (keyset paging for the chain
    check, on the (chain, id) index)."""
    rows = await db.fetch(
        "SELECT * FROM audit_entry WHERE chain = $1 AND id > $2 ORDER BY id LIMIT $3", chain, last_id, limit
    )
    return [_stored(r) for r in rows]


# The chains that hold entries, each found with one probe of the (chain, id) index (a loose index scan):
# a handful of counties among millions of entries costs as many probes, not a scan.
_CHAINS = (
    "WITH RECURSIVE c AS ("
    " (SELECT chain FROM audit_entry ORDER BY chain LIMIT 1)"
    " UNION ALL"
    " SELECT (SELECT a.chain FROM audit_entry a WHERE a.chain > c.chain ORDER BY a.chain LIMIT 1)"
    " FROM c WHERE c.chain IS NOT NULL"
    ") SELECT chain FROM c WHERE chain IS NOT NULL"
)


async def chains(db: Db) -> list[str]:
    """Every chain that holds an entry, in order ('' first)."""
    return [r["chain"] for r in await db.fetch(_CHAINS)]


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


async def page_of(
    db: Db, f: EntryFilter, page: PageParams, *, region: str | None = None, with_province: bool = True
) -> Page[AuditEntryOut]:
    """``region``: only the chains of the counties under it, and the province's chain when ``with_province``
    (a province's account reads what belongs to no county; a city's or a county's does not)."""
    args: list[Any] = [f.entity, f.entity_id, f.actor_id, f.since, f.until]
    within = ""
    if region is not None:
        counties = county_clause("chain", region, args, keyword="")
        within = f" AND ({counties} OR chain = '')" if with_province else f" AND {counties}"
    return await fetch_page(_LIST + within, args, page, "id DESC", _entry_out, db=db)


class Head(msgspec.Struct, frozen=True, kw_only=True):
    chain: str
    entry_id: int
    hash: str


async def database_name(db: Db) -> str:
    name: str = await db.fetchval("SELECT current_database()")
    return name


async def heads(db: Db) -> list[Head]:
    """Each chain's newest entry, in chain order (none on an empty trail)."""
    rows = await db.fetch(
        f"SELECT c.chain, e.id, e.hash FROM ({_CHAINS}) c CROSS JOIN LATERAL"
        " (SELECT id, hash FROM audit_entry WHERE chain = c.chain ORDER BY id DESC LIMIT 1) e ORDER BY c.chain"
    )
    return [Head(chain=r["chain"], entry_id=r["id"], hash=r["hash"]) for r in rows]


async def hashes_at(db: Db, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The chain and stored hash of each of ``ids`` that is still there."""
    rows = await db.fetch("SELECT id, chain, hash FROM audit_entry WHERE id = ANY($1::bigint[])", ids)
    return {r["id"]: (r["chain"], r["hash"]) for r in rows}


async def last_id_before(db: Db, chain: str, entry_id: int) -> int | None:
    """The newest entry of ``chain`` before ``entry_id``."""
    return await db.fetchval(
        "SELECT id FROM audit_entry WHERE chain = $1 AND id < $2 ORDER BY id DESC LIMIT 1", chain, entry_id
    )
