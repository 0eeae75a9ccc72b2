"""Evidence attached to assets: photos and documents, their files kept outside the database by content hash
(app/assets/blobs.py), the database keeping what each is (``asset_evidence``).

An upload is checked whole before anything is written: its size against ``CHAINAID_EVIDENCE_MAX_MB``, its
kind by its first bytes (JPEG, PNG, PDF, .xlsx, .docx without macros; a name or declared type that says
another kind is refused too), the asset and the caller's reach. Only then is the file kept (once per content)
and its row written, audited, in one transaction. The same file sent again for the same asset is the same
evidence (200, not a second row); with another title or note it is a 409 naming the first. Who may read an
asset reads its evidence; the county's staff (admins, finance) attach and remove it. A removed evidence stays
on record, its file no longer served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.assets import blobs, service, supervision_queries
from app.assets.model import EvidenceType
from app.assets.rules import MEDIA_TYPES, NotEvidence, content_disposition, evidence_type, safe_file_name
from app.assets.schemas import EvidenceIn, EvidenceOut, EvidenceRemoval
from app.core.errors import Conflict, Invalid, NotFound, Unavailable
from app.core.messages import N_, message
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, ensure_county_scope
from app.core.settings import get_settings
from app.core.uow import reading, unit_of_work

MIB = 1024 * 1024


def max_bytes() -> int:
    return get_settings().evidence_max_mb * MIB


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file as the edge read it: at most ``max_bytes() + 1`` bytes of it (one more than taken, to
    tell a file just too large from one that fits)."""

    content: bytes
    filename: str | None
    content_type: str | None


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """What a download sends: the file, its content type and its Content-Disposition."""

    path: Path
    media_type: str
    disposition: str
    size: int


def check_upload(upload: Upload) -> EvidenceType:
    """The upload's kind, once its size and content are what evidence may be (400 naming ``file`` otherwise)."""
    if not upload.content:
        raise Invalid("file", message(N_("is empty")))
    if len(upload.content) > max_bytes():
        raise Invalid("file", message(N_("is larger than {size} MiB"), size=get_settings().evidence_max_mb))
    try:
        return evidence_type(upload.content, upload.filename, upload.content_type)
    except NotEvidence as e:
        raise Invalid("file", e.reason) from None


def _same_or_clash(existing: supervision_queries.StoredEvidence, title: str, note: str | None) -> EvidenceOut:
    found = existing.evidence
    if found.title != title or found.note != note:
        raise Conflict.of(
            N_("the asset holds this file already as evidence {evidence} ({title})"),
            evidence=found.id,
            title=found.title,
            field="file",
            extra={"existing_evidence_id": found.id},
        )
    return found


async def upload_evidence(
    actor: Principal, asset_id: int, upload: Upload, data: EvidenceIn
) -> tuple[EvidenceOut, bool]:
    """(evidence, created): attach a checked file to the asset. The same file again (same title and note)
    returns the first record; another title or note for the same file is a 409."""
    kind = check_upload(upload)
    sha256 = blobs.digest(upload.content)
    original = safe_file_name(upload.filename)
    title = data.title or original
    async with unit_of_work() as uow:
        placed = await service.held_asset(uow, actor, asset_id)
        existing = await supervision_queries.live_evidence_of_file(uow, asset_id, sha256)
        if existing is not None:
            return _same_or_clash(existing, title, data.note), False
        await blobs.put(upload.content, sha256)
        evidence_id = await supervision_queries.insert_evidence(
            uow,
            supervision_queries.NewEvidence(
                asset_id=asset_id,
                sha256=sha256,
                size=len(upload.content),
                file_type=kind.value,
                original_name=original,
                title=title,
                note=data.note,
                created_by=actor.account_id,
                county_code=placed.county_code,
            ),
        )
        assert evidence_id is not None  # the asset is held: no other upload of it could get in between
        stored = await supervision_queries.evidence_by_id(uow, evidence_id)
        assert stored is not None  # just written
        await uow.audit(actor, "attach", "asset_evidence", evidence_id, after=stored.evidence)
    return stored.evidence, True


async def list_evidence(principal: Principal, asset_id: int, page: PageParams) -> Page[EvidenceOut]:
    """The asset's evidence, the latest first, removed ones included (marked)."""
    async with reading() as db:
        await service.readable_asset(db, principal, asset_id)
        return await supervision_queries.page_of_evidence(db, asset_id, page)


async def _readable(principal: Principal, evidence_id: int) -> supervision_queries.StoredEvidence:
    async with reading() as db:
        stored = await supervision_queries.evidence_by_id(db, evidence_id)
        if stored is None:
            raise NotFound.of(N_("evidence {evidence} does not exist"), evidence=evidence_id)
        await service.readable_asset(db, principal, stored.evidence.asset_id)
    return stored


async def get_evidence(principal: Principal, evidence_id: int) -> EvidenceOut:
    return (await _readable(principal, evidence_id)).evidence


async def evidence_file(principal: Principal, evidence_id: int) -> EvidenceFile:
    """The evidence's file to send, once the principal may read its asset; a removed one is not served (404)."""
    found = (await _readable(principal, evidence_id)).evidence
    if found.removed_at is not None:
        raise NotFound.of(N_("evidence {evidence} was removed; its file is not served"), evidence=evidence_id)
    path = blobs.path_of(found.sha256)
    if not path.is_file():
        raise Unavailable.of(N_("the file of evidence {evidence} is missing from the store"), evidence=evidence_id)
    return EvidenceFile(
        path=path,
        media_type=MEDIA_TYPES[found.file_type],
        disposition=content_disposition(found.id, found.file_type, found.original_name),
        size=found.size,
    )


async def remove_evidence(actor: Principal, evidence_id: int, data: EvidenceRemoval) -> EvidenceOut:
    """Take the evidence off the asset, with the reason: its row stays (audited), its file is no longer served.
    Removing one removed already with the same reason returns it as it is; with another reason, a 409."""
    async with unit_of_work() as uow:
        stored = await supervision_queries.evidence_by_id(uow, evidence_id, lock=True)
        if stored is None:
            raise NotFound.of(N_("evidence {evidence} does not exist"), evidence=evidence_id)
        ensure_county_scope(actor, stored.county_code)
        before = stored.evidence
        if before.removed_at is not None:
            if before.removed_reason == data.reason:
                return before
            raise Conflict.of(N_("evidence {evidence} was removed already"), evidence=evidence_id)
        await supervision_queries.remove_evidence(uow, evidence_id, actor.account_id, data.reason)
        after = await supervision_queries.evidence_by_id(uow, evidence_id)
        assert after is not None
        await uow.audit(actor, "remove", "asset_evidence", evidence_id, before=before, after=after.evidence)
    return after.evidence
