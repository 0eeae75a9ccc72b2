"""The registry's set-based reads and writes for a county's import (issue 13): households, members and
their history by the thousand, in a handful of statements.

New rows take their ids from the sequences in one statement and go in with COPY, each with its county (the
insert triggers then have nothing to look up); the few rows a re-import changes are updated from arrays
(``UPDATE ... FROM unnest``). The checks that decide what to write are the importer's (``app.imports``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.core.counties import COUNTY_COLUMN
from app.core.uow import Db, UnitOfWork, stream_rows

# ---------------------------------------------------------------------------------------------- reads


@dataclass(frozen=True, slots=True)
class PlacedVillage:
    id: int
    town_id: int
    county_code: str


async def villages_by_code(db: Db, codes: Sequence[str]) -> dict[str, PlacedVillage]:
    rows = await db.fetch("SELECT code, id, town, county_code FROM village WHERE code = ANY ($1::text[])", list(codes))
    return {r["code"]: PlacedVillage(r["id"], r["town"], r["county_code"]) for r in rows}


@dataclass(frozen=True, slots=True)
class PlacedTown:
    id: int
    county_code: str


async def towns_by_code(db: Db, codes: Sequence[str]) -> dict[str, PlacedTown]:
    """The towns placed in a county under these 9-digit codes (an enterprise's town, by the code in its row)."""
    rows = await db.fetch(
        "SELECT code, id, county_code FROM town WHERE code = ANY ($1::text[]) AND county_id IS NOT NULL", list(codes)
    )
    return {r["code"]: PlacedTown(r["id"], r["county_code"]) for r in rows}


@dataclass(frozen=True, slots=True)
class PlacedHousehold:
    """A household as a row that refers to it needs it: where it is and where it stands in its flow."""

    id: int
    county_code: str
    county_id: int | None
    town_id: int
    status: str
    exited_year: int | None


async def placed_households(db: Db, numbers: Sequence[str]) -> dict[str, PlacedHousehold]:
    """The households on record under these registry numbers, by number (a link's household)."""
    rows = await db.fetch(
        "SELECT h.registry_no, h.id, h.county_code, v.county_id, v.town, h.status, h.exited_year"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.registry_no = ANY ($1::text[])",
        list(numbers),
    )
    return {
        r["registry_no"]: PlacedHousehold(
            r["id"], r["county_code"], r["county_id"], r["town"], r["status"], r["exited_year"]
        )
        for r in rows
    }


@dataclass(frozen=True, slots=True)
class StoredMember:
    id: int
    name: str
    id_number: str
    relation: str
    labour_ability: str
    health: str
    in_school: bool
    left: bool


@dataclass(frozen=True, slots=True)
class StoredHousehold:
    id: int
    county_code: str
    town_id: int
    fields: dict[str, Any]
    """The columns an import compares: village_code, attribute, causes, registered_on, late_addition,
    address, phone, bank_name, bank_card."""
    status: str
    exited_year: int | None
    removed_reason: str | None
    history: dict[str, date]
    """The day of the latest event that took the household to each status (registered, exited, ...)."""
    members: list[StoredMember]


_HOUSEHOLDS = """
SELECT h.id, h.registry_no, h.county_code, v.town, v.code AS village_code, h.attribute, h.causes, h.registered_on,
       h.late_addition, h.address, h.phone, h.bank_name, h.bank_card, h.status, h.exited_year, h.removed_reason,
       (SELECT coalesce(jsonb_object_agg(s.to_status, s.day), '{}') FROM (
            SELECT DISTINCT ON (e.to_status) e.to_status, (e.at AT TIME ZONE 'UTC')::date AS day
            FROM household_event e WHERE e.household = h.id AND e.to_status IS NOT NULL
            ORDER BY e.to_status, e.at DESC, e.id DESC) s) AS history,
       (SELECT coalesce(jsonb_agg(jsonb_build_array(m.id, m.name, m.id_number, m.relation, m.labour_ability, m.health,
                                                    m.in_school, m.left_on IS NOT NULL) ORDER BY m.id), '[]')
        FROM member m WHERE m.household = h.id) AS members
FROM household h JOIN village v ON v.id = h.village
WHERE h.registry_no = ANY ($1::text[])
FOR UPDATE OF h
"""


async def households_by_registry_no(db: Db, numbers: Sequence[str]) -> dict[str, StoredHousehold]:
    """The households on record under these registry numbers, with their members and history, locked until
    the import's transaction ends (a change made meanwhile over the API waits, rather than being overwritten
    by what was checked before it)."""
    found: dict[str, StoredHousehold] = {}
    for r in await db.fetch(_HOUSEHOLDS, list(numbers)):
        found[r["registry_no"]] = StoredHousehold(
            id=r["id"],
            county_code=r["county_code"],
            town_id=r["town"],
            fields={
                "village_code": r["village_code"],
                "attribute": r["attribute"],
                "causes": list(r["causes"]),
                "registered_on": r["registered_on"],
                "late_addition": r["late_addition"],
                "address": r["address"],
                "phone": r["phone"],
                "bank_name": r["bank_name"],
                "bank_card": r["bank_card"],
            },
            status=r["status"],
            exited_year=r["exited_year"],
            removed_reason=r["removed_reason"],
            history={k: date.fromisoformat(v) for k, v in json.loads(r["history"]).items()},
            members=[StoredMember(*m) for m in json.loads(r["members"])],
        )
    return found


async def members_by_id_number(db: Db, id_numbers: Sequence[str]) -> dict[str, str]:
    """ID number -> the registry number of the household it is a present member of."""
    rows = await db.fetch(
        "SELECT m.id_number, h.registry_no FROM member m JOIN household h ON h.id = m.household"
        " WHERE m.id_number = ANY ($1::text[]) AND m.in_active_household AND m.left_on IS NULL",
        list(id_numbers),
    )
    return {r["id_number"]: r["registry_no"] for r in rows}


# --------------------------------------------------------------------------------------------- writes


HOUSEHOLD_COLUMNS = (
    "id",
    "registry_no",
    "village",
    "attribute",
    "causes",
    "address",
    "phone",
    "bank_name",
    "bank_card",
    "status",
    "registered_on",
    "late_addition",
    "exited_year",
    "removed_reason",
    "created_at",
)
MEMBER_COLUMNS = (
    "id",
    "household",
    "name",
    "id_number",
    "relation",
    "sex",
    "birth_date",
    "labour_ability",
    "health",
    "in_school",
    "in_active_household",
    "created_at",
)
EVENT_COLUMNS = ("household", "kind", "from_status", "to_status", "actor_id", "actor_label", "at", "note", "data")


async def reserve_ids(db: Db, table: str, count: int) -> list[int]:
    """``count`` fresh ids of ``table`` (one of household, member), taken from its sequence at once."""
    if count == 0:
        return []
    assert table in ("household", "member")
    return list(
        await db.fetchval(
            f"SELECT array_agg(nextval(pg_get_serial_sequence('{table}', 'id'))) FROM generate_series(1, $1)", count
        )
    )


async def copy_rows(
    uow: UnitOfWork, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], county: str
) -> None:
    """COPY ``rows`` into one of the registry's tables, each with the county it is in."""
    assert table in ("household", "member", "household_event")
    if rows:
        await uow.conn.copy_records_to_table(
            table, columns=[*columns, COUNTY_COLUMN], records=[(*r, county) for r in rows]
        )


@dataclass(frozen=True, slots=True)
class HouseholdChange:
    id: int
    village_id: int
    attribute: str
    causes: list[str]
    registered_on: date | None
    late_addition: bool
    address: str | None
    phone: str | None
    bank_name: str | None
    bank_card: str | None
    status: str
    exited_year: int | None
    removed_reason: str | None


async def update_households(uow: UnitOfWork, changes: Sequence[HouseholdChange]) -> None:
    if not changes:
        return
    columns = list(
        zip(
            *(
                (
                    c.id,
                    c.village_id,
                    c.attribute,
                    json.dumps(c.causes),
                    c.registered_on,
                    c.late_addition,
                    c.address,
                    c.phone,
                    c.bank_name,
                    c.bank_card,
                    c.status,
                    c.exited_year,
                    c.removed_reason,
                )
                for c in changes
            ),
            strict=True,
        )
    )
    await uow.execute(
        "UPDATE household h SET village = u.village, attribute = u.attribute,"
        " causes = ARRAY(SELECT jsonb_array_elements_text(u.causes::jsonb)), registered_on = u.registered_on,"
        " late_addition = u.late_addition, address = u.address, phone = u.phone, bank_name = u.bank_name,"
        " bank_card = u.bank_card, status = u.status, exited_year = u.exited_year, removed_reason = u.removed_reason"
        " FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::date[], $6::bool[], $7::text[], $8::text[],"
        "             $9::text[], $10::text[], $11::text[], $12::int[], $13::text[])"
        "   AS u(id, village, attribute, causes, registered_on, late_addition, address, phone, bank_name, bank_card,"
        "        status, exited_year, removed_reason)"
        " WHERE h.id = u.id",
        *(list(c) for c in columns),
    )


async def free_members(uow: UnitOfWork, household_ids: Sequence[int]) -> None:
    """Removed households' members: their ID numbers may join another household; their history stays."""
    if household_ids:
        await uow.execute(
            "UPDATE member SET in_active_household = false WHERE household = ANY ($1::int[])", list(household_ids)
        )


@dataclass(frozen=True, slots=True)
class MemberChange:
    id: int
    name: str
    relation: str
    labour_ability: str
    health: str
    in_school: bool


async def update_members(uow: UnitOfWork, changes: Sequence[MemberChange]) -> None:
    if not changes:
        return
    await uow.execute(
        "UPDATE member m SET name = u.name, relation = u.relation, labour_ability = u.labour_ability,"
        " health = u.health, in_school = u.in_school"
        " FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[])"
        "   AS u(id, name, relation, labour_ability, health, in_school)"
        " WHERE m.id = u.id",
        [c.id for c in changes],
        [c.name for c in changes],
        [c.relation for c in changes],
        [c.labour_ability for c in changes],
        [c.health for c in changes],
        [c.in_school for c in changes],
    )


def event_row(
    household_id: int,
    kind: str,
    actor_id: int | None,
    actor_label: str,
    at: datetime,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    data: str | None = None,
) -> tuple[Any, ...]:
    """A row of ``household_event`` in ``EVENT_COLUMNS``' order; ``data`` is JSON text (written once for the
    many rows of an import that share it)."""
    return (
        household_id,
        kind,
        from_status,
        to_status,
        actor_id,
        actor_label,
        at,
        note,
        data,
    )


# ------------------------------------------------------------------------------ a county, as the template


_DAY_OF = (
    "(SELECT (e.at AT TIME ZONE 'UTC')::date FROM household_event e WHERE e.household = h.id AND e.to_status = '{s}'"
    " ORDER BY e.at DESC, e.id DESC LIMIT 1)"
)

COUNTY_HOUSEHOLDS = f"""
SELECT h.registry_no, v.code AS village_code, h.attribute, h.causes,
       extract(year FROM {_DAY_OF.format(s="registered")})::int AS identified_year, h.registered_on, h.status,
       CASE WHEN h.status IN ('exited', 'returned', 'removed') THEN {_DAY_OF.format(s="exited")} END AS exited_on,
       CASE WHEN h.status IN ('returned', 'removed') THEN {_DAY_OF.format(s="returned")} END AS returned_on,
       CASE WHEN h.status = 'removed' THEN {_DAY_OF.format(s="removed")} END AS removed_on,
       h.removed_reason, h.late_addition, h.address, h.phone, h.bank_name, h.bank_card
FROM household h JOIN village v ON v.id = h.village
WHERE h.county_code = $1 AND h.status IN ('registered', 'exited', 'returned', 'removed')
ORDER BY h.id
"""

COUNTY_TOWNS = "SELECT code, name FROM town WHERE county_code = $1 AND code IS NOT NULL ORDER BY code"
COUNTY_VILLAGES = (
    "SELECT code, name, is_poor_village, registered_year, exited_year AS exit_year, rural_population"
    " FROM village WHERE county_code = $1 AND code IS NOT NULL ORDER BY code"
)

COUNTY_MEMBERS = """
SELECT h.registry_no, m.name, m.id_number, m.relation, m.labour_ability, m.health, m.in_school
FROM member m JOIN household h ON h.id = m.household
WHERE m.county_code = $1 AND m.left_on IS NULL AND h.status IN ('registered', 'exited', 'returned', 'removed')
ORDER BY m.household, m.id
"""
"""A county's households on the register and their present members, in the columns of the households
template (``app.sheets.templates.HOUSEHOLDS``, ``MEMBERS``): what ``chainaid import export`` writes."""


async def county_template_rows(sheet_key: str, county: str) -> AsyncIterator[dict[str, Any]]:
    """The rows of a sheet of the regions or households template (``towns``, ``villages``, ``households``,
    ``members``) for a county, streamed."""
    sql = {
        "towns": COUNTY_TOWNS,
        "villages": COUNTY_VILLAGES,
        "households": COUNTY_HOUSEHOLDS,
        "members": COUNTY_MEMBERS,
    }[sheet_key]
    async for record in stream_rows(sql, [county]):
        yield dict(record)


# ------------------------------------------------------------------------------------- towns and villages


@dataclass(frozen=True, slots=True)
class StoredTown:
    id: int
    code: str | None
    name: str
    county_code: str


async def towns_by_code_or_name(db: Db, codes: Sequence[str], names: Sequence[str]) -> list[StoredTown]:
    rows = await db.fetch(
        "SELECT id, code, name, county_code FROM town WHERE code = ANY ($1::text[]) OR name = ANY ($2::text[])",
        list(codes),
        list(names),
    )
    return [StoredTown(r["id"], r["code"], r["name"], r["county_code"]) for r in rows]


@dataclass(frozen=True, slots=True)
class StoredVillage:
    id: int
    town_code: str | None
    county_code: str
    fields: dict[str, Any]
    """name, is_poor_village, registered_year, exit_year, rural_population."""


async def villages_with_fields(db: Db, codes: Sequence[str]) -> dict[str, StoredVillage]:
    rows = await db.fetch(
        "SELECT v.id, v.code, t.code AS town_code, v.county_code, v.name, v.is_poor_village, v.registered_year,"
        " v.exited_year, v.rural_population FROM village v JOIN town t ON t.id = v.town WHERE v.code = ANY ($1::text[])",
        list(codes),
    )
    return {
        r["code"]: StoredVillage(
            r["id"],
            r["town_code"],
            r["county_code"],
            {
                "name": r["name"],
                "is_poor_village": r["is_poor_village"],
                "registered_year": r["registered_year"],
                "exit_year": r["exited_year"],
                "rural_population": r["rural_population"],
            },
        )
        for r in rows
    }


async def village_names(db: Db, town_codes: Sequence[str]) -> dict[tuple[str, str], str]:
    """(town code, village name) -> the village's code, for the villages on record of these towns."""
    rows = await db.fetch(
        "SELECT t.code AS town, v.name, v.code FROM village v JOIN town t ON t.id = v.town"
        " WHERE t.code = ANY ($1::text[])",
        list(town_codes),
    )
    return {(r["town"], r["name"]): r["code"] for r in rows}


async def insert_towns(
    uow: UnitOfWork, county_id: int, county: str, towns: Sequence[tuple[str, str]]
) -> dict[str, int]:
    """New towns, (code, name) each; their ids by code."""
    rows = await uow.fetch(
        "INSERT INTO town (code, name, county_id, county_code, created_at)"
        " SELECT c, n, $3, $4, now() FROM unnest($1::text[], $2::text[]) AS u(c, n) RETURNING id, code",
        [t[0] for t in towns],
        [t[1] for t in towns],
        county_id,
        county,
    )
    return {r["code"]: r["id"] for r in rows}


async def rename_towns(uow: UnitOfWork, names: dict[int, str]) -> None:
    if names:
        await uow.execute(
            "UPDATE town t SET name = u.name FROM unnest($1::int[], $2::text[]) AS u(id, name) WHERE t.id = u.id",
            list(names),
            list(names.values()),
        )


async def insert_villages(uow: UnitOfWork, county_id: int, county: str, villages: Sequence[dict[str, Any]]) -> None:
    """New villages: each a dict of code, town_id, name, is_poor_village, registered_year, exit_year,
    rural_population."""
    if villages:
        await uow.conn.copy_records_to_table(
            "village",
            columns=[
                "code",
                "town",
                "name",
                "is_poor_village",
                "registered_year",
                "exited_year",
                "rural_population",
                "county_id",
                COUNTY_COLUMN,
                "created_at",
            ],
            records=[
                (
                    v["code"],
                    v["town_id"],
                    v["name"],
                    v["is_poor_village"],
                    v["registered_year"],
                    v["exit_year"],
                    v["rural_population"],
                    county_id,
                    county,
                    datetime.now(UTC),
                )
                for v in villages
            ],
        )


async def update_villages(uow: UnitOfWork, villages: dict[int, dict[str, Any]]) -> None:
    """Villages on record given new values (by id)."""
    if villages:
        ids = list(villages)
        vals = list(villages.values())
        await uow.execute(
            "UPDATE village v SET name = u.name, is_poor_village = u.poor, registered_year = u.registered,"
            " exited_year = u.exited, rural_population = u.population"
            " FROM unnest($1::int[], $2::text[], $3::bool[], $4::int[], $5::int[], $6::int[])"
            "   AS u(id, name, poor, registered, exited, population)"
            " WHERE v.id = u.id",
            ids,
            [v["name"] for v in vals],
            [v["is_poor_village"] for v in vals],
            [v["registered_year"] for v in vals],
            [v["exit_year"] for v in vals],
            [v["rural_population"] for v in vals],
        )
