"""The registry's SQL: towns, villages, households, members, their history and objections.

Every function takes the connection or unit of work it runs on; none opens a transaction.
Filters and the caller's scope are parameters (``$n IS NULL OR ...``), never text spliced
into a statement. Reads join the cross-check flags and the links where a list needs them
(a household's open flags, an operator's linked households); writes touch only registry tables.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.principal import Principal
from app.core.uow import Db, stream_rows
from app.registry.schemas import (
    EventOut,
    HouseholdOut,
    MemberOut,
    ObjectionOut,
    TownOut,
    VillageOut,
)

T = TypeVar("T")


def _as(struct_type: type[T], row: Any) -> T:
    return msgspec.convert(dict(row), struct_type)


# ---- towns and villages ------------------------------------------------------------------

_TOWN_COLUMNS = "id, name, code, county_id, created_at"
_TOWN = f"SELECT {_TOWN_COLUMNS} FROM town"
_VILLAGE = (
    "id, town AS town_id, code, county_id, name, is_poor_village, registered_year, exited_year, rural_population,"
    " created_at"
)


async def insert_town(db: Db, name: str, code: str | None, county_id: int | None) -> TownOut:
    return _as(
        TownOut,
        await db.fetchrow(
            f"INSERT INTO town (name, code, county_id, created_at) VALUES ($1, $2, $3, now()) RETURNING {_TOWN_COLUMNS}",
            name,
            code,
            county_id,
        ),
    )


async def town_code_taken(db: Db, code: str) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM town WHERE code = $1)", code))


async def village_code_taken(db: Db, code: str) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM village WHERE code = $1)", code))


async def codes_under(db: Db, table: str, prefix: str) -> set[str]:
    """The town or village codes taken under a prefix (a county's, a town's), to number the next one. Holds
    the prefix's numbering to the end of the transaction: two towns added at once get two numbers."""
    assert table in ("town", "village")
    await db.execute("SELECT pg_advisory_xact_lock(hashtext('numbering under ' || $1))", prefix)
    rows = await db.fetch(f"SELECT code FROM {table} WHERE code LIKE $1 || '%'", prefix)
    return {r["code"] for r in rows}


async def town_by_id(db: Db, town_id: int) -> TownOut | None:
    row = await db.fetchrow(_TOWN + " WHERE id = $1", town_id)
    return None if row is None else _as(TownOut, row)


async def page_of_towns(db: Db, page: PageParams, region: str | None) -> Page[TownOut]:
    args: list[Any] = []
    within = county_clause("county_code", region, args, keyword="WHERE")
    return await fetch_page(_TOWN + within, args, page, "name", lambda r: _as(TownOut, r), db=db)


async def county_of_town(db: Db, town_id: int) -> str | None:
    return await db.fetchval("SELECT county_code FROM town WHERE id = $1", town_id)


async def town_exists(db: Db, town_id: int) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM town WHERE id = $1)", town_id))


async def village_exists(db: Db, village_id: int) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM village WHERE id = $1)", village_id))


async def village_name_taken(db: Db, town_id: int, name: str) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM village WHERE town = $1 AND name = $2)", town_id, name))


async def insert_village(
    db: Db,
    town: TownOut,
    code: str | None,
    name: str,
    is_poor_village: bool,
    registered_year: int | None,
    rural_population: int | None,
) -> VillageOut:
    return _as(
        VillageOut,
        await db.fetchrow(
            "INSERT INTO village (town, code, county_id, name, is_poor_village, registered_year, rural_population,"
            f" created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING {_VILLAGE}",
            town.id,
            code,
            town.county_id,
            name,
            is_poor_village,
            registered_year,
            rural_population,
        ),
    )


async def village_by_id(db: Db, village_id: int, *, lock: bool = False) -> VillageOut | None:
    sql = f"SELECT {_VILLAGE} FROM village WHERE id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE" if lock else sql, village_id)
    return None if row is None else _as(VillageOut, row)


async def village_county(db: Db, village_id: int) -> int | None:
    """The county a village is in; None when it is in none yet (or there is no such village)."""
    county = await db.fetchval("SELECT county_id FROM village WHERE id = $1", village_id)
    return None if county is None else int(county)


async def village_county_code(db: Db, village_id: int) -> str | None:
    """The code of the county a village is in; None when there is no such village (or it is in no county yet)."""
    return await db.fetchval("SELECT county_code FROM village WHERE id = $1", village_id)


async def village_town(db: Db, village_id: int) -> int | None:
    """The town a village is in; None when there is no such village."""
    town = await db.fetchval("SELECT town FROM village WHERE id = $1", village_id)
    return None if town is None else int(town)


async def page_of_villages(
    db: Db, page: PageParams, town_id: int | None, poor: bool | None, exited: bool | None, region: str | None
) -> Page[VillageOut]:
    args: list[Any] = [town_id, poor, exited]
    return await fetch_page(
        f"SELECT {_VILLAGE} FROM village WHERE ($1::int IS NULL OR town = $1)"
        " AND ($2::bool IS NULL OR is_poor_village = $2) AND ($3::bool IS NULL OR (exited_year IS NOT NULL) = $3)"
        + county_clause("county_code", region, args),
        args,
        page,
        "town_id, name",
        lambda r: _as(VillageOut, r),
        db=db,
    )


async def update_village(db: Db, village_id: int, name: str | None, rural_population: int | None) -> VillageOut:
    return _as(
        VillageOut,
        await db.fetchrow(
            "UPDATE village SET name = coalesce($2, name), rural_population = coalesce($3, rural_population)"
            f" WHERE id = $1 RETURNING {_VILLAGE}",
            village_id,
            name,
            rural_population,
        ),
    )


async def list_as_poor(db: Db, village_id: int, registered_year: int) -> VillageOut:
    return _as(
        VillageOut,
        await db.fetchrow(
            f"UPDATE village SET is_poor_village = true, registered_year = $2 WHERE id = $1 RETURNING {_VILLAGE}",
            village_id,
            registered_year,
        ),
    )


async def exit_village(db: Db, village_id: int, year: int) -> VillageOut:
    return _as(
        VillageOut,
        await db.fetchrow(f"UPDATE village SET exited_year = $2 WHERE id = $1 RETURNING {_VILLAGE}", village_id, year),
    )


async def poor_people_in_village(db: Db, village_id: int) -> int:
    """Registered-and-not-exited people still in their household."""
    return int(
        await db.fetchval(
            "SELECT count(m.id) FROM household h JOIN member m ON m.household = h.id"
            " WHERE h.village = $1 AND household_poor_now(h.status) AND m.left_on IS NULL",
            village_id,
        )
    )


async def insert_poverty_lines(db: Db, lines: dict[int, Decimal]) -> None:
    await db.execute(
        "INSERT INTO poverty_line (year, amount, created_at) SELECT y, a, now()"
        " FROM unnest($1::int[], $2::numeric[]) AS s(y, a) ON CONFLICT DO NOTHING",  # a year's national line
        list(lines),
        list(lines.values()),
    )


# ---- households: who may see them ----------------------------------------------------------


class HouseholdState(msgspec.Struct, frozen=True, kw_only=True):
    """What access checks and status steps need of a household."""

    id: int
    registry_no: str
    village_id: int
    town_id: int
    county_id: int | None
    county_code: str
    status: str
    notice_started_at: datetime | None
    registered_on: date | None
    exited_year: int | None
    removed_reason: str | None
    late_addition: bool


async def household_state(
    db: Db, household_id: int, *, lock: bool = False, share: bool = False
) -> HouseholdState | None:
    """``lock`` holds the row for a status change (FOR UPDATE); ``share`` keeps its status from changing under
    a writer that depends on it, such as a new link (FOR SHARE)."""
    sql = (
        "SELECT h.id, h.registry_no, h.village AS village_id, v.town AS town_id, v.county_id, h.county_code, h.status,"
        " h.notice_started_at, h.registered_on, h.exited_year, h.removed_reason, h.late_addition"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = $1"
    )
    hold = " FOR UPDATE OF h" if lock else " FOR SHARE OF h" if share else ""
    row = await db.fetchrow(sql + hold, household_id)
    return None if row is None else _as(HouseholdState, row)


async def linked_to_enterprise(db: Db, household_id: int, enterprise_id: int | None) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM link WHERE household = $1 AND enterprise = $2)", household_id, enterprise_id
        )
    )


# ---- households: lists, counts, exports ----------------------------------------------------


class HouseholdQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which households a list, a count or an export reads; ``scope_*`` is the caller's reach."""

    town_id: int | None = None
    village_id: int | None = None
    status: str | None = None
    attribute: str | None = None
    cause: str | None = None
    late_addition: bool | None = None
    flagged: bool | None = None
    region: str | None = None
    scope_town_id: int | None = None
    scope_enterprise_id: int | None = None
    scope_region: str | None = None


_SUMMARY_COLUMNS = """
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

# ordinary households (never registered) are on no register: a list, count or export shows them only when
# asked for by their status ($3 = 'ordinary')
# $8 and $9 narrow to the caller's town, or to the households linked to the caller's enterprise
_FILTERS = """
WHERE ($1::int IS NULL OR v.town = $1) AND ($2::int IS NULL OR h.village = $2)
  AND (h.status = $3 OR ($3::text IS NULL AND h.status <> 'ordinary')) AND ($4::text IS NULL OR h.attribute = $4)
  AND ($5::text IS NULL OR $5 = ANY (h.causes)) AND ($6::bool IS NULL OR h.late_addition = $6)
  AND ($7::bool IS NULL OR EXISTS (
        SELECT 1 FROM cross_check_flag f WHERE f.household = h.id AND f.status = 'open') = $7)
  AND ($8::int IS NULL OR v.town = $8)
  AND ($9::int IS NULL OR EXISTS (SELECT 1 FROM link l WHERE l.household = h.id AND l.enterprise = $9))
  AND ($10::text IS NULL OR CASE length($10)
        WHEN 12 THEN v.code = $10
        WHEN 9 THEN v.town IN (SELECT rt.id FROM town rt WHERE rt.code = $10)
        ELSE h.county_code LIKE $10 || '%' END)
"""


def _filtered(q: HouseholdQuery) -> tuple[str, list[Any]]:
    """The filters' SQL (from WHERE) and its arguments, narrowed to the caller's region."""
    args = _query_args(q)
    return _FILTERS + county_clause("h.county_code", q.scope_region, args), args


def _query_args(q: HouseholdQuery) -> list[Any]:
    return [
        q.town_id,
        q.village_id,
        q.status,
        q.attribute,
        q.cause,
        q.late_addition,
        q.flagged,
        q.scope_town_id,
        q.scope_enterprise_id,
        q.region,
    ]


def _summary(row: Any) -> HouseholdOut:
    return msgspec.convert({k: row[k] for k in HouseholdOut.__struct_fields__}, HouseholdOut)


async def page_of_households(db: Db, q: HouseholdQuery, page: PageParams) -> Page[HouseholdOut]:
    where, args = _filtered(q)
    return await fetch_page(_SUMMARY_COLUMNS + where, args, page, "id", _summary, db=db)


async def stream_households(q: HouseholdQuery) -> AsyncIterator[HouseholdOut]:
    """Every household of the query in id order, from a cursor (for exports)."""
    where, args = _filtered(q)
    async for row in stream_rows(_SUMMARY_COLUMNS + where + " ORDER BY h.id", args):
        yield _summary(row)


class CountRow(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    attribute: str
    households: int
    people: int


async def counts(db: Db, q: HouseholdQuery) -> list[CountRow]:
    where, args = _filtered(q)
    rows = await db.fetch(
        "SELECT h.status, h.attribute, count(*) AS households,"
        " coalesce(sum((SELECT count(*) FROM member m WHERE m.household = h.id AND m.left_on IS NULL)), 0)::bigint"
        " AS people"
        " FROM household h JOIN village v ON v.id = h.village" + where + " GROUP BY h.status, h.attribute",
        *args,
    )
    return [_as(CountRow, r) for r in rows]


# ---- one household in full --------------------------------------------------------------------


class HouseholdRecord(HouseholdOut, kw_only=True):
    """The summary with the household's own contact and bank details."""

    address: str | None
    phone: str | None
    bank_name: str | None
    bank_card: str | None
    notice_started_at: datetime | None


async def household_record(db: Db, household_id: int) -> HouseholdRecord | None:
    row = await db.fetchrow(_SUMMARY_COLUMNS + " WHERE h.id = $1", household_id)
    return None if row is None else _as(HouseholdRecord, row)


async def members_of(db: Db, household_id: int) -> list[MemberOut]:
    rows = await db.fetch(
        "SELECT id, name, id_number, relation, sex, birth_date, labour_ability, health, in_school, left_on,"
        " left_reason FROM member WHERE household = $1 ORDER BY left_on IS NOT NULL, relation <> 'head', id",
        household_id,
    )
    return [_as(MemberOut, r) for r in rows]


async def history_of(db: Db, household_id: int) -> list[EventOut]:
    rows = await db.fetch(
        "SELECT id, kind, from_status, to_status, actor_label, at, note, data FROM household_event"
        " WHERE household = $1 ORDER BY id",
        household_id,
    )
    return [_as(EventOut, {**dict(r), "data": None if r["data"] is None else json.loads(r["data"])}) for r in rows]


_OBJECTION = "id, raised_by, content, raised_at, resolved_at, resolution_note"


async def objections_of(db: Db, household_id: int) -> list[ObjectionOut]:
    rows = await db.fetch(f"SELECT {_OBJECTION} FROM objection WHERE household = $1 ORDER BY id", household_id)
    return [_as(ObjectionOut, r) for r in rows]


# ---- households: writes -------------------------------------------------------------------------


class NewHousehold(msgspec.Struct, frozen=True, kw_only=True):
    registry_no: str
    village_id: int
    attribute: str
    causes: list[str]
    address: str | None
    phone: str | None
    bank_name: str | None
    bank_card: str | None
    late_addition: bool
    status: str = "applied"


class NewMember(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    id_number: str
    relation: str
    sex: str
    birth_date: date
    labour_ability: str
    health: str
    in_school: bool


async def insert_household(db: Db, new: NewHousehold) -> int:
    """A new application (status ``applied``) or ordinary household (``ordinary``); its id."""
    return int(
        await db.fetchval(
            "INSERT INTO household (registry_no, village, attribute, causes, address, phone, bank_name, bank_card,"
            " status, late_addition, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, now())"
            " RETURNING id",
            new.registry_no,
            new.village_id,
            new.attribute,
            new.causes,
            new.address,
            new.phone,
            new.bank_name,
            new.bank_card,
            new.late_addition,
            new.status,
        )
    )


LOCAL_NUMBER_PREFIX = "M"
"""Local numbers of ordinary households start with a letter: a national registry number is digits only
(app/core/validation.py REGISTRY_NO), so the two never meet, in the table or in an import."""


async def next_local_registry_no(db: Db, county_code: str) -> str:
    """The county's next local number for an ordinary household: ``M`` + the county code + 6 digits. Holds
    the county's numbering to the end of the transaction, so two households added at once get two numbers."""
    prefix = LOCAL_NUMBER_PREFIX + county_code
    await db.execute("SELECT pg_advisory_xact_lock(hashtext('local registry numbers ' || $1))", prefix)
    last = await db.fetchval(
        "SELECT max(substr(registry_no, $2)::int) FROM household"
        " WHERE county_code = $1 AND registry_no LIKE $3 || '%' AND registry_no ~ '^M[0-9]+$'",
        county_code,
        len(prefix) + 1,
        prefix,
    )
    return f"{prefix}{(last or 0) + 1:06d}"


async def insert_members(db: Db, household_id: int, members: Sequence[NewMember]) -> None:
    """All of a household's members in one statement."""
    await db.execute(
        "INSERT INTO member (household, name, id_number, relation, sex, birth_date, labour_ability, health,"
        " in_school, in_active_household, created_at)"
        " SELECT $1, *, true, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[],"
        " $7::text[], $8::text[], $9::bool[])",
        household_id,
        [m.name for m in members],
        [m.id_number for m in members],
        [m.relation for m in members],
        [m.sex for m in members],
        [m.birth_date for m in members],
        [m.labour_ability for m in members],
        [m.health for m in members],
        [m.in_school for m in members],
    )


async def insert_member(db: Db, household_id: int, m: NewMember) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO member (household, name, id_number, relation, sex, birth_date, labour_ability, health,"
            " in_school, in_active_household, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, now())"
            " RETURNING id",
            household_id,
            m.name,
            m.id_number,
            m.relation,
            m.sex,
            m.birth_date,
            m.labour_ability,
            m.health,
            m.in_school,
        )
    )


class MemberClash(msgspec.Struct, frozen=True, kw_only=True):
    id_number: str
    household_id: int
    registry_no: str


async def member_clash(db: Db, id_numbers: list[str]) -> MemberClash | None:
    """The first of these ID numbers already held by a member of an active household."""
    row = await db.fetchrow(
        "SELECT m.id_number, h.id AS household_id, h.registry_no FROM member m JOIN household h ON h.id = m.household"
        " WHERE m.id_number = ANY ($1::text[]) AND m.in_active_household ORDER BY h.id LIMIT 1",
        id_numbers,
    )
    return None if row is None else _as(MemberClash, row)


class StoredMember(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    household_id: int
    name: str
    relation: str
    left_on: date | None


_MEMBER = "SELECT id, household AS household_id, name, relation, left_on FROM member WHERE id = $1"


async def member_by_id(db: Db, member_id: int, *, lock: bool = False) -> StoredMember | None:
    row = await db.fetchrow(_MEMBER + " FOR UPDATE" if lock else _MEMBER, member_id)
    return None if row is None else _as(StoredMember, row)


async def staying_member(db: Db, household_id: int, member_id: int, leaving_id: int) -> StoredMember | None:
    """``member_id`` when it names another member of the household who has not left."""
    row = await db.fetchrow(
        _MEMBER + " AND household = $2 AND left_on IS NULL AND id <> $3", member_id, household_id, leaving_id
    )
    return None if row is None else _as(StoredMember, row)


async def member_left(db: Db, member_id: int, left_on: date, reason: str) -> None:
    await db.execute(
        "UPDATE member SET left_on = $2, left_reason = $3, in_active_household = false WHERE id = $1",
        member_id,
        left_on,
        reason,
    )


async def make_head(db: Db, member_id: int) -> None:
    await db.execute("UPDATE member SET relation = 'head' WHERE id = $1", member_id)


async def free_members(db: Db, household_id: int) -> None:
    """The members' ID numbers may join another household; their history stays."""
    await db.execute("UPDATE member SET in_active_household = false WHERE household = $1", household_id)


async def insert_event(
    db: Db,
    household_id: int,
    kind: str,
    actor: Principal,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    await db.execute(
        "INSERT INTO household_event (household, kind, from_status, to_status, actor_id, actor_label, at, note, data)"
        " VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8::jsonb)",
        household_id,
        kind,
        from_status,
        to_status,
        actor.account_id,
        actor.label,
        note,
        None if data is None else json.dumps(data, ensure_ascii=False),
    )


async def insert_flag_events(db: Db, actor: Principal, flag_ids: dict[int, list[int]], note: str) -> None:
    """One ``cross_check_flagged`` event per household, listing its new flags."""
    households = sorted(flag_ids)
    await db.execute(
        "INSERT INTO household_event (household, kind, actor_id, actor_label, at, note, data)"
        " SELECT h, 'cross_check_flagged', $3, $4, now(), $5, jsonb_build_object('flag_ids', f::jsonb)"
        " FROM unnest($1::int[], $2::text[]) AS u(h, f)",
        households,
        [json.dumps(sorted(flag_ids[h])) for h in households],
        actor.account_id,
        actor.label,
        note,
    )


async def open_objections(db: Db, household_id: int) -> int:
    return int(
        await db.fetchval("SELECT count(*) FROM objection WHERE household = $1 AND resolved_at IS NULL", household_id)
    )


class StatusColumns(msgspec.Struct, frozen=True, kw_only=True):
    """The columns a status step changes, as the audit entry records them."""

    status: str
    exited_year: int | None
    removed_reason: str | None
    registered_on: date | None
    late_addition: bool


async def set_status(
    db: Db, household_id: int, target: str, now: datetime, exit_year: int | None, removed_reason: str | None
) -> StatusColumns:
    return _as(
        StatusColumns,
        await db.fetchrow(
            "UPDATE household SET status = $2::text,"
            " notice_started_at = CASE WHEN $2::text = 'notice' THEN $3 ELSE notice_started_at END,"
            " registered_on = CASE WHEN $2::text = 'registered' THEN $3::date ELSE registered_on END,"
            " exited_year = CASE WHEN $2::text = 'exited' THEN $4 ELSE exited_year END,"
            " removed_reason = CASE WHEN $2::text = 'removed' THEN $5 ELSE removed_reason END"
            " WHERE id = $1 RETURNING status, exited_year, removed_reason, registered_on, late_addition",
            household_id,
            target,
            now,
            exit_year,
            removed_reason,
        ),
    )


# ---- objections -------------------------------------------------------------------------------------


async def insert_objection(
    db: Db, household_id: int, raised_by: str, content: str, recorded_by: int | None
) -> ObjectionOut:
    return _as(
        ObjectionOut,
        await db.fetchrow(
            "INSERT INTO objection (household, raised_by, content, raised_at, recorded_by)"
            f" VALUES ($1, $2, $3, now(), $4) RETURNING {_OBJECTION}",
            household_id,
            raised_by,
            content,
            recorded_by,
        ),
    )


async def objection_household(db: Db, objection_id: int) -> int | None:
    household = await db.fetchval("SELECT household FROM objection WHERE id = $1", objection_id)
    return None if household is None else int(household)


async def objection_by_id(db: Db, objection_id: int, *, lock: bool = False) -> ObjectionOut | None:
    sql = f"SELECT {_OBJECTION} FROM objection WHERE id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE" if lock else sql, objection_id)
    return None if row is None else _as(ObjectionOut, row)


async def resolve_objection(db: Db, objection_id: int, resolved_by: int | None, note: str) -> ObjectionOut:
    return _as(
        ObjectionOut,
        await db.fetchrow(
            "UPDATE objection SET resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1"
            f" RETURNING {_OBJECTION}",
            objection_id,
            resolved_by,
            note,
        ),
    )


async def people_counted_in_year(db: Db, household_id: int, year: int) -> int:
    """The household's members who count in ``year`` (rules.member_counted_in_year, in SQL)."""
    return int(
        await db.fetchval(
            "SELECT count(*) FROM member WHERE household = $1 AND member_counted_on(left_on, make_date($2, 1, 1))",
            household_id,
            year,
        )
    )


# poverty lines (国家扶贫标准, per person and year)


async def poverty_line(db: Db, year: int, province_id: int | None = None) -> Decimal | None:
    """The poverty line of a year, per person: the province's own, else the national one; None when the
    year has neither."""
    return await db.fetchval(
        "SELECT amount FROM poverty_line WHERE year = $1 AND (province_id = $2 OR province_id IS NULL)"
        " ORDER BY province_id NULLS LAST LIMIT 1",
        year,
        province_id,
    )


class StoredLine(msgspec.Struct, frozen=True, kw_only=True):
    year: int
    amount: Decimal
    province_id: int | None


async def poverty_lines(db: Db) -> list[StoredLine]:
    rows = await db.fetch("SELECT year, amount, province_id FROM poverty_line ORDER BY province_id NULLS FIRST, year")
    return [_as(StoredLine, r) for r in rows]


async def poverty_line_held(db: Db, year: int, province_id: int | None) -> StoredLine | None:
    """The year's line (the province's, or the national one), its row held (FOR UPDATE) to the end of the
    transaction."""
    row = await db.fetchrow(
        "SELECT year, amount, province_id FROM poverty_line WHERE year = $1 AND province_id IS NOT DISTINCT FROM $2"
        " FOR UPDATE",
        year,
        province_id,
    )
    return None if row is None else _as(StoredLine, row)


async def set_poverty_line(db: Db, year: int, amount: Decimal, province_id: int | None) -> None:
    await db.execute(
        "INSERT INTO poverty_line (year, amount, province_id, created_at) VALUES ($1, $2, $3, now())"
        " ON CONFLICT (province_id, year) DO UPDATE SET amount = excluded.amount",
        year,
        amount,
        province_id,
    )


# ---- adoption into a county (chainaid regions adopt) ----------------------------------------


class Unplaced(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    town_id: int
    code: str | None


async def lock_places(db: Db) -> None:
    """No town or village is added or changed while a county adopts them (to the end of the transaction)."""
    await db.execute("LOCK TABLE town, village IN SHARE ROW EXCLUSIVE MODE")


async def unplaced_towns(db: Db) -> list[Unplaced]:
    rows = await db.fetch("SELECT id, id AS town_id, code FROM town WHERE county_id IS NULL ORDER BY id")
    return [_as(Unplaced, r) for r in rows]


async def unplaced_villages(db: Db) -> list[Unplaced]:
    rows = await db.fetch("SELECT id, town AS town_id, code FROM village WHERE county_id IS NULL ORDER BY town, id")
    return [_as(Unplaced, r) for r in rows]


async def taken_codes(db: Db, prefix: str) -> set[str]:
    """Every town and village code under a prefix, placed or not."""
    rows = await db.fetch(
        "SELECT code FROM town WHERE code LIKE $1 || '%' UNION ALL SELECT code FROM village WHERE code LIKE $1 || '%'",
        prefix,
    )
    return {r["code"] for r in rows}


async def codes_of_towns(db: Db) -> dict[int, str | None]:
    return {r["id"]: r["code"] for r in await db.fetch("SELECT id, code FROM town")}


async def place(db: Db, county_id: int, towns: dict[int, str], villages: dict[int, str]) -> None:
    """Put these towns and villages in the county with these codes, set-based; the towns first, as the
    villages' (town, county_id) refers to them."""
    await db.execute(
        "UPDATE town t SET code = s.code, county_id = $3, county_code = left(s.code, 6)"
        " FROM unnest($1::int[], $2::text[]) AS s(id, code) WHERE t.id = s.id",
        list(towns),
        list(towns.values()),
        county_id,
    )
    await db.execute(
        "UPDATE village v SET code = s.code, county_id = $3, county_code = left(s.code, 6)"
        " FROM unnest($1::int[], $2::text[]) AS s(id, code) WHERE v.id = s.id",
        list(villages),
        list(villages.values()),
        county_id,
    )


# ---- what a public notice names (app/notices) --------------------------------------------


class VillagePlace(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    town_id: int
    town_name: str
    county_code: str | None


class HouseholdOnNotice(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    village_id: int
    status: str
    head_name: str | None
    """The current head's name (None: a household with no head on record)."""


async def village_place(db: Db, village_id: int) -> VillagePlace | None:
    row = await db.fetchrow(
        "SELECT v.id, v.name, v.town AS town_id, t.name AS town_name, v.county_code"
        " FROM village v JOIN town t ON t.id = v.town WHERE v.id = $1",
        village_id,
    )
    return None if row is None else _as(VillagePlace, row)


async def households_on_notice(db: Db, household_ids: Sequence[int]) -> list[HouseholdOnNotice]:
    """The households among ``household_ids`` that exist, with their village and current head (one query)."""
    rows = await db.fetch(
        "SELECT h.id, h.village AS village_id, h.status,"
        " (SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' AND m.left_on IS NULL"
        "   ORDER BY m.id LIMIT 1) AS head_name"
        " FROM household h WHERE h.id = ANY($1::int[])",
        list(household_ids),
    )
    return [_as(HouseholdOnNotice, r) for r in rows]


class HouseholdFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What another domain decides on about a household it names: where it is, where it stands on the
    register, and its members counted on a day."""

    id: int
    registry_no: str
    village_id: int
    county_code: str
    county_id: int | None
    status: str
    exited_year: int | None
    members: int


async def household_facts(db: Db, household_ids: Sequence[int], on: date) -> list[HouseholdFacts]:
    """The households among ``household_ids`` that exist, with their members counted on ``on``
    (``member_counted_on``), in one statement."""
    rows = await db.fetch(
        "SELECT h.id, h.registry_no, h.village AS village_id, h.county_code, v.county_id, h.status, h.exited_year,"
        " (SELECT count(*) FROM member m WHERE m.household = h.id AND member_counted_on(m.left_on, $2))::int"
        "   AS members"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = ANY ($1::int[])",
        list(household_ids),
        on,
    )
    return [HouseholdFacts(**r) for r in rows]
