"""Public notices (公示): opened for a village's households, objections raised and resolved, the posted page;
and what other domains ask of a notice (the subsidies app opens its claims' notice and asks whether a
claim's notice lets it be decided)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from app.core.errors import Conflict, NotFound, Refused
from app.core.messages import N_
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_town_scope, list_region
from app.core.settings import get_settings
from app.core.uow import Db, UnitOfWork, reading, reading_replica, unit_of_work
from app.notices import queries
from app.notices.model import NoticeKind
from app.notices.queries import ClaimNotice, NewEntry, NoticeRow
from app.notices.rules import days_posted, least_days, notice_number, standing_on
from app.notices.schemas import (
    NoticeCreate,
    NoticeDetail,
    NoticeFilter,
    NoticeOut,
    ObjectionIn,
    ObjectionOut,
    ObjectionResolve,
)
from app.registry import service as registry

if TYPE_CHECKING:
    from app.registry.queries import VillagePlace

__all__ = ["ClaimNotice", "NewEntry"]


def least_days_by_kind() -> dict[NoticeKind, int]:
    """The shortest notice of each kind (settings: CHAINAID_NOTICE_DAYS_<KIND>)."""
    s = get_settings()
    return {
        NoticeKind.identification: s.notice_days_identification,
        NoticeKind.monitoring_intake: s.notice_days_monitoring_intake,
        NoticeKind.risk_elimination: s.notice_days_risk_elimination,
        NoticeKind.subsidy_claims: s.notice_days_subsidy_claims,
    }


def _out(row: NoticeRow, today: date | None = None) -> NoticeOut:
    return NoticeOut(
        id=row.id,
        number=row.number,
        kind=NoticeKind(row.kind),
        village_id=row.village_id,
        village_name=row.village_name,
        town_id=row.town_id,
        county_code=row.county_code,
        scheme_id=row.scheme_id,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        days=days_posted(row.starts_on, row.ends_on),
        standing=standing_on(today or date.today(), row.starts_on, row.ends_on),
        objection_place=row.objection_place,
        entries_count=row.entries_count,
        open_objections=row.open_objections,
        objections_count=row.objections_count,
        created_at=row.created_at,
    )


async def _detail(db: Db, row: NoticeRow) -> NoticeDetail:
    out = _out(row)
    return NoticeDetail(
        **{f: getattr(out, f) for f in NoticeOut.__struct_fields__},
        entries=await queries.entries_of(db, row.id),
        objections=await queries.objections_of(db, row.id),
    )


def _ensure_reach(principal: Principal, row: NoticeRow) -> None:
    ensure_town_scope(principal, row.town_id)
    ensure_county_scope(principal, row.county_code)


async def village_in_reach(db: Db, actor: Principal, village_id: int) -> VillagePlace:
    """The village a notice is to be posted in, after checking it exists (422), is in the caller's town or
    county (403) and in a county at all (422)."""
    place = await registry.village_place(db, village_id)
    if place is None:
        raise Refused.of(N_("village {village} does not exist"), village=village_id, field="village_id")
    ensure_town_scope(actor, place.town_id)
    ensure_county_scope(actor, place.county_code)
    if place.county_code is None:  # a village of a town no county holds yet: its notice would have no county
        raise Refused.of(N_("village {village} is in no county yet"), village=village_id, field="village_id")
    return place


async def open_notice(
    uow: UnitOfWork,
    actor: Principal,
    *,
    kind: NoticeKind,
    village_id: int,
    starts_on: date,
    ends_on: date,
    objection_place: str | None,
    entries: list[NewEntry],
    scheme_id: int | None = None,
    scheme_days: int = 0,
) -> NoticeDetail:
    """Open a notice in the caller's unit of work (the subsidies app opens its claims' notices with it): the
    village in the caller's reach, every household of the village, the notice at least as long as its kind
    (and its scheme) asks. Entries name households by their head, as posted; the caller gives the facts."""
    place = await village_in_reach(uow, actor, village_id)
    assert place.county_code is not None  # checked there
    least = least_days(kind, least_days_by_kind(), scheme_days)
    if days_posted(starts_on, ends_on) < least:
        raise Refused.of(
            N_("a notice of this kind stands at least {days} days; from {first} it ends on {last} at the earliest"),
            days=least,
            first=starts_on.isoformat(),
            last=(starts_on + timedelta(days=least - 1)).isoformat(),
            field="ends_on",
            extra={"least_days": least},
        )
    found = {h.id: h for h in await registry.households_on_notice(uow, [e.household_id for e in entries])}
    named: list[NewEntry] = []
    for i, e in enumerate(entries):
        h = found.get(e.household_id)
        if h is None:
            raise Refused.of(
                N_("household {household} does not exist"),
                household=e.household_id,
                field=f"entries[{i}].household_id",
            )
        if h.village_id != village_id:
            raise Refused.of(
                N_("household {household} is not of village {village}"),
                household=e.household_id,
                village=village_id,
                field=f"entries[{i}].household_id",
            )
        if kind is NoticeKind.identification and h.status == "ordinary":
            # an identification notice posts households as identified poor; an ordinary household taken in
            # for monitoring is posted on a monitoring-intake notice, never as a poor household
            raise Refused.of(
                N_(
                    "household {household} is an ordinary household, not one identified as poor: post it on a"
                    " monitoring-intake notice"
                ),
                household=e.household_id,
                field=f"entries[{i}].household_id",
            )
        if h.head_name is None:
            raise Refused.of(
                N_("household {household} has no head to name on the notice"),
                household=e.household_id,
                field=f"entries[{i}].household_id",
            )
        named.append(NewEntry(household_id=h.id, name=h.head_name, facts=e.facts, claim_id=e.claim_id))
    notice_id = await queries.next_notice_id(uow)
    await queries.insert_notice(
        uow,
        queries.NewNotice(
            id=notice_id,
            number=notice_number(place.county_code, starts_on.year, notice_id),
            kind=kind.value,
            village_id=village_id,
            county_code=place.county_code,
            scheme_id=scheme_id,
            starts_on=starts_on,
            ends_on=ends_on,
            objection_place=objection_place,
            created_by=actor.account_id,
        ),
    )
    await queries.insert_entries(uow, notice_id, place.county_code, named)
    row = await queries.notice_by_id(uow, notice_id)
    assert row is not None  # just written in this transaction
    detail = await _detail(uow, row)
    await uow.audit(
        actor,
        "create",
        "notice",
        notice_id,
        after={
            "number": detail.number,
            "kind": kind.value,
            "village_id": village_id,
            "scheme_id": scheme_id,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "households": [e.household_id for e in named],
            "claims": [e.claim_id for e in named if e.claim_id is not None],
        },
    )
    return detail


async def create_notice(actor: Principal, data: NoticeCreate) -> NoticeDetail:
    if data.kind is NoticeKind.subsidy_claims:
        raise Refused.of(N_("a notice of subsidy claims is opened from its scheme"), field="kind")
    entries = [NewEntry(household_id=e.household_id, name="", facts=data.facts_of(e)) for e in data.entries]
    async with unit_of_work() as uow:
        return await open_notice(
            uow,
            actor,
            kind=data.kind,
            village_id=data.village_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            objection_place=data.objection_place,
            entries=entries,
        )


async def _readable(db: Db, principal: Principal, notice_id: int) -> NoticeRow:
    row = await queries.notice_by_id(db, notice_id)
    if row is None:
        raise NotFound.of(N_("notice {notice} does not exist"), notice=notice_id)
    _ensure_reach(principal, row)
    return row


async def get_notice(principal: Principal, notice_id: int) -> NoticeDetail:
    async with reading() as db:
        return await _detail(db, await _readable(db, principal, notice_id))


async def list_notices(principal: Principal, page: PageParams, f: NoticeFilter) -> Page[NoticeOut]:
    """Notices under the filters that the caller may read: a town officer its town's, the others those of
    their region's counties."""
    town_id = principal.town_id if principal.role is Role.town_officer else f.town_id
    today = date.today()
    q = queries.NoticeQuery(
        today=today,
        kind=f.kind and f.kind.value,
        village_id=f.village_id,
        town_id=town_id,
        scheme_id=f.scheme_id,
        standing=f.standing and f.standing.value,
        open_objections=f.open_objections,
        region=list_region(principal),
    )
    async with reading_replica() as db:
        rows = await queries.page_of_notices(db, q, page)
    return Page(items=[_out(r, today) for r in rows.items], total=rows.total, limit=rows.limit, offset=rows.offset)


async def raise_objection(actor: Principal, notice_id: int, data: ObjectionIn) -> ObjectionOut:
    """Record an objection raised while the notice stood (its first day to its last)."""
    async with unit_of_work() as uow:
        row = await _readable(uow, actor, notice_id)
        await queries.hold_notice(uow, notice_id)
        if not row.starts_on <= data.raised_on <= row.ends_on:
            raise Refused.of(
                N_("notice {number} stands from {first} to {last}; objections are raised in that time"),
                number=row.number,
                first=row.starts_on.isoformat(),
                last=row.ends_on.isoformat(),
                field="raised_on",
            )
        if data.household_id is not None and not await queries.on_notice(uow, notice_id, data.household_id):
            raise Refused.of(
                N_("household {household} is not on notice {number}"),
                household=data.household_id,
                number=row.number,
                field="household_id",
            )
        objection = await queries.insert_objection(
            uow, notice_id, data.household_id, data.raised_by, data.content, data.raised_on, actor.account_id
        )
        await uow.audit(actor, "raise", "notice_objection", objection.id, after=objection)
    return objection


async def resolve_objection(
    actor: Principal, notice_id: int, objection_id: int, data: ObjectionResolve
) -> ObjectionOut:
    async with unit_of_work() as uow:
        await _readable(uow, actor, notice_id)
        before = await queries.objection_held(uow, notice_id, objection_id)
        if before is None:
            raise NotFound.of(
                N_("objection {objection} to notice {notice} does not exist"), objection=objection_id, notice=notice_id
            )
        if before.resolved_on is not None:
            raise Conflict.of(N_("the objection was resolved on {day}"), day=before.resolved_on.isoformat())
        if data.resolved_on < before.raised_on:
            raise Refused.of(
                N_("the objection was raised on {day}; it is resolved on that day or later"),
                day=before.raised_on.isoformat(),
                field="resolved_on",
            )
        after = await queries.resolve_objection(uow, objection_id, data.resolved_on, data.note, actor.account_id)
        await uow.audit(actor, "resolve", "notice_objection", objection_id, before=before, after=after)
    return after


# ---- for the subsidies app ----------------------------------------------------------------------


async def claim_notice(db: Db, claim_id: int) -> ClaimNotice | None:
    """The notice a subsidy claim stands on (None: on none), with its open objections, on the caller's
    connection; the notice is held (FOR SHARE) to the end of the caller's transaction, so no objection is
    recorded to it meanwhile."""
    return await queries.claim_notice(db, claim_id)


async def claims_on_notices(db: Db, claim_ids: list[int]) -> set[int]:
    """Which of these claims stand on a notice already."""
    return await queries.claims_on_notices(db, claim_ids)


# ---- the posted page ----------------------------------------------------------------------------


async def printable(principal: Principal, notice_id: int) -> tuple[NoticeDetail, dict[str, Any]]:
    """The notice and its village's names, for its page (app/notices/printing.py)."""
    async with reading() as db:
        row = await _readable(db, principal, notice_id)
        detail = await _detail(db, row)
        place = await registry.village_place(db, row.village_id)
    assert place is not None  # a notice's village is never deleted
    return detail, {"village": place.name, "town": place.town_name}


# ---- for the monitoring app ---------------------------------------------------------------------


async def household_notice(db: Db, notice_id: int, household_id: int) -> queries.HouseholdNotice | None:
    """A notice as a monitoring step citing it reads it for one household: its kind, period, whether it lists
    the household, its open objections; held (FOR SHARE) to the end of the caller's transaction."""
    return await queries.household_notice(db, notice_id, household_id)
