"""Exit assessments, hardship events, revisits, and the monitoring list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.core.errors import Conflict, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, list_region
from app.core.settings import get_settings
from app.core.uow import Db, reading_replica, unit_of_work
from app.monitoring import queries
from app.monitoring.rules import (
    CHECKLIST,
    below_watch_line,
    exit_test,
    hardship_detail,
    link_ended_detail,
    low_income_detail,
    per_capita_income,
    revisit_due,
)
from app.monitoring.schemas import (
    AssessmentIn,
    AssessmentOut,
    HardshipIn,
    HardshipOut,
    MonitoringEntry,
    RevisitIn,
    RevisitOut,
)
from app.payouts.reports import ledger_income
from app.registry import household_service as registry
from app.registry import poverty_lines
from app.registry.access import load_household
from app.registry.model import HouseholdStatus
from app.registry.rules import on_register
from app.registry.schemas import TransitionIn

_KEYS = [key for key, _ in CHECKLIST]


async def assess(actor: Principal, household_id: int, data: AssessmentIn) -> AssessmentOut:
    """Record the year's exit test; passing it is what lets the household be marked exited."""
    async with unit_of_work() as uow:
        household = await load_household(actor, household_id, for_update=True, db=uow)
        if not on_register(household.status):
            raise Conflict(f"the household is {household.status}; only registered households are assessed")
        # the line of the household's province, or the national one
        line = await poverty_lines.poverty_line(uow, data.year, county_id=household.county_id)
        if line is None:
            raise Refused(f"no poverty line is set for {data.year}", extra={"field": "year"})
        members = await registry.people_counted_in_year(uow, household_id, data.year)
        income = await ledger_income(uow, household_id, data.year)
        checklist = {k: getattr(data, k).met for k in _KEYS}
        test = exit_test(checklist, income, data.other_net_income, members, line)
        out = await queries.insert_assessment(
            uow,
            queries.NewAssessment(
                household_id=household_id,
                year=data.year,
                checklist=checklist,
                notes={k: getattr(data, k).note for k in _KEYS},
                ledger_income=income,
                other_net_income=data.other_net_income,
                members=members,
                per_capita=test.per_capita,
                poverty_line=line,
                passed=test.passed,
                reasons=list(test.reasons),
                verification=data.verification.value,
                assessed_by=actor.account_id,
            ),
        )
        await uow.audit(actor, "assess", "household", household_id, after=out)
    return out


async def list_assessments(actor: Principal, household_id: int) -> list[AssessmentOut]:
    async with reading_replica() as db:
        await load_household(actor, household_id, db=db)
        return await queries.assessments_of(db, household_id)


async def exit_refusal(db: Db, household_id: int, year: int) -> tuple[str, list[str]] | None:
    """None when the household passed the exit test for ``year``, else why it may not exit."""
    latest = await queries.best_assessment(db, household_id, year)
    if latest is None:
        return f"no exit assessment for {year}: assess the household first", []
    if not latest.passed:
        return f"the {year} exit assessment failed", latest.reasons
    return None


async def record_hardship(actor: Principal, household_id: int, data: HardshipIn) -> HardshipOut:
    async with unit_of_work() as uow:
        await load_household(actor, household_id, db=uow)
        out = await queries.insert_hardship(
            uow, household_id, data.kind.value, data.occurred_on, data.note, actor.account_id
        )
        await uow.audit(actor, "record", "hardship_event", out.id, after=out)
    return out


async def record_revisit(actor: Principal, household_id: int, data: RevisitIn) -> RevisitOut:
    """A revisit; "returned" also moves an exited household back onto the register (返贫)."""
    async with unit_of_work() as uow:
        household = await load_household(actor, household_id, for_update=True, db=uow)
        out = await queries.insert_revisit(
            uow,
            household_id,
            data.trigger.value,
            data.trigger_ref,
            data.visited_on,
            data.outcome.value,
            data.note,
            actor.account_id,
        )
        await uow.audit(actor, "revisit", "household", household_id, after=out)
        if data.outcome.value == "returned" and household.status == HouseholdStatus.exited.value:
            await registry.transition_in(
                uow,
                actor,
                household_id,
                TransitionIn(to=HouseholdStatus.returned, note=f"revisit {out.id}: {data.note or data.trigger.value}"),
            )
    return out


async def monitoring(actor: Principal, page: PageParams, *, year: int, open_only: bool) -> Page[MonitoringEntry]:
    """Exited households under the watch line, hardship events, and ended links of exited households."""
    settings = get_settings()
    town_id = actor.town_id if actor.role is Role.town_officer else None
    region = list_region(actor)
    first, last = date(year, 1, 1), date(year, 12, 31)
    entries: list[dict[str, Any]] = []
    async with reading_replica() as db:
        since = min(last, date.today())
        # each household is measured against its own province's line (the national one where its province
        # has none); one lookup per county, not per household
        lines: dict[int | None, Decimal | None] = {}
        for h in await queries.exited_incomes(db, first, last, year, town_id, region):
            if h.county_id not in lines:
                lines[h.county_id] = await poverty_lines.poverty_line(db, year, county_id=h.county_id)
            line = lines[h.county_id]
            if line is not None:
                per_capita = per_capita_income(h.income, h.members)
                if below_watch_line(per_capita, line, settings.watch_multiple):
                    entries.append(
                        {
                            "household_id": h.household_id,
                            "registry_no": h.registry_no,
                            "town_id": h.town_id,
                            "trigger": "low_income",
                            "trigger_ref": str(year),
                            "since": since,
                            "detail": str(low_income_detail(year, per_capita, settings.watch_multiple, line)),
                        }
                    )
        entries += [
            {
                "household_id": e.household_id,
                "registry_no": e.registry_no,
                "town_id": e.town_id,
                "trigger": "hardship",
                "trigger_ref": str(e.id),
                "since": e.occurred_on,
                "detail": str(hardship_detail(e.kind, e.occurred_on, e.note)),
            }
            for e in await queries.hardships_between(db, first, last, town_id, region)
        ]
        entries += [
            {
                "household_id": link.household_id,
                "registry_no": link.registry_no,
                "town_id": link.town_id,
                "trigger": "link_ended",
                "trigger_ref": str(link.id),
                "since": link.end_date,
                "detail": str(link_ended_detail(link.kind, link.enterprise, link.end_date)),
            }
            for link in await queries.ended_links_of_exited(db, first, last, town_id, region)
        ]
        visits = await queries.last_revisits(db, sorted({e["household_id"] for e in entries}))
    last_visit = {(v.household_id, v.trigger.value, v.trigger_ref): v for v in visits}
    today = date.today()
    out = []
    for e in sorted(entries, key=lambda e: (e["since"], e["household_id"], e["trigger"])):
        visit: RevisitOut | None = last_visit.get((e["household_id"], e["trigger"], e["trigger_ref"]))
        if visit is not None and visit.visited_on < e["since"]:
            visit = None
        if open_only and visit is not None:
            continue
        due = revisit_due(e["since"], settings.revisit_days)
        out.append(
            MonitoringEntry(
                **e,
                revisit_due=due,
                overdue=visit is None and due < today,
                last_revisit=visit,
            )
        )
    return Page(items=out[page.offset : page.offset + page.limit], total=len(out), limit=page.limit, offset=page.offset)


async def monitored_among(db: Db, household_ids: list[int]) -> set[int]:
    """Which of these households are monitored now (防止返贫监测: a case approved, or its risk elimination under
    way), on the caller's connection (an asset's owners, and the households its income is shared with)."""
    return await queries.monitored_among(db, household_ids)
