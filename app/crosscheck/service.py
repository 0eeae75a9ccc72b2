"""Importing department records, matching them against members, resolving the flags."""

from __future__ import annotations

import json
from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound
from app.core.principal import Principal
from app.crosscheck.schemas import (
    DepartmentRecordIn,
    FlagOut,
    FlagResolve,
    ImportResult,
    RuleIn,
    RuleOut,
)
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page
from app.registry.access import load_household, scope_filter, scope_sql

_NUMERIC = r"^-?[0-9]+(\.[0-9]+)?$"

# Flags for the records of this batch: every active rule on the record's item, every
# member (of a household not removed) holding the ID number, numeric thresholds applied.
_MATCH = f"""
WITH batch AS (
    SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[]) AS b(department, item, id_number, as_of)
), matched AS (
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
    WHERE ru.min_value IS NULL OR (r.value ~ '{_NUMERIC}' AND r.value::numeric > ru.min_value)
    ON CONFLICT (member, record, rule) DO NOTHING
    RETURNING household, id
), events AS (
    INSERT INTO household_event (household, kind, actor_id, actor_label, at, note, data)
    SELECT household, 'cross_check_flagged', $5, $6, now(), 'matched by a cross-check import',
           jsonb_build_object('flag_ids', jsonb_agg(id ORDER BY id))
    FROM matched GROUP BY household
)
SELECT household, count(*) AS flags FROM matched GROUP BY household ORDER BY household
"""

_FLAG = """
SELECT f.id, f.household AS household_id, f.member AS member_id, m.name AS member_name, f.rule AS rule_id,
       ru.description AS rule, f.evidence, f.status, f.created_at, f.resolved_at, f.resolved_by, f.note
FROM cross_check_flag f
JOIN member m ON m.id = f.member
JOIN cross_check_rule ru ON ru.id = f.rule
"""


def _flag(row: Any) -> FlagOut:
    return to_struct(FlagOut, {**dict(row), "evidence": json.loads(row["evidence"])})


async def import_records(actor: Principal, records: list[DepartmentRecordIn]) -> ImportResult:
    columns = (
        [r.department for r in records], [r.item for r in records], [r.id_number for r in records],
        [r.as_of for r in records],
    )
    async with transaction():
        inserted = await fetch(
            "INSERT INTO department_record (department, item, id_number, value, as_of, imported_at, imported_by)"
            " SELECT DISTINCT ON (d, i, n, a) d, i, n, v, a, now(), $6"
            " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[]) AS s(d, i, n, v, a)"
            " ON CONFLICT (department, item, id_number, as_of) DO NOTHING RETURNING id",
            *columns[:3], [r.value for r in records], columns[3], actor.account_id,
        )
        flagged = await fetch(_MATCH, *columns, actor.account_id, actor.label)
        result = ImportResult(
            records_received=len(records),
            records_new=len(inserted),
            flags_created=sum(r["flags"] for r in flagged),
            households_flagged=[r["household"] for r in flagged],
        )
        await audit.record(actor, "import", "department_records", "batch", after=result)
    return result


async def match_stored(actor: Principal, where: str, *args: object) -> int:
    """Match department records already stored against today's members and rules (after a household is
    registered or a rule changes); ``where`` picks the records. Returns the flags created."""
    keys = await fetch(f"SELECT department, item, id_number, as_of FROM department_record WHERE {where}", *args)
    if not keys:
        return 0
    flagged = await fetch(
        _MATCH, [k["department"] for k in keys], [k["item"] for k in keys], [k["id_number"] for k in keys],
        [k["as_of"] for k in keys], actor.account_id, actor.label,
    )
    return sum(r["flags"] for r in flagged)


async def flags_for_household(household_id: int) -> list[FlagOut]:
    return [_flag(r) for r in await fetch(_FLAG + " WHERE f.household = $1 ORDER BY f.id", household_id)]


async def list_flags(
    principal: Principal, page: PageParams, *, status: str | None, town_id: int | None
) -> Page[FlagOut]:
    query = (
        _FLAG + " JOIN household h ON h.id = f.household JOIN village v ON v.id = h.village"
        " WHERE ($1::text IS NULL OR f.status = $1) AND ($2::int IS NULL OR v.town = $2) AND " + scope_sql(3)
    )
    return await fetch_page(query, [status, town_id, *scope_filter(principal)], page, "id", _flag)


async def resolve_flag(actor: Principal, flag_id: int, confirm: bool, data: FlagResolve) -> FlagOut:
    from app.registry.household_service import remove_for_cross_check

    async with transaction():
        found = await fetchrow("SELECT household FROM cross_check_flag WHERE id = $1", flag_id)
        if found is None:
            raise NotFound(f"cross-check flag {flag_id} does not exist")
        await load_household(actor, found["household"], for_update=True)
        before = await fetchrow(_FLAG + " WHERE f.id = $1 FOR UPDATE OF f", flag_id)
        if before["status"] != "open":
            raise Conflict(f"flag {flag_id} was already {before['status']}")
        if not confirm and not data.note:
            raise Conflict("dismissing a flag needs a note saying why", extra={"field": "note"})
        await fetch(
            "UPDATE cross_check_flag SET status = $2, resolved_at = now(), resolved_by = $3, note = $4 WHERE id = $1",
            flag_id, "confirmed" if confirm else "dismissed", actor.account_id, data.note,
        )
        after = _flag(await fetchrow(_FLAG + " WHERE f.id = $1", flag_id))
        if confirm:
            # the removal locks the household's links before the audit chain is taken, as end_link does
            await remove_for_cross_check(
                actor, found["household"],
                note=f"cross-check flag {flag_id}: {after.rule}" + (f" — {data.note}" if data.note else ""),
            )
        await audit.record(actor, "confirm" if confirm else "dismiss", "cross_check_flag", flag_id,
                           before=_flag(before), after=after)
    return after


async def list_rules(page: PageParams) -> Page[RuleOut]:
    return await fetch_page(
        "SELECT id, department, item, description, min_value, active FROM cross_check_rule", [], page,
        "department, item", lambda r: to_struct(RuleOut, r),
    )


async def save_rule(actor: Principal, data: RuleIn) -> RuleOut:
    """Create the rule for (department, item), or replace its terms."""
    async with transaction():
        before = await fetchrow(
            "SELECT id, department, item, description, min_value, active FROM cross_check_rule"
            " WHERE department = $1 AND item = $2 FOR UPDATE", data.department, data.item,
        )
        row = await fetchrow(
            "INSERT INTO cross_check_rule (department, item, description, min_value, active, created_at)"
            " VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (department, item) DO UPDATE"
            " SET description = excluded.description, min_value = excluded.min_value, active = excluded.active"
            " RETURNING id, department, item, description, min_value, active",
            data.department, data.item, data.description, data.min_value, data.active,
        )
        rule = to_struct(RuleOut, row)
        await audit.record(actor, "update" if before else "create", "cross_check_rule", rule.id,
                           before=None if before is None else to_struct(RuleOut, before), after=rule)
        if rule.active:  # records already imported are checked against the new terms
            await match_stored(actor, "department = $1 AND item = $2", rule.department, rule.item)
    return rule
