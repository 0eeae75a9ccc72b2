from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from app.audit import service
from app.audit.schemas import AuditEntryOut, ChainCheckOut
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
    async def verify(self) -> ChainCheckOut:
        """Recompute the hash chain over every entry; names the first entry that does not fit."""
        result = await service.verify_chain()
        return ChainCheckOut(
            ok=result.ok, checked=result.checked, first_broken_id=result.first_broken_id, reason=result.reason
        )
