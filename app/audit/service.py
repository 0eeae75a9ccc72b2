"""Reading the audit trail and verifying its hash chain (entries are written by ``UnitOfWork.audit``)."""

from __future__ import annotations

from datetime import datetime

from app.audit import queries
from app.audit.schemas import AuditEntryOut
from app.core.audit_chain import GENESIS, ChainCheck, check_chain
from app.core.pagination import Page, PageParams
from app.core.uow import reading


async def verify_chain(chunk: int = 5000) -> ChainCheck:
    """Recompute every hash, in id order, a chunk at a time (keyset paging)."""
    result = ChainCheck(True, 0)
    prev_hash, last_id = GENESIS, 0
    async with reading() as db:
        while True:
            entries = await queries.entries_after(db, last_id, chunk)
            if not entries:
                return result
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
    f = queries.EntryFilter(entity=entity, entity_id=entity_id, actor_id=actor_id, since=since, until=until)
    async with reading() as db:
        return await queries.page_of(db, f, page)
