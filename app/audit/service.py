"""Reading the audit trail, verifying its hash chains (one per county, one for the province), and witnessing
each chain's head outside the database (entries are written by ``UnitOfWork.audit``; checkpoints by
``write_checkpoints``, every ``CHAINAID_AUDIT_CHECKPOINT_SECONDS`` while the app serves, at its stop and by
``chainaid audit checkpoint``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from app.audit import queries, rules, witness
from app.audit.schemas import AuditEntryOut, CheckpointOut
from app.core.audit_chain import GENESIS, ChainCheck, check_chain, combine
from app.core.errors import Forbidden, Invalid
from app.core.messages import N_
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, ensure_region_scope, list_region
from app.core.settings import get_settings
from app.core.uow import Db, reading, reading_replica

log = logging.getLogger(__name__)


async def _check_one(db: Db, chain: str, chunk: int) -> ChainCheck:
    """Recompute one chain's hashes from its first entry, in id order, a chunk at a time (keyset paging)."""
    result = ChainCheck(True, 0)
    prev_hash, last_id = GENESIS, 0
    while True:
        entries = await queries.chain_entries_after(db, chain, last_id, chunk)
        if not entries:
            return result
        result = check_chain(entries, prev_hash, result.checked)
        if not result.ok:
            return result
        prev_hash, last_id = entries[-1].hash, entries[-1].id


async def verify_chains(selection: rules.ChainSelection | None = None, chunk: int = 5000) -> dict[str, ChainCheck]:
    """Each selected chain checked on its own ('' first, then the counties in order); a chain asked for by
    name that holds no entry is there, empty."""
    selection = selection or rules.ChainSelection()
    async with reading() as db:
        names = [c for c in await queries.chains(db) if selection.selects(c)]
        if selection.exact is not None and selection.exact not in names:
            names.append(selection.exact)
        return {chain: await _check_one(db, chain, chunk) for chain in names}


async def verify_chain(chunk: int = 5000) -> ChainCheck:
    """Every chain's hashes recomputed, as one check (the first broken chain's entry and reason)."""
    return combine((await verify_chains(None, chunk)).values())


async def list_entries(
    principal: Principal,
    page: PageParams,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntryOut]:
    """The trail under the filters, of the chains in the principal's reach: its region's counties', and the
    province's chain (what belongs to no county) for a province's account or an unscoped one."""
    f = queries.EntryFilter(entity=entity, entity_id=entity_id, actor_id=actor_id, since=since, until=until)
    region = list_region(principal)
    async with reading_replica() as db:
        return await queries.page_of(db, f, page, region=region, with_province=_reads_province_chain(principal))


PROVINCE_DIGITS = 2


def _reads_province_chain(principal: Principal) -> bool:
    return principal.region_code is None or len(principal.region_code) == PROVINCE_DIGITS


async def verify_trail_for(principal: Principal, region: str | None) -> rules.TrailCheck:
    """``verify_trail`` as an account asks it: of its own region's chains by default, and of no chain outside
    its region (403); the province's chain for a province's account or an unscoped one."""
    if region is None:
        return await verify_trail(region=principal.region_code)
    if region.strip().lower() == rules.PROVINCE_REGION:
        if not _reads_province_chain(principal):
            raise Forbidden.of(N_("this region is outside yours"))
    elif region.strip().isascii() and region.strip().isdigit():
        ensure_region_scope(principal, region.strip())
    return await verify_trail(region=region)


async def ensure_audit_key() -> tuple[bytes, str | None]:
    """The key that signs checkpoints, made when there is none yet; with a warning saying where it was
    made (None when it was there already)."""
    settings = get_settings()
    key, made = await asyncio.to_thread(witness.ensure_key, settings)
    return key, witness.key_warning(settings) if made else None


async def write_checkpoints(
    key: bytes, *, only_if_moved: bool, seen: witness.SignedHeads | None = None
) -> tuple[list[rules.Checkpoint], list[rules.Checkpoint]]:
    """Sign each chain's head now and append them to the checkpoints file: (the checkpoints signed, those
    written). Nothing on an empty trail; with ``only_if_moved``, not those of a chain whose newest line in
    the file holds its head already (``seen``: what was read of the file before, so that only the lines
    appended since are read)."""
    async with reading() as db:
        database = await queries.database_name(db)
        heads = await queries.heads(db)
    now = datetime.now(UTC)
    cps = [rules.make_checkpoint(key, database, h.entry_id, h.hash, now, h.chain) for h in heads]
    if not cps:
        return [], []
    path = get_settings().audit_checkpoints_file
    written = await asyncio.to_thread(
        witness.append_checkpoints, path, cps, key, only_if_moved=only_if_moved, seen=seen
    )
    return cps, written


async def verify_trail(chunk: int = 5000, region: str | None = None) -> rules.TrailCheck:
    """Every chain (or the chains of ``region``: see ``rules.select_chains``; ValueError when it names
    none: Invalid) recomputed, then each held to its own checkpoints whose HMAC is valid: a witnessed entry gone
    from its chain is a cut, one with another hash a rewrite; a line whose HMAC fails is reported as forged
    and not believed. A chain that holds no entry any more but was witnessed is reported, cut."""
    try:
        selection = rules.select_chains(region)
    except ValueError as exc:
        raise Invalid("region", str(exc)) from None
    checks = await verify_chains(selection, chunk)
    settings = get_settings()
    path, source = settings.audit_checkpoints_file, str(settings.audit_checkpoints_file)
    key = await asyncio.to_thread(witness.read_key, settings)
    tally = rules.WitnessTally()
    batches = witness.line_batches(path, chunk)
    if key is None:
        lines = sum([len(b) for b in await asyncio.to_thread(list, batches)])
        found = (rules.no_key_finding(lines, source, witness.key_source(settings)),) if lines else ()
        reports = tuple(rules.chain_report(chain, check, None) for chain, check in checks.items())
        return rules.TrailCheck(reports, found, selection.region)
    kept: dict[str, int | None] = {}
    async with reading() as db:
        database = await queries.database_name(db)
        while (batch := await asyncio.to_thread(next, batches, None)) is not None:
            believed = rules.tally_lines(key, database, batch, tally, selection)
            if believed:
                stored = await queries.hashes_at(db, sorted({cp.entry_id for _, cp in believed}))
                for _, cp in believed:
                    tally.compared(cp, rules.compare(cp, rules.stored_in_chain(cp, stored)))
        for chain, t in tally.chains.items():
            if t.first_cut is not None:
                kept[chain] = await queries.last_id_before(db, chain, t.first_cut.entry_id)
    reports = tuple(
        rules.chain_report(chain, checks.get(chain, ChainCheck(True, 0)), tally.chains.get(chain), kept.get(chain))
        for chain in sorted(set(checks) | set(tally.chains))
    )
    return rules.TrailCheck(reports, tuple(rules.file_findings(tally, source)), selection.region)


async def list_checkpoints(page: PageParams) -> Page[CheckpointOut]:
    """The checkpoints file, newest line first, each line read with this deployment's key and the
    valid ones held to the stored chain they witnessed."""
    settings = get_settings()
    key = await asyncio.to_thread(witness.read_key, settings)
    total, lines = await asyncio.to_thread(
        witness.newest_lines, settings.audit_checkpoints_file, page.offset, page.limit
    )
    # the primary: a lagging replica would show a checkpoint taken seconds ago as a cut
    async with reading() as db:
        database = await queries.database_name(db)
        readings = [(n, rules.read_line(key, database, text)) for n, text in lines]
        ids = sorted({r.checkpoint.entry_id for _, r in readings if r.believed and r.checkpoint})
        stored = await queries.hashes_at(db, ids) if ids else {}
    items = []
    for n, r in readings:
        cp = r.checkpoint
        verdict = rules.compare(cp, rules.stored_in_chain(cp, stored)) if cp is not None and r.believed else None
        items.append(
            CheckpointOut(
                line=n,
                database=cp.database if cp else None,
                region=rules.region_of(cp.chain) if cp else None,
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
    seen: witness.SignedHeads | None = None  # what the task read of the checkpoints file so far


CHECKPOINT_TIMEOUT_SECONDS = 10.0


async def _checkpoint_now(key: bytes) -> None:
    try:
        async with asyncio.timeout(CHECKPOINT_TIMEOUT_SECONDS):
            if _Witness.seen is None:
                _Witness.seen = witness.SignedHeads()
            await write_checkpoints(key, only_if_moved=True, seen=_Witness.seen)
    except Exception:  # the database or the disk away for a moment: said, and tried again next time
        log.exception("audit checkpoint not written")


async def _checkpoint_every(key: bytes, seconds: int) -> None:
    while True:
        await _checkpoint_now(key)
        await asyncio.sleep(seconds)


async def start_checkpoints() -> None:
    """At the app's start: make the key if there is none (saying where), then checkpoint each chain's head now
    and every ``CHAINAID_AUDIT_CHECKPOINT_SECONDS``, whenever it moved."""
    key, warning = await ensure_audit_key()
    if warning:
        log.warning(warning)
    _Witness.key = key
    _Witness.task = asyncio.create_task(
        _checkpoint_every(key, get_settings().audit_checkpoint_seconds), name="audit checkpoints"
    )


async def stop_checkpoints() -> None:
    """At the app's stop (before the pool closes): stop the task, and checkpoint the heads a last time."""
    task, _Witness.task = _Witness.task, None
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    key, _Witness.key = _Witness.key, None
    if key is not None:
        await _checkpoint_now(key)
    _Witness.seen = None
