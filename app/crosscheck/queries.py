"""The cross-check app's SQL: department records, rules and the flags they raise.

Every function takes the connection or unit of work it runs on; none opens a transaction.
Matching reads the registry's members and households (a set-based join); it writes only
flags, and returns which households it flagged for the registry to note in their history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.crosscheck.schemas import DepartmentRecordIn, FlagOut, RuleIn, RuleOut

_NUMERIC = r"^-?[0-9]+(\.[0-9]+)?$"

# Flags for the records of ``batch``: every active rule on the record's item, every member
# (of a household not removed) holding the ID number, numeric thresholds applied.
_FLAG_BATCH = (
    """
, matched AS (
    INSERT INTO cross_check_flag (household, member, rule, record, evidence, status, created_at)
    SELECT m.household, m.id, ru.id, r.id,
           jsonb_build_object('department', r.department, 'item', r.item, 'value', r.value,
                              'as_of', r.as_of, 'id_number', r.id_number, 'rule', ru.description),
           'open', now()
    FROM batch b
    JOIN department_record r USING (department, item, id_number, as_of)
    JOIN cross_check_rule ru ON ru.department = r.department AND ru.item = r.item AND ru.active
    JOIN member m ON m.id_number = r.id_number AND m.in_active_household
    JOIN household h ON h.id = m.household AND h.status <> 'removed'
    WHERE ru.min_value IS NULL OR (r.value ~ '"""
    + _NUMERIC
    + """' AND r.value::numeric > ru.min_value)
    ON CONFLICT (member, record, rule) DO NOTHING
    RETURNING household, id
)
SELECT household, array_agg(id ORDER BY id) AS flag_ids FROM matched GROUP BY household ORDER BY household
"""
)

_MATCH_RECORDS = (
    """
WITH batch AS (
    SELECT DISTINCT *
    FROM unnest($1::text[], $2::text[], $3::text[], $4::date[]) AS b(department, item, id_number, as_of)
)"""
    + _FLAG_BATCH
)

# records already stored: those of some ID numbers (people who joined), or of one rule's item (a rule saved)
_MATCH_STORED = (
    """
WITH batch AS (
    SELECT department, item, id_number, as_of FROM department_record
    WHERE ($1::text[] IS NULL OR id_number = ANY ($1::text[]))
      AND ($2::text IS NULL OR (department = $2 AND item = $3))
)"""
    + _FLAG_BATCH
)

_FLAG = """
SELECT f.id, f.household AS household_id, f.member AS member_id, m.name AS member_name, f.rule AS rule_id,
       ru.description AS rule, f.evidence, f.status, f.created_at, f.resolved_at, f.resolved_by, f.note
FROM cross_check_flag f
JOIN member m ON m.id = f.member
JOIN cross_check_rule ru ON ru.id = f.rule
"""

_RULE = "SELECT id, department, item, description, min_value, active FROM cross_check_rule"


def _flag(row: Any) -> FlagOut:
    return msgspec.convert({**dict(row), "evidence": json.loads(row["evidence"])}, FlagOut)


def _rule(row: Any) -> RuleOut:
    return msgspec.convert(dict(row), RuleOut)


async def insert_records(db: Db, records: Sequence[DepartmentRecordIn], imported_by: int | None) -> int:
    """Store the records not stored yet; how many were new."""
    return int(
        await db.fetchval(
            "WITH new AS (INSERT INTO department_record (department, item, id_number, value, as_of, imported_at,"
            " imported_by)"
            " SELECT DISTINCT ON (d, i, n, a) d, i, n, v, a, now(), $6"
            " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[]) AS s(d, i, n, v, a)"
            " ON CONFLICT (department, item, id_number, as_of) DO NOTHING RETURNING id) SELECT count(*) FROM new",
            [r.department for r in records],
            [r.item for r in records],
            [r.id_number for r in records],
            [r.value for r in records],
            [r.as_of for r in records],
            imported_by,
        )
    )


def _by_household(rows: Sequence[Any]) -> dict[int, list[int]]:
    return {r["household"]: list(r["flag_ids"]) for r in rows}


async def flag_records(db: Db, records: Sequence[DepartmentRecordIn]) -> dict[int, list[int]]:
    """Flag the matches of these (stored) records; the new flags' ids by household."""
    return _by_household(
        await db.fetch(
            _MATCH_RECORDS,
            [r.department for r in records],
            [r.item for r in records],
            [r.id_number for r in records],
            [r.as_of for r in records],
        )
    )


async def flag_stored(
    db: Db, *, id_numbers: Sequence[str] | None = None, department: str | None = None, item: str | None = None
) -> dict[int, list[int]]:
    """Flag the matches of records already stored for these ID numbers, or for this rule's item."""
    return _by_household(
        await db.fetch(_MATCH_STORED, None if id_numbers is None else list(id_numbers), department, item)
    )


async def flags_of_household(db: Db, household_id: int) -> list[FlagOut]:
    return [_flag(r) for r in await db.fetch(_FLAG + " WHERE f.household = $1 ORDER BY f.id", household_id)]


async def page_of_flags(
    db: Db,
    page: PageParams,
    *,
    status: str | None,
    town_id: int | None,
    scope_town_id: int | None,
    scope_enterprise_id: int | None,
    scope_region: str | None = None,
) -> Page[FlagOut]:
    args: list[Any] = [status, town_id, scope_town_id, scope_enterprise_id]
    query = (
        _FLAG + " JOIN household h ON h.id = f.household JOIN village v ON v.id = h.village"
        " WHERE ($1::text IS NULL OR f.status = $1) AND ($2::int IS NULL OR v.town = $2)"
        " AND ($3::int IS NULL OR v.town = $3)"
        " AND ($4::int IS NULL OR EXISTS (SELECT 1 FROM link l WHERE l.household = h.id AND l.enterprise = $4))"
        + county_clause("f.county_code", scope_region, args)
    )
    return await fetch_page(query, args, page, "id", _flag, db=db)


async def flag_household(db: Db, flag_id: int) -> int | None:
    household = await db.fetchval("SELECT household FROM cross_check_flag WHERE id = $1", flag_id)
    return None if household is None else int(household)


async def flag_by_id(db: Db, flag_id: int, *, lock: bool = False) -> FlagOut | None:
    sql = _FLAG + " WHERE f.id = $1"
    row = await db.fetchrow(sql + " FOR UPDATE OF f" if lock else sql, flag_id)
    return None if row is None else _flag(row)


async def resolve_flag(db: Db, flag_id: int, status: str, resolved_by: int | None, note: str | None) -> None:
    await db.execute(
        "UPDATE cross_check_flag SET status = $2, resolved_at = now(), resolved_by = $3, note = $4 WHERE id = $1",
        flag_id,
        status,
        resolved_by,
        note,
    )


async def page_of_rules(db: Db, page: PageParams) -> Page[RuleOut]:
    return await fetch_page(_RULE, [], page, "department, item", _rule, db=db)


async def rule_for(db: Db, department: str, item: str, *, lock: bool = False) -> RuleOut | None:
    sql = _RULE + " WHERE department = $1 AND item = $2"
    row = await db.fetchrow(sql + " FOR UPDATE" if lock else sql, department, item)
    return None if row is None else _rule(row)


async def save_rule(db: Db, data: RuleIn) -> RuleOut:
    return _rule(
        await db.fetchrow(
            "INSERT INTO cross_check_rule (department, item, description, min_value, active, created_at)"
            " VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (department, item) DO UPDATE"
            " SET description = excluded.description, min_value = excluded.min_value, active = excluded.active"
            " RETURNING id, department, item, description, min_value, active",
            data.department,
            data.item,
            data.description,
            data.min_value,
            data.active,
        )
    )


async def insert_missing_rules(db: Db, rules: Sequence[tuple[str, str, str, Decimal | None]]) -> None:
    await db.execute(
        "INSERT INTO cross_check_rule (department, item, description, min_value, active, created_at)"
        " SELECT d, i, t, v, true, now()"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[]) AS s(d, i, t, v)"
        " ON CONFLICT (department, item) DO NOTHING",
        [r[0] for r in rules],
        [r[1] for r in rules],
        [r[2] for r in rules],
        [r[3] for r in rules],
    )
