from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from app.audit import service
from app.audit.rules import Checkpoint, region_of
from app.audit.schemas import (
    AuditEntryOut,
    ChainCheckOut,
    CheckpointOut,
    FindingOut,
    TrailCheckOut,
    WitnessedHeadOut,
)
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
        request: Request,
        page: NamedDependency[PageParams],
        entity: FromQuery[str | None] = None,
        entity_id: FromQuery[str | None] = None,
        actor_id: QueryId = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
    ) -> Page[AuditEntryOut]:
        """The audit trail, newest first, filtered by entity, actor and time (``since`` ≤ at < ``until``); a
        region's account reads its counties' chains (and a province's, the province's chain)."""
        check_planned_day("since", since and since.date())
        check_planned_day("until", until and until.date())
        return await service.list_entries(
            request.user, page, entity=entity, entity_id=entity_id, actor_id=actor_id, since=since, until=until
        )

    @get("/verify", operation_id="verifyAuditChain")
    async def verify(
        self,
        request: Request,
        region: Annotated[
            str | None,
            QueryParameter(
                max_length=20,
                description="one chain: a county's 6-digit code, or province for the chain of what belongs to no"
                " county; a city's 4 or a province's 2 digits: the chains of the counties under it. Default: every"
                " chain",
            ),
        ] = None,
    ) -> TrailCheckOut:
        """Recompute each hash chain (one per county, one for the province) from its first entry, naming the
        first entry that does not fit, then hold each chain to every checkpoint of its head whose HMAC is
        valid: a witnessed entry that is gone is a cut ("entries after id N, witnessed at T, are missing"),
        one with another hash a rewritten chain, and a checkpoint whose HMAC fails is reported as forged.
        The totals come first (the first broken chain's entry and reason), then ``chains``, one by one.
        ``ok`` only when nothing was found."""
        result = await service.verify_trail_for(request.user, region)
        return TrailCheckOut(
            ok=result.ok,
            checked=result.chain.checked,
            first_broken_id=result.chain.first_broken_id,
            reason=result.reason,
            checkpoints=result.believed,
            newest_checkpoint=_head(result.newest),
            findings=[
                FindingOut(
                    kind=f.kind,
                    message=f.message,
                    entry_id=f.entry_id,
                    witnessed_at=f.witnessed_at,
                    line=f.line,
                    region=None if f.chain is None else region_of(f.chain),
                )
                for f in result.findings
            ],
            note=result.note,
            region=result.region,
            chains=[
                ChainCheckOut(
                    region=r.region,
                    ok=r.ok,
                    checked=r.check.checked,
                    first_broken_id=r.check.first_broken_id,
                    reason=r.reason,
                    checkpoints=r.believed,
                    newest_checkpoint=_head(r.newest),
                    note=r.note,
                )
                for r in result.chains
            ],
        )

    @get("/checkpoints", operation_id="listAuditCheckpoints")
    async def checkpoints(self, page: NamedDependency[PageParams]) -> Page[CheckpointOut]:
        """The signed checkpoints of the chains' heads (the file outside the database, newest line first):
        each line with its chain (``region``), whether its HMAC is valid under this deployment's key and, for
        a valid one, whether its chain still holds the entry it witnessed."""
        return await service.list_checkpoints(page)


def _head(cp: Checkpoint | None) -> WitnessedHeadOut | None:
    if cp is None:
        return None
    return WitnessedHeadOut(entry_id=cp.entry_id, hash=cp.hash, at=cp.at, region=region_of(cp.chain))
