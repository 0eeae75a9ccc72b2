"""Households: registration, the identification flow, dynamic adjustment, objections.

Other domains hear about the changes through events (``app/registry/events.py``): people
joining (cross-check matches them), an exit about to happen (monitoring's exit test may
refuse it), a removal (what hangs on the household ends). The registry imports none of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from app.core.errors import Conflict, Forbidden, NotFound, Refused
from app.core.identifiers import resident_id_info
from app.core.messages import N_, code
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_town_scope, list_region
from app.core.uow import Db, UnitOfWork, reading, reading_replica, unit_of_work
from app.regions import service as regions
from app.registry import queries
from app.registry.access import load_household, scope_filter
from app.registry.events import HouseholdExiting, HouseholdRemoved, MembersJoined
from app.registry.model import Attribute, HouseholdStatus, RemovalReason
from app.registry.rules import TransitionRequest, check_transition, notice_ends
from app.registry.schemas import (
    HouseholdCounts,
    HouseholdCreate,
    HouseholdDetail,
    HouseholdFilter,
    HouseholdFlag,
    HouseholdOut,
    MemberIn,
    MemberLeave,
    ObjectionIn,
    ObjectionOut,
    ObjectionResolve,
    OrdinaryHouseholdCreate,
    TransitionIn,
)


@runtime_checkable  # Litestar checks the injected value against its annotation
class FlagReader(Protocol):
    """Reads a household's cross-check flags on the given connection.

    The cross-check domain provides it at the edge (the app's ``household_flags`` dependency);
    the registry only knows this shape, so it never imports the domain that flags households.
    """

    async def __call__(self, db: Db, household_id: int) -> list[HouseholdFlag]: ...


async def no_flags(db: Db, household_id: int) -> list[HouseholdFlag]:
    """For callers that do not show flags (the console's household page)."""
    return []


def _new_member(m: MemberIn) -> queries.NewMember:
    info = resident_id_info(m.id_number)
    return queries.NewMember(
        name=m.name,
        id_number=m.id_number,
        relation=m.relation.value,
        sex=info.sex,
        birth_date=info.birth_date,
        labour_ability=m.labour_ability.value,
        health=m.health.value,
        in_school=m.in_school,
    )


async def create_household(actor: Principal, data: HouseholdCreate, flags: FlagReader = no_flags) -> HouseholdDetail:
    async with unit_of_work() as uow:
        await _village_in_reach(uow, actor, data.village_id)
        return await _create(
            uow,
            actor,
            flags,
            queries.NewHousehold(
                registry_no=data.registry_no,
                village_id=data.village_id,
                attribute=data.attribute.value,
                causes=[c.value for c in data.causes],
                address=data.address,
                phone=data.phone,
                bank_name=data.bank_name,
                bank_card=data.bank_card,
                late_addition=data.late_addition,
            ),
            data.members,
        )


async def create_ordinary_household(
    actor: Principal, data: OrdinaryHouseholdCreate, flags: FlagReader = no_flags
) -> HouseholdDetail:
    """An ordinary household (一般农户), never registered, taken in for monitoring: a local number, the
    attribute ``ordinary``, status ``ordinary`` from the start; no identification steps and no notice here
    (those are its monitoring case's)."""
    async with unit_of_work() as uow:
        county_code = await _village_in_reach(uow, actor, data.village_id)
        return await _create(
            uow,
            actor,
            flags,
            queries.NewHousehold(
                registry_no=await queries.next_local_registry_no(uow, county_code),
                village_id=data.village_id,
                attribute=Attribute.ordinary.value,
                causes=[c.value for c in data.causes],
                address=data.address,
                phone=data.phone,
                bank_name=data.bank_name,
                bank_card=data.bank_card,
                late_addition=False,
                status=HouseholdStatus.ordinary.value,
            ),
            data.members,
        )


async def _village_in_reach(uow: UnitOfWork, actor: Principal, village_id: int) -> str:
    """The village's county code, once the village is found and within the actor's town and county."""
    town_id = await queries.village_town(uow, village_id)
    if town_id is None:
        raise Refused(f"village {village_id} does not exist", extra={"field": "village_id"})
    ensure_town_scope(actor, town_id)
    county_code = await queries.village_county_code(uow, village_id)
    ensure_county_scope(actor, county_code)
    assert county_code is not None  # NOT NULL, filled from the village's town (app/core/counties.py)
    return county_code


async def _create(
    uow: UnitOfWork, actor: Principal, flags: FlagReader, new: queries.NewHousehold, members: list[MemberIn]
) -> HouseholdDetail:
    id_numbers = [m.id_number for m in members]
    await _refuse_members_of_other_households(uow, id_numbers)
    household_id = await queries.insert_household(uow, new)
    await queries.insert_members(uow, household_id, [_new_member(m) for m in members])
    await queries.insert_event(uow, household_id, "created", actor, to_status=new.status)
    # records imported before this household existed are matched now
    await uow.emit(MembersJoined(actor=actor, household_id=household_id, id_numbers=tuple(id_numbers)))
    detail = await _detail(uow, household_id, flags)
    await uow.audit(actor, "create", "household", household_id, after=detail)
    return detail


async def add_member(
    actor: Principal, household_id: int, data: MemberIn, flags: FlagReader = no_flags
) -> HouseholdDetail:
    """A new member (a birth, a marriage, a return home); the same ID-number rule as at registration."""
    async with unit_of_work() as uow:
        household = await load_household(actor, household_id, for_update=True, db=uow)
        if household.status == HouseholdStatus.removed.value:
            raise Conflict.of(N_("the household was removed from the registry; it takes no new members"))
        if data.relation.value == "head":
            raise Conflict.of(N_("the household has its head already"), extra={"field": "relation"})
        await _refuse_members_of_other_households(uow, [data.id_number])
        member_id = await queries.insert_member(uow, household_id, _new_member(data))
        await queries.insert_event(
            uow,
            household_id,
            "member_added",
            actor,
            note=data.name,
            data={"member_id": member_id, "relation": data.relation.value},
        )
        await uow.emit(MembersJoined(actor=actor, household_id=household_id, id_numbers=(data.id_number,)))
        await uow.audit(
            actor,
            "add_member",
            "household",
            household_id,
            after={"member_id": member_id, "name": data.name, "relation": data.relation.value},
        )
        return await _detail(uow, household_id, flags)


async def member_leaves(
    actor: Principal, member_id: int, data: MemberLeave, flags: FlagReader = no_flags
) -> HouseholdDetail:
    """A member leaves (dies, moves away, marries out): kept in the history, no longer counted, and the
    ID number free to join another household."""
    async with unit_of_work() as uow:
        found = await queries.member_by_id(uow, member_id)
        if found is None:
            raise NotFound.of(N_("member {member} does not exist"), member=member_id)
        household_id = found.household_id
        await load_household(actor, household_id, for_update=True, db=uow)
        member = await queries.member_by_id(uow, member_id, lock=True)
        assert member is not None  # members are never deleted
        if member.left_on is not None:
            raise Conflict.of(N_("member {member} left on {day}"), member=member_id, day=member.left_on)
        successor = None
        if member.relation == "head":
            if data.new_head_id is not None:
                successor = await queries.staying_member(uow, household_id, data.new_head_id, member_id)
            if successor is None:
                raise Refused.of(
                    N_("the head is leaving: name a member who stays as the new head"), extra={"field": "new_head_id"}
                )
        await queries.member_left(uow, member_id, data.left_on, data.reason.value)
        if successor is not None:
            await queries.make_head(uow, successor.id)
        await queries.insert_event(
            uow,
            household_id,
            "member_left",
            actor,
            note=data.note,
            data={
                "member_id": member_id,
                "reason": data.reason.value,
                "left_on": data.left_on.isoformat(),
                "new_head_id": successor.id if successor else None,
            },
        )
        await uow.audit(
            actor,
            "member_left",
            "member",
            member_id,
            before={"left_on": None},
            after={"left_on": data.left_on, "reason": data.reason.value},
        )
        return await _detail(uow, household_id, flags)


async def _refuse_members_of_other_households(db: Db, id_numbers: list[str]) -> None:
    clash = await queries.member_clash(db, id_numbers)
    if clash:
        raise Conflict.of(
            N_("ID number {id_number} already belongs to household {household} ({registry_no})"),
            id_number=clash.id_number,
            household=clash.household_id,
            registry_no=clash.registry_no,
            extra={
                "field": f"members[{id_numbers.index(clash.id_number)}].id_number",
                "existing_household_id": clash.household_id,
                "existing_registry_no": clash.registry_no,
            },
        )


async def _detail(db: Db, household_id: int, flags: FlagReader) -> HouseholdDetail:
    record = await queries.household_record(db, household_id)
    if record is None:
        raise NotFound.of(N_("household {household} does not exist"), household=household_id)
    return HouseholdDetail(
        **{f: getattr(record, f) for f in queries.HouseholdRecord.__struct_fields__},
        notice_ends_at=notice_ends(
            record.notice_started_at,
            (await regions.county_policy(db, await queries.village_county(db, record.village_id))).notice_days,
        )
        if record.status is HouseholdStatus.notice
        else None,
        members=await queries.members_of(db, household_id),
        events=await queries.history_of(db, household_id),
        objections=await queries.objections_of(db, household_id),
        flags=await flags(db, household_id),
    )


async def get_household(principal: Principal, household_id: int, flags: FlagReader = no_flags) -> HouseholdDetail:
    async with reading() as db:
        await load_household(principal, household_id, db=db)
        return await _detail(db, household_id, flags)


def _query(principal: Principal, f: HouseholdFilter) -> queries.HouseholdQuery:
    scope_town_id, scope_enterprise_id = scope_filter(principal)
    return queries.HouseholdQuery(
        town_id=f.town_id,
        village_id=f.village_id,
        status=f.status and f.status.value,
        attribute=f.attribute and f.attribute.value,
        cause=f.cause and f.cause.value,
        late_addition=f.late_addition,
        flagged=f.flagged,
        region=f.region,
        scope_town_id=scope_town_id,
        scope_enterprise_id=scope_enterprise_id,
        scope_region=list_region(principal),
    )


async def list_households(principal: Principal, page: PageParams, filters: HouseholdFilter) -> Page[HouseholdOut]:
    async with reading_replica() as db:
        return await queries.page_of_households(db, _query(principal, filters), page)


def export_households(principal: Principal, filters: HouseholdFilter) -> AsyncIterator[HouseholdOut]:
    """The households a caller may see under the filters, in id order, streamed."""
    return queries.stream_households(_query(principal, filters))


async def count_households(principal: Principal, filters: HouseholdFilter) -> HouseholdCounts:
    async with reading_replica() as db:
        rows = await queries.counts(db, _query(principal, filters))
    by_status: dict[str, int] = {}
    by_attribute: dict[str, int] = {}
    for r in rows:
        by_status[r.status] = by_status.get(r.status, 0) + r.households
        by_attribute[r.attribute] = by_attribute.get(r.attribute, 0) + r.households
    return HouseholdCounts(
        households=sum(r.households for r in rows),
        people=sum(r.people for r in rows),
        by_status=by_status,
        by_attribute=by_attribute,
    )


async def transition(
    actor: Principal, household_id: int, data: TransitionIn, flags: FlagReader = no_flags
) -> HouseholdDetail:
    """Take one step in the household's life; the row lock serialises concurrent steps."""
    async with unit_of_work() as uow:
        await transition_in(uow, actor, household_id, data)
        return await _detail(uow, household_id, flags)


async def transition_in(uow: UnitOfWork, actor: Principal, household_id: int, data: TransitionIn) -> None:
    """The same step inside the caller's unit of work (a revisit that finds the household back in poverty)."""
    household = await load_household(actor, household_id, for_update=True, db=uow)
    current = HouseholdStatus(household.status)
    now = datetime.now(UTC)
    refusal = check_transition(
        TransitionRequest(
            current=current,
            target=data.to,
            now=now,
            notice_started_at=household.notice_started_at,
            notice_days=(await regions.county_policy(uow, household.county_id)).notice_days,
            open_objections=await queries.open_objections(uow, household_id),
            exit_year=data.exit_year,
            removal_reason=data.reason,
        )
    )
    if refusal:
        raise Conflict(
            refusal.text,
            extra={
                "current_status": current.value,
                "allowed": [s.value for s in refusal.allowed],
                **({"field": "to"} if current is HouseholdStatus.ordinary else {}),
            },
        )
    if data.to is HouseholdStatus.registered and actor.role is Role.town_officer:
        raise Forbidden.of(N_("registration is the city's approval (市级审批), not a town's step"))
    if data.to is HouseholdStatus.exited:
        assert data.exit_year is not None  # check_transition refuses an exit without its year
        # a subscriber (the exit test) raises to refuse the exit
        await uow.emit(HouseholdExiting(actor=actor, household_id=household_id, exit_year=data.exit_year))
    await _apply_transition(uow, actor, household, data, now)


async def _apply_transition(
    uow: UnitOfWork, actor: Principal, before: queries.HouseholdState, data: TransitionIn, now: datetime
) -> None:
    household_id, target = before.id, data.to
    after = await queries.set_status(
        uow, household_id, target.value, now, data.exit_year, data.reason.value if data.reason else None
    )
    if target is HouseholdStatus.removed:
        # frees the members' ID numbers for another household; their history stays
        await queries.free_members(uow, household_id)
        # before the audit entry: what hangs on the household is locked before the audit chain is
        await uow.emit(HouseholdRemoved(actor=actor, household_id=household_id, on=now.date()))
    event_data = {k: v for k, v in (("exit_year", data.exit_year), ("reason", data.reason and data.reason.value)) if v}
    await queries.insert_event(
        uow,
        household_id,
        "transition",
        actor,
        from_status=before.status,
        to_status=target.value,
        note=data.note,
        data=event_data or None,
    )
    await uow.audit(
        actor,
        f"transition:{target.value}",
        "household",
        household_id,
        before={k: getattr(before, k) for k in queries.StatusColumns.__struct_fields__},
        after=after,
    )


async def remove_for_cross_check(uow: UnitOfWork, actor: Principal, household_id: int, note: str) -> None:
    """Removal (清退) after a confirmed cross-check hit, in the caller's unit of work. An ordinary household is
    on no register to be removed from: the confirmed flag stays as a finding for its monitoring case."""
    household = await load_household(actor, household_id, for_update=True, db=uow)
    if household.status in (HouseholdStatus.removed.value, HouseholdStatus.ordinary.value):
        return
    await _apply_transition(
        uow,
        actor,
        household,
        TransitionIn(to=HouseholdStatus.removed, reason=RemovalReason.cross_check_hit, note=note),
        datetime.now(UTC),
    )


async def record_cross_check_flags(
    uow: UnitOfWork, actor: Principal, flag_ids: dict[int, list[int]], note: str
) -> None:
    """Note in each household's history the cross-check flags just raised on it (ids by household)."""
    if flag_ids:
        await queries.insert_flag_events(uow, actor, flag_ids, note)


async def raise_objection(actor: Principal, household_id: int, data: ObjectionIn) -> ObjectionOut:
    async with unit_of_work() as uow:
        household = await load_household(actor, household_id, for_update=True, db=uow)
        if household.status != HouseholdStatus.notice.value:
            raise Conflict.of(
                N_("objections are recorded during the public notice; the household is {status}"),
                status=code("household status", household.status),
            )
        out = await queries.insert_objection(uow, household_id, data.raised_by, data.content, actor.account_id)
        await queries.insert_event(
            uow,
            household_id,
            "objection_raised",
            actor,
            note=data.content,
            data={"objection_id": out.id, "raised_by": data.raised_by},
        )
        await uow.audit(actor, "raise", "objection", out.id, after=out)
    return out


async def resolve_objection(actor: Principal, objection_id: int, data: ObjectionResolve) -> ObjectionOut:
    async with unit_of_work() as uow:
        household_id = await queries.objection_household(uow, objection_id)
        if household_id is None:
            raise NotFound.of(N_("objection {objection} does not exist"), objection=objection_id)
        await load_household(actor, household_id, for_update=True, db=uow)
        before = await queries.objection_by_id(uow, objection_id, lock=True)
        assert before is not None  # objections are never deleted
        if before.resolved_at is not None:
            raise Conflict.of(
                N_("objection {objection} was already resolved at {at}"),
                objection=objection_id,
                at=before.resolved_at.isoformat(),
            )
        out = await queries.resolve_objection(uow, objection_id, actor.account_id, data.note)
        await queries.insert_event(
            uow, household_id, "objection_resolved", actor, note=data.note, data={"objection_id": objection_id}
        )
        await uow.audit(
            actor,
            "resolve",
            "objection",
            objection_id,
            before={"resolved_at": None},
            after={"resolved_at": out.resolved_at, "note": data.note},
        )
    return out


async def people_counted_in_year(db: Db, household_id: int, year: int) -> int:
    """How many people a household has for a year's per-capita income: members who had not left before it."""
    return await queries.people_counted_in_year(db, household_id, year)
