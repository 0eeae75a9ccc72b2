"""Households: registration, the identification flow, dynamic adjustment, objections."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import msgspec

from app import audit
from app.core.errors import Conflict, Forbidden, NotFound, Refused
from app.core.principal import Principal, Role, ensure_town_scope
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.core.identifiers import resident_id_info
from app.core.pagination import Page, PageParams, fetch_page
from app.registry.access import load_household, scope_filter, scope_sql
from app.registry.rules import (
    HouseholdStatus,
    RemovalReason,
    TransitionRequest,
    check_transition,
    notice_ends,
)
from app.registry.schemas import (
    HouseholdCounts,
    HouseholdCreate,
    HouseholdDetail,
    HouseholdFilter,
    HouseholdOut,
    MemberIn,
    MemberLeave,
    ObjectionIn,
    ObjectionOut,
    ObjectionResolve,
    TransitionIn,
)
from app.core.settings import get_settings

_SUMMARY = """
SELECT h.id, h.registry_no, h.village AS village_id, v.name AS village_name, v.town AS town_id,
       t.name AS town_name, h.attribute, h.causes, h.status, hd.name AS head_name,
       (SELECT count(*) FROM member m WHERE m.household = h.id AND m.left_on IS NULL) AS people,
       h.late_addition, h.registered_on, h.exited_year, h.removed_reason,
       (SELECT count(*) FROM cross_check_flag f WHERE f.household = h.id AND f.status = 'open') AS open_flags,
       h.created_at, h.address, h.phone, h.bank_name, h.bank_card, h.notice_started_at
FROM household h
JOIN village v ON v.id = h.village
JOIN town t ON t.id = v.town
LEFT JOIN member hd ON hd.household = h.id AND hd.relation = 'head' AND hd.left_on IS NULL
"""

_FILTERS = """
WHERE ($1::int IS NULL OR v.town = $1) AND ($2::int IS NULL OR h.village = $2)
  AND ($3::text IS NULL OR h.status = $3) AND ($4::text IS NULL OR h.attribute = $4)
  AND ($5::text IS NULL OR $5 = ANY (h.causes)) AND ($6::bool IS NULL OR h.late_addition = $6)
  AND ($7::bool IS NULL OR EXISTS (
        SELECT 1 FROM cross_check_flag f WHERE f.household = h.id AND f.status = 'open') = $7)
  AND """ + scope_sql(8)


def _summary(row: Any) -> HouseholdOut:
    return to_struct(HouseholdOut, row)


async def _event(
    household_id: int, kind: str, actor: Principal, *, from_status: str | None = None,
    to_status: str | None = None, note: str | None = None, data: dict[str, Any] | None = None,
) -> None:
    await fetch(
        "INSERT INTO household_event (household, kind, from_status, to_status, actor_id, actor_label, at, note, data)"
        " VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8::jsonb)",
        household_id, kind, from_status, to_status, actor.account_id, actor.label, note,
        None if data is None else json.dumps(data, ensure_ascii=False),
    )


async def create_household(actor: Principal, data: HouseholdCreate) -> HouseholdDetail:
    async with transaction():
        village = await fetchrow("SELECT id, town FROM village WHERE id = $1", data.village_id)
        if village is None:
            raise Refused(f"village {data.village_id} does not exist", extra={"field": "village_id"})
        ensure_town_scope(actor, village["town"])
        await _refuse_members_of_other_households([m.id_number for m in data.members])
        household = await fetchrow(
            "INSERT INTO household (registry_no, village, attribute, causes, address, phone, bank_name, bank_card,"
            " status, late_addition, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'applied', $9, now())"
            " RETURNING id",
            data.registry_no, data.village_id, data.attribute.value, [c.value for c in data.causes],
            data.address, data.phone, data.bank_name, data.bank_card, data.late_addition,
        )
        household_id = household["id"]
        infos = [resident_id_info(m.id_number) for m in data.members]
        # all members in one statement
        await fetch(
            "INSERT INTO member (household, name, id_number, relation, sex, birth_date, labour_ability, health,"
            " in_school, in_active_household, created_at)"
            " SELECT $1, * , true, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[],"
            " $7::text[], $8::text[], $9::bool[])",
            household_id,
            [m.name for m in data.members], [m.id_number for m in data.members],
            [m.relation.value for m in data.members], [i.sex for i in infos], [i.birth_date for i in infos],
            [m.labour_ability.value for m in data.members], [m.health.value for m in data.members],
            [m.in_school for m in data.members],
        )
        await _event(household_id, "created", actor, to_status="applied")
        from app.crosscheck.service import (
            match_stored,  # records imported before this household existed
        )

        await match_stored(actor, "id_number = ANY ($1::text[])", [m.id_number for m in data.members])
        detail = await _detail(household_id)
        await audit.record(actor, "create", "household", household_id, after=detail)
    return detail


async def add_member(actor: Principal, household_id: int, data: MemberIn) -> HouseholdDetail:
    """A new member (a birth, a marriage, a return home); the same ID-number rule as at registration."""
    async with transaction():
        row = await load_household(actor, household_id, for_update=True)
        if row["status"] == HouseholdStatus.removed.value:
            raise Conflict("the household was removed from the registry; it takes no new members")
        if data.relation.value == "head":
            raise Conflict("the household has its head already", extra={"field": "relation"})
        await _refuse_members_of_other_households([data.id_number])
        info = resident_id_info(data.id_number)
        member = await fetchrow(
            "INSERT INTO member (household, name, id_number, relation, sex, birth_date, labour_ability, health,"
            " in_school, in_active_household, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, now())"
            " RETURNING id",
            household_id, data.name, data.id_number, data.relation.value, info.sex, info.birth_date,
            data.labour_ability.value, data.health.value, data.in_school,
        )
        await _event(household_id, "member_added", actor, note=data.name,
                     data={"member_id": member["id"], "relation": data.relation.value})
        from app.crosscheck.service import match_stored

        await match_stored(actor, "id_number = $1", data.id_number)
        await audit.record(actor, "add_member", "household", household_id,
                           after={"member_id": member["id"], "name": data.name, "relation": data.relation.value})
    return await _detail(household_id)


async def member_leaves(actor: Principal, member_id: int, data: MemberLeave) -> HouseholdDetail:
    """A member leaves (dies, moves away, marries out): kept in the history, no longer counted, and the
    ID number free to join another household."""
    async with transaction():
        found = await fetchrow("SELECT household FROM member WHERE id = $1", member_id)
        if found is None:
            raise NotFound(f"member {member_id} does not exist")
        await load_household(actor, found["household"], for_update=True)
        member = await fetchrow("SELECT * FROM member WHERE id = $1 FOR UPDATE", member_id)
        if member["left_on"] is not None:
            raise Conflict(f"member {member_id} left on {member['left_on']}")
        successor = None
        if member["relation"] == "head":
            successor = await fetchrow(
                "SELECT id, name FROM member WHERE id = $1 AND household = $2 AND left_on IS NULL AND id <> $3",
                data.new_head_id, found["household"], member_id,
            ) if data.new_head_id is not None else None
            if successor is None:
                raise Refused("the head is leaving: name a member who stays as the new head",
                                    extra={"field": "new_head_id"})
        await fetch(
            "UPDATE member SET left_on = $2, left_reason = $3, in_active_household = false WHERE id = $1",
            member_id, data.left_on, data.reason.value,
        )
        if successor is not None:
            await fetch("UPDATE member SET relation = 'head' WHERE id = $1", successor["id"])
        await _event(found["household"], "member_left", actor, note=data.note,
                     data={"member_id": member_id, "reason": data.reason.value, "left_on": data.left_on.isoformat(),
                           "new_head_id": successor["id"] if successor else None})
        await audit.record(actor, "member_left", "member", member_id, before={"left_on": None},
                           after={"left_on": data.left_on, "reason": data.reason.value})
    return await _detail(found["household"])


async def _refuse_members_of_other_households(id_numbers: list[str]) -> None:
    clash = await fetchrow(
        "SELECT m.id_number, h.id, h.registry_no FROM member m JOIN household h ON h.id = m.household"
        " WHERE m.id_number = ANY ($1::text[]) AND m.in_active_household ORDER BY h.id LIMIT 1",
        id_numbers,
    )
    if clash:
        raise Conflict(
            f"ID number {clash['id_number']} already belongs to household {clash['id']} ({clash['registry_no']})",
            extra={
                "field": f"members[{id_numbers.index(clash['id_number'])}].id_number",
                "existing_household_id": clash["id"],
                "existing_registry_no": clash["registry_no"],
            },
        )


async def _detail(household_id: int) -> HouseholdDetail:
    from app.crosscheck.service import flags_for_household

    row = await fetchrow(_SUMMARY + " WHERE h.id = $1", household_id)
    if row is None:
        raise NotFound(f"household {household_id} does not exist")
    members = await fetch(
        "SELECT id, name, id_number, relation, sex, birth_date, labour_ability, health, in_school, left_on,"
        " left_reason FROM member WHERE household = $1 ORDER BY left_on IS NOT NULL, relation <> 'head', id",
        household_id,
    )
    events = await fetch(
        "SELECT id, kind, from_status, to_status, actor_label, at, note, data FROM household_event"
        " WHERE household = $1 ORDER BY id",
        household_id,
    )
    objections = await fetch(
        "SELECT id, raised_by, content, raised_at, resolved_at, resolution_note FROM objection"
        " WHERE household = $1 ORDER BY id",
        household_id,
    )
    flags = await flags_for_household(household_id)
    return to_struct(HouseholdDetail, {
        **dict(row),
        "notice_ends_at": notice_ends(row["notice_started_at"], get_settings().notice_days)
        if row["status"] == "notice" else None,
        "members": [dict(m) for m in members],
        "events": [{**dict(e), "data": _json(e["data"])} for e in events],
        "objections": [dict(o) for o in objections],
        "flags": [msgspec.structs.asdict(f) for f in flags],
    })


def _json(raw: str | None) -> Any:
    return None if raw is None else json.loads(raw)


async def get_household(principal: Principal, household_id: int) -> HouseholdDetail:
    await load_household(principal, household_id)
    return await _detail(household_id)


def list_query(principal: Principal, filters: HouseholdFilter) -> tuple[str, list[Any]]:
    """The households a caller may see under the filters (for lists and exports)."""
    return _SUMMARY + _FILTERS, _filter_args(principal, filters)


async def list_households(principal: Principal, page: PageParams, filters: HouseholdFilter) -> Page[HouseholdOut]:
    return await fetch_page(*list_query(principal, filters), page, "id", _summary)


def _filter_args(principal: Principal, f: HouseholdFilter) -> list[Any]:
    return [
        f.town_id, f.village_id, f.status and f.status.value, f.attribute and f.attribute.value,
        f.cause and f.cause.value, f.late_addition, f.flagged, *scope_filter(principal),
    ]


async def count_households(principal: Principal, filters: HouseholdFilter) -> HouseholdCounts:
    rows = await fetch(
        "SELECT h.status, h.attribute, count(*) AS households,"
        " sum((SELECT count(*) FROM member m WHERE m.household = h.id AND m.left_on IS NULL)) AS people"
        " FROM household h JOIN village v ON v.id = h.village" + _FILTERS + " GROUP BY h.status, h.attribute",
        *_filter_args(principal, filters),
    )
    by_status: dict[str, int] = {}
    by_attribute: dict[str, int] = {}
    for r in rows:
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["households"]
        by_attribute[r["attribute"]] = by_attribute.get(r["attribute"], 0) + r["households"]
    return HouseholdCounts(
        households=sum(r["households"] for r in rows), people=sum(int(r["people"] or 0) for r in rows),
        by_status=by_status, by_attribute=by_attribute,
    )


async def transition(actor: Principal, household_id: int, data: TransitionIn) -> HouseholdDetail:
    """Take one step in the household's life; the row lock serialises concurrent steps."""
    async with transaction():
        row = await load_household(actor, household_id, for_update=True)
        current = HouseholdStatus(row["status"])
        open_objections = (await fetchrow(
            "SELECT count(*) AS n FROM objection WHERE household = $1 AND resolved_at IS NULL", household_id
        ))["n"]
        now = datetime.now(UTC)
        refusal = check_transition(TransitionRequest(
            current=current, target=data.to, now=now, notice_started_at=row["notice_started_at"],
            notice_days=get_settings().notice_days, open_objections=open_objections,
            exit_year=data.exit_year, removal_reason=data.reason,
        ))
        if refusal:
            raise Conflict(refusal.reason, extra={
                "current_status": current.value, "allowed": [s.value for s in refusal.allowed],
            })
        if data.to is HouseholdStatus.registered and actor.role is Role.town_officer:
            raise Forbidden("registration is the city's approval (市级审批), not a town's step")
        if data.to is HouseholdStatus.exited:
            from app.monitoring.service import (
                exit_refusal,  # the exit test lives with monitoring
            )

            if failed := await exit_refusal(household_id, data.exit_year):
                reason, reasons = failed
                raise Conflict(reason, extra={"reasons": reasons})
        await _apply_transition(actor, row, data, now)
    return await _detail(household_id)


_STATUS_COLUMNS = ("status", "exited_year", "removed_reason", "registered_on", "late_addition")


async def _apply_transition(actor: Principal, row: Any, data: TransitionIn, now: datetime) -> None:
    household_id, target = row["id"], data.to
    after = await fetchrow(
        "UPDATE household SET status = $2::text,"
        " notice_started_at = CASE WHEN $2::text = 'notice' THEN $3 ELSE notice_started_at END,"
        " registered_on = CASE WHEN $2::text = 'registered' THEN $3::date ELSE registered_on END,"
        " exited_year = CASE WHEN $2::text = 'exited' THEN $4 ELSE exited_year END,"
        " removed_reason = CASE WHEN $2::text = 'removed' THEN $5 ELSE removed_reason END"
        f" WHERE id = $1 RETURNING {', '.join(_STATUS_COLUMNS)}",
        household_id, target.value, now, data.exit_year, data.reason.value if data.reason else None,
    )
    if target is HouseholdStatus.removed:
        # frees the members' ID numbers for another household; their history stays
        await fetch("UPDATE member SET in_active_household = false WHERE household = $1", household_id)
        from app.links.service import (
            end_links_of_household,  # links build on the registry, not back
        )

        await end_links_of_household(actor, household_id, now.date())
    event_data = {k: v for k, v in (("exit_year", data.exit_year), ("reason", data.reason and data.reason.value)) if v}
    await _event(
        household_id, "transition", actor, from_status=row["status"], to_status=target.value,
        note=data.note, data=event_data or None,
    )
    await audit.record(actor, f"transition:{target.value}", "household", household_id,
                       before={k: row[k] for k in _STATUS_COLUMNS}, after={k: after[k] for k in _STATUS_COLUMNS})


async def remove_for_cross_check(actor: Principal, household_id: int, note: str) -> None:
    """Removal (清退) after a confirmed cross-check hit; runs in the caller's transaction."""
    row = await load_household(actor, household_id, for_update=True)
    if row["status"] == HouseholdStatus.removed.value:
        return
    await _apply_transition(
        actor, row, TransitionIn(to=HouseholdStatus.removed, reason=RemovalReason.cross_check_hit, note=note),
        datetime.now(UTC),
    )


async def raise_objection(actor: Principal, household_id: int, data: ObjectionIn) -> ObjectionOut:
    async with transaction():
        row = await load_household(actor, household_id, for_update=True)
        if row["status"] != HouseholdStatus.notice.value:
            raise Conflict(f"objections are recorded during the public notice; the household is {row['status']}")
        objection = await fetchrow(
            "INSERT INTO objection (household, raised_by, content, raised_at, recorded_by)"
            " VALUES ($1, $2, $3, now(), $4) RETURNING id, raised_by, content, raised_at, resolved_at, resolution_note",
            household_id, data.raised_by, data.content, actor.account_id,
        )
        out = to_struct(ObjectionOut, objection)
        await _event(household_id, "objection_raised", actor, note=data.content,
                     data={"objection_id": out.id, "raised_by": data.raised_by})
        await audit.record(actor, "raise", "objection", out.id, after=out)
    return out


async def resolve_objection(actor: Principal, objection_id: int, data: ObjectionResolve) -> ObjectionOut:
    async with transaction():
        found = await fetchrow("SELECT household FROM objection WHERE id = $1", objection_id)
        if found is None:
            raise NotFound(f"objection {objection_id} does not exist")
        await load_household(actor, found["household"], for_update=True)
        before = await fetchrow("SELECT * FROM objection WHERE id = $1 FOR UPDATE", objection_id)
        if before["resolved_at"] is not None:
            raise Conflict(f"objection {objection_id} was already resolved at {before['resolved_at'].isoformat()}")
        row = await fetchrow(
            "UPDATE objection SET resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1"
            " RETURNING id, raised_by, content, raised_at, resolved_at, resolution_note",
            objection_id, actor.account_id, data.note,
        )
        out = to_struct(ObjectionOut, row)
        await _event(found["household"], "objection_resolved", actor, note=data.note, data={"objection_id": objection_id})
        await audit.record(actor, "resolve", "objection", objection_id,
                           before={"resolved_at": None}, after={"resolved_at": out.resolved_at, "note": data.note})
    return out
