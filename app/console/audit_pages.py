"""Auditors: the audit trail with its chain check, and the anomaly lists."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from app.audit import service as audit_service
from app.console.session import ConsoleUser
from app.console.web import render
from app.core.pagination import PageParams
from app.core.params import QueryId
from app.core.validation import check_year
from app.crosscheck import service as crosscheck
from app.monitoring import service as monitoring
from app.payouts import reports


class AuditPages(Controller):
    path = "/"

    @get("/audit", opt={"action": "audit.read"})
    async def trail(
        self,
        user: NamedDependency[ConsoleUser],
        entity: FromQuery[str | None] = None,
        actor_id: QueryId = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        check: FromQuery[bool] = False,
    ) -> Template:
        entries = await audit_service.list_entries(
            user.principal, PageParams(limit=50, offset=(page - 1) * 50), entity=entity or None, actor_id=actor_id
        )
        chain = await audit_service.verify_trail_for(user.principal, None) if check else None
        return await render(
            user, "audit.html", entries=entries, entity=entity or "", actor_id=actor_id or "", page=page, chain=chain
        )

    @get("/anomalies", opt={"action": "audit.read"})
    async def anomalies(
        self,
        user: NamedDependency[ConsoleUser],
        year: Annotated[int | None, QueryParameter(description="calendar year")] = None,
    ) -> Template:
        check_year("year", year)
        year = year or date.today().year
        watch = await monitoring.monitoring(user.principal, PageParams(limit=100, offset=0), year=year, open_only=True)
        arrears = await reports.dividend_arrears(user.principal, year, PageParams(limit=100, offset=0))
        flags = await crosscheck.list_flags(
            user.principal, PageParams(limit=100, offset=0), status="open", town_id=None
        )
        return await render(user, "anomalies.html", year=year, watch=watch, arrears=arrears, flags=flags)
