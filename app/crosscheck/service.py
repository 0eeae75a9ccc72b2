"""Importing department records, matching them against members, resolving the flags."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from app.core.errors import Conflict, NotFound
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, list_region
from app.core.uow import Db, UnitOfWork, reading_replica, unit_of_work
from app.crosscheck import queries
from app.crosscheck.schemas import (
    DepartmentRecordIn,
    FlagOut,
    FlagResolve,
    ImportResult,
    RuleIn,
    RuleOut,
)
from app.registry import household_service as registry
from app.registry.access import load_household, scope_filter
from app.registry.schemas import HouseholdFlag

_FLAGGED_NOTE = "matched by a cross-check import"


async def _noted(uow: UnitOfWork, actor: Principal, flag_ids: dict[int, list[int]]) -> int:
    """Put the new flags in their households' history; how many there are."""
    await registry.record_cross_check_flags(uow, actor, flag_ids, _FLAGGED_NOTE)
    return sum(len(ids) for ids in flag_ids.values())


async def import_records(actor: Principal, records: list[DepartmentRecordIn]) -> ImportResult:
    async with unit_of_work() as uow:
        result = await record_and_match(uow, actor, records)
        await uow.audit(actor, "import", "department_records", "batch", after=result)
    return result


async def record_and_match(uow: UnitOfWork, actor: Principal, records: Sequence[DepartmentRecordIn]) -> ImportResult:
    """Store the records not stored yet and flag the households whose members they match, each flag noted
    in its household's history, in the caller's unit of work (the API's import audits it as one batch, the
    spreadsheet import as its file)."""
    new = await queries.insert_records(uow, records, actor.account_id)
    flag_ids = await queries.flag_records(uow, records)
    return ImportResult(
        records_received=len(records),
        records_new=new,
        flags_created=await _noted(uow, actor, flag_ids),
        households_flagged=sorted(flag_ids),
    )


async def match_people(uow: UnitOfWork, actor: Principal, id_numbers: Sequence[str]) -> int:
    """Match the records already stored for these people (who just joined a household) against today's
    rules, in the caller's unit of work. Returns the flags created."""
    return await _noted(uow, actor, await queries.flag_stored(uow, id_numbers=id_numbers))


async def household_flags(db: Db, household_id: int) -> list[HouseholdFlag]:
    """The household's flags as its detail shows them (the registry's ``FlagReader``)."""
    return [
        msgspec.convert(msgspec.structs.asdict(f), HouseholdFlag)
        for f in await queries.flags_of_household(db, household_id)
    ]


async def list_flags(
    principal: Principal, page: PageParams, *, status: str | None, town_id: int | None
) -> Page[FlagOut]:
    scope_town_id, scope_enterprise_id = scope_filter(principal)
    async with reading_replica() as db:
        return await queries.page_of_flags(
            db,
            page,
            status=status,
            town_id=town_id,
            scope_town_id=scope_town_id,
            scope_enterprise_id=scope_enterprise_id,
            scope_region=list_region(principal),
        )


async def resolve_flag(actor: Principal, flag_id: int, confirm: bool, data: FlagResolve) -> FlagOut:
    async with unit_of_work() as uow:
        household_id = await queries.flag_household(uow, flag_id)
        if household_id is None:
            raise NotFound(f"cross-check flag {flag_id} does not exist")
        await load_household(actor, household_id, for_update=True, db=uow)
        before = await queries.flag_by_id(uow, flag_id, lock=True)
        assert before is not None  # flags are never deleted
        if before.status != "open":
            raise Conflict(f"flag {flag_id} was already {before.status}")
        if not confirm and not data.note:
            raise Conflict("dismissing a flag needs a note saying why", extra={"field": "note"})
        await queries.resolve_flag(uow, flag_id, "confirmed" if confirm else "dismissed", actor.account_id, data.note)
        after = await queries.flag_by_id(uow, flag_id)
        assert after is not None
        if confirm:
            # the removal locks what hangs on the household before the audit chain is taken, as end_link does
            await registry.remove_for_cross_check(
                uow,
                actor,
                household_id,
                note=f"cross-check flag {flag_id}: {after.rule}" + (f" — {data.note}" if data.note else ""),
            )
        await uow.audit(
            actor, "confirm" if confirm else "dismiss", "cross_check_flag", flag_id, before=before, after=after
        )
    return after


async def list_rules(page: PageParams) -> Page[RuleOut]:
    async with reading_replica() as db:
        return await queries.page_of_rules(db, page)


async def save_rule(actor: Principal, data: RuleIn) -> RuleOut:
    """Create the rule for (department, item), or replace its terms."""
    async with unit_of_work() as uow:
        before = await queries.rule_for(uow, data.department, data.item, lock=True)
        rule = await queries.save_rule(uow, data)
        await uow.audit(actor, "update" if before else "create", "cross_check_rule", rule.id, before=before, after=rule)
        if rule.active:  # records already imported are checked against the new terms
            await _noted(uow, actor, await queries.flag_stored(uow, department=rule.department, item=rule.item))
    return rule
