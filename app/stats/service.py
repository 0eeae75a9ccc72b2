"""The city overview as of a day: every figure one set-based query over the ledgers and the event history
(payouts through their daily totals, which the database keeps with the ledger)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from app.core.money import round_fen
from app.core.uow import reading_replica
from app.stats import queries
from app.stats.schemas import Overview


async def overview(as_of: date) -> Overview:
    end = as_of + timedelta(days=1)  # "as of" a day includes the whole day
    async with reading_replica() as db:
        places = await queries.places(db, as_of.year)
        people = await queries.people_before(db, end)
        paired = await queries.paired_on(db, as_of)
        by_type = await queries.payouts_by_type_until(db, as_of)
        subsidies = await queries.subsidies(db, end, as_of)
    return Overview(
        as_of=as_of,
        towns=places.towns,
        poor_villages_registered=places.poor_villages_registered,
        poor_villages_exited=places.poor_villages_exited,
        households_registered=people.households_registered,
        people_registered=people.people_registered,
        people_exited=people.people_exited,
        people_removed=people.people_removed,
        people_added_after_first_round=people.people_added_after_first_round,
        enterprises_paired=paired.enterprises,
        poor_villages_paired=paired.poor_villages,
        payouts_by_type=by_type,
        payouts_total=sum((t.amount for t in by_type), Decimal("0.00")),
        subsidies_approved=round_fen(subsidies.approved),
        subsidies_approved_count=subsidies.approved_count,
        subsidies_paid=round_fen(subsidies.paid),
        subsidies_paid_count=subsidies.paid_count,
    )


# The console's charts read these rows by key (r["month"]); they stay mappings until it reads attributes.


async def monthly_payouts(year: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Payouts of a year per month: by income type (from the daily totals) and by industry."""
    async with reading_replica() as db:
        by_type = await queries.monthly_by_income_type(db, year)
        by_industry = await queries.monthly_by_industry(db, year)
    return [msgspec.structs.asdict(m) for m in by_type], [msgspec.structs.asdict(m) for m in by_industry]


async def subsidies_by_town() -> list[dict[str, Any]]:
    async with reading_replica() as db:
        return [msgspec.structs.asdict(t) for t in await queries.subsidies_by_town(db)]


async def latest_payout_year() -> int:
    async with reading_replica() as db:
        last = await queries.last_payout_day(db)
    return last.year if last else date.today().year
