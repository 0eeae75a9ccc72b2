"""Reading the audit trail, verifying its hash chain, and witnessing its head outside the database
(entries are written by ``UnitOfWork.audit``; checkpoints by ``write_checkpoint``, every
``CHAINAID_AUDIT_CHECKPOINT_SECONDS`` while the app serves, at its stop and by ``chainaid audit checkpoint``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from app.audit import queries, rules, witness
from app.audit.schemas import AuditEntryOut, CheckpointOut
from app.core.audit_chain import GENESIS, ChainCheck, check_chain
from app.core.pagination import Page, PageParams
from app.core.settings import get_settings
from app.core.uow import reading, reading_replica

log = logging.getLogger(__name__)


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
    async with reading_replica() as db:
        return await queries.page_of(db, f, page)


async def ensure_audit_key() -> tuple[bytes, str | None]:
    """The key that signs checkpoints, made when there is none yet; with a warning saying where it was
    made (None when it was there already)."""
    settings = get_settings()
    key, made = await asyncio.to_thread(witness.ensure_key, settings)
    return key, witness.key_warning(settings) if made else None


async def write_checkpoint(key: bytes, *, only_if_moved: bool) -> tuple[rules.Checkpoint | None, bool]:
    """Sign the chain's head now and append it to the checkpoints file: (the checkpoint, whether a line was
    written). Nothing on an empty chain; with ``only_if_moved``, nothing when the file's last line already
    holds this head."""
    async with reading() as db:
        head = await queries.head(db)
    if head.entry_id is None or head.hash is None:
        return None, False
    cp = rules.make_checkpoint(key, head.database, head.entry_id, head.hash, datetime.now(UTC))
    path = get_settings().audit_checkpoints_file
    written = await asyncio.to_thread(witness.append_checkpoint, path, cp, key, only_if_moved=only_if_moved)
    return cp, written


async def verify_trail(chunk: int = 5000) -> rules.TrailCheck:
    """The hash chain recomputed, then held to every checkpoint of this database whose HMAC is valid:
    a witnessed entry that is gone is a cut, one with another hash a rewrite; a line whose HMAC fails is
    reported as forged and not believed."""
    chain = await verify_chain(chunk)
    settings = get_settings()
    path, source = settings.audit_checkpoints_file, str(settings.audit_checkpoints_file)
    key = await asyncio.to_thread(witness.read_key, settings)
    tally = rules.WitnessTally()
    batches = witness.line_batches(path, chunk)
    async with reading() as db:
        head = await queries.head(db)
        if key is None:
            lines = sum([len(b) for b in await asyncio.to_thread(list, batches)])
            found = [rules.no_key_finding(lines, source, witness.key_source(settings))] if lines else []
            note = None if lines else rules.no_witness_note(chain.checked)
            return rules.TrailCheck(chain, 0, None, tuple(found), note)
        while (batch := await asyncio.to_thread(next, batches, None)) is not None:
            believed = rules.tally_lines(key, head.database, batch, tally)
            if believed:
                stored = await queries.hashes_at(db, sorted({cp.entry_id for _, cp in believed}))
                for _, cp in believed:
                    tally.compared(cp, rules.compare(cp, stored.get(cp.entry_id)))
        kept = await queries.last_id_before(db, tally.first_cut.entry_id) if tally.first_cut else None
    found = rules.findings(tally, kept, source)
    note = rules.no_witness_note(chain.checked) if not tally.believed and not found else None
    return rules.TrailCheck(chain, tally.believed, tally.newest, tuple(found), note)


async def list_checkpoints(page: PageParams) -> Page[CheckpointOut]:
    """The checkpoints file, newest line first, each line read with this deployment's key and the
    valid ones held to the stored chain."""
    settings = get_settings()
    key = await asyncio.to_thread(witness.read_key, settings)
    total, lines = await asyncio.to_thread(
        witness.newest_lines, settings.audit_checkpoints_file, page.offset, page.limit
    )
    # the primary: a lagging replica would show a checkpoint taken seconds ago as a cut
    async with reading() as db:
        database = (await queries.head(db)).database
        readings = [(n, rules.read_line(key, database, text)) for n, text in lines]
        ids = sorted({r.checkpoint.entry_id for _, r in readings if r.believed and r.checkpoint})
        stored = await queries.hashes_at(db, ids) if ids else {}
    items = []
    for n, r in readings:
        cp = r.checkpoint
        verdict = rules.compare(cp, stored.get(cp.entry_id)) if cp is not None and r.believed else None
        items.append(
            CheckpointOut(
                line=n,
                database=cp.database if cp else None,
                entry_id=cp.entry_id if cp else None,
                hash=cp.hash if cp else None,
                at=cp.at if cp else None,
                mac_ok=r.mac_ok,
                chain=verdict,
                problem=r.problem,
            )
        )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


class _Witness:
    """The serving worker's checkpoint task, started and stopped with the app."""

    task: asyncio.Task[None] | None = None
    key: bytes | None = None


CHECKPOINT_TIMEOUT_SECONDS = 10.0


async def _checkpoint_now(key: bytes) -> None:
    try:
        async with asyncio.timeout(CHECKPOINT_TIMEOUT_SECONDS):
            await write_checkpoint(key, only_if_moved=True)
    except Exception:  # the database or the disk away for a moment: said, and tried again next time
        log.exception("audit checkpoint not written")


async def _checkpoint_every(key: bytes, seconds: int) -> None:
    while True:
        await _checkpoint_now(key)
        await asyncio.sleep(seconds)


async def start_checkpoints() -> None:
    """At the app's start: make the key if there is none (saying where), then checkpoint the head now and
    every ``CHAINAID_AUDIT_CHECKPOINT_SECONDS``, whenever it moved."""
    key, warning = await ensure_audit_key()
    if warning:
        log.warning(warning)
    _Witness.key = key
    _Witness.task = asyncio.create_task(
        _checkpoint_every(key, get_settings().audit_checkpoint_seconds), name="audit checkpoints"
    )


async def stop_checkpoints() -> None:
    """At the app's stop (before the pool closes): stop the task, and checkpoint the head a last time."""
    task, _Witness.task = _Witness.task, None
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    key, _Witness.key = _Witness.key, None
    if key is not None:
        await _checkpoint_now(key)
