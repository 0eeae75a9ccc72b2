from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from app.audit import service
from app.audit.schemas import AuditEntryOut, CheckpointOut, FindingOut, TrailCheckOut, WitnessedHeadOut
from app.core.pagination import Page, PageParams
from app.core.params import QueryId, provide_page_params
from app.core.validation import check_planned_day


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]
    dependencies = {"page": Provide(provide_page_params)}

    @get("/", operation_id="listAuditEntries")
    async def list_entries(
        self,
        page: NamedDependency[PageParams],
        entity: FromQuery[str | None] = None,
        entity_id: FromQuery[str | None] = None,
        actor_id: QueryId = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
    ) -> Page[AuditEntryOut]:
        """The audit trail, newest first, filtered by entity, actor and time (``since`` ≤ at < ``until``)."""
        check_planned_day("since", since and since.date())
        check_planned_day("until", until and until.date())
        return await service.list_entries(
            page, entity=entity, entity_id=entity_id, actor_id=actor_id, since=since, until=until
        )

    @get("/verify", operation_id="verifyAuditChain")
    async def verify(self) -> TrailCheckOut:
        """Recompute the hash chain over every entry (naming the first entry that does not fit), then hold
        the chain to every checkpoint of its head whose HMAC is valid: a witnessed entry that is gone is a
        cut ("entries after id N, witnessed at T, are missing"), one with another hash a rewritten chain,
        and a checkpoint whose HMAC fails is reported as forged. ``ok`` only when nothing was found."""
        result = await service.verify_trail()
        newest = result.newest
        return TrailCheckOut(
            ok=result.ok,
            checked=result.chain.checked,
            first_broken_id=result.chain.first_broken_id,
            reason=result.reason,
            checkpoints=result.believed,
            newest_checkpoint=WitnessedHeadOut(entry_id=newest.entry_id, hash=newest.hash, at=newest.at)
            if newest
            else None,
            findings=[
                FindingOut(
                    kind=f.kind, message=f.message, entry_id=f.entry_id, witnessed_at=f.witnessed_at, line=f.line
                )
                for f in result.findings
            ],
            note=result.note,
        )

    @get("/checkpoints", operation_id="listAuditCheckpoints")
    async def checkpoints(self, page: NamedDependency[PageParams]) -> Page[CheckpointOut]:
        """The signed checkpoints of the chain's head (the file outside the database, newest line first):
        each line with whether its HMAC is valid under this deployment's key and, for a valid one of this
        database, whether the chain still holds the entry it witnessed."""
        return await service.list_checkpoints(page)
