"""Monitoring rounds (monthly, or as the province sets): a county's round lists the households to visit (the
cases open on its first day), and each visit records when, by whom, the income found and what changed."""

from __future__ import annotations

from typing import Any

import msgspec

from app.core.errors import Conflict, NotFound, Refused
from app.core.messages import N_
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_region_scope, ensure_town_scope, list_region
from app.core.uow import reading_replica, unit_of_work
from app.monitoring import queries
from app.monitoring.cases import PLAN
from app.monitoring.schemas import RoundIn, RoundOut, VisitIn, VisitOut
from app.regions import service as regions
from app.regions.model import Level


async def open_round(actor: Principal, data: RoundIn) -> RoundOut:
    """Open a county's round for a month (an admin of that county's region); one round a month."""
    ensure_region_scope(actor, data.county_code)
    async with unit_of_work() as uow:
        county = await regions.region_by_code(uow, data.county_code)
        if county is None or county.level is not Level.county:
            raise Refused.of(
                N_("county {county} is not in the region directory"), field="county_code", county=data.county_code
            )
        round_id = await queries.insert_round(uow, county.id, data.period, data.started_on)
        if round_id is None:
            raise Conflict.of(N_("the county has a round for {period}"), field="period", period=data.period)
        row = await queries.one_round(uow, round_id)
        assert row is not None
        out = msgspec.convert(row, RoundOut)
        await uow.audit(actor, "open", "monitoring_round", round_id, after=out, chain=data.county_code)
    return out


async def _round(db: Any, actor: Principal, round_id: int) -> dict[str, Any]:
    row = await queries.one_round(db, round_id)
    if row is None:
        raise NotFound.of(N_("no monitoring round {id}"), field="round_id", id=round_id)
    ensure_county_scope(actor, row["county_code"])
    return row


async def record_visit(actor: Principal, round_id: int, data: VisitIn) -> VisitOut:
    """A visit in the round to a case of its county that is open (a town officer, its town's)."""
    async with unit_of_work() as uow:
        round_row = await _round(uow, actor, round_id)
        case = await queries.one_case(uow, PLAN, data.case_id, data.visited_on)
        if case is None or case["county_code"] != round_row["county_code"]:
            raise Refused.of(N_("no monitoring case {id} in the round's county"), field="case_id", id=data.case_id)
        if actor.role is Role.town_officer:
            ensure_town_scope(actor, case["town_id"])
        if case["eliminated_on"] is not None and case["eliminated_on"] <= round_row["started_on"]:
            raise Refused.of(N_("the case's risk was eliminated before the round"), field="case_id")
        if data.visited_on < round_row["started_on"]:
            raise Refused.of(N_("is before the round began"), field="visited_on")
        values = {"visited_on": data.visited_on, "by": data.by, "income": data.income, "note": data.note}
        row = await queries.insert_visit(uow, round_id, data.case_id, values)
        if row is None:
            raise Conflict.of(N_("the case was visited in this round already"), field="case_id")
        out = msgspec.convert(row, VisitOut)
        await uow.audit(actor, "visit", "monitoring_case", data.case_id, after=out)
    return out


async def list_rounds(actor: Principal, page: PageParams) -> Page[RoundOut]:
    async with reading_replica() as db:
        found = await queries.round_page(db, list_region(actor), page)
    return Page(
        items=[msgspec.convert(r, RoundOut) for r in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


async def get_round(actor: Principal, round_id: int) -> RoundOut:
    """One round of a county the caller reaches, with the households due and visited."""
    async with reading_replica() as db:
        return msgspec.convert(await _round(db, actor, round_id), RoundOut)


async def list_visits(actor: Principal, round_id: int) -> list[VisitOut]:
    async with reading_replica() as db:
        await _round(db, actor, round_id)
        town = actor.town_id if actor.role is Role.town_officer else None
        return [msgspec.convert(v, VisitOut) for v in await queries.visits_of(db, round_id, town)]
