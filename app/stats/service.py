"""The city overview as of a day: every figure one set-based query over the ledgers and the event history
(payouts through their daily totals, which the database keeps with the ledger)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.core.database import fetch, fetchrow
from app.stats.schemas import AmountByType, Overview

# each household's status at the end of the day, read back from its events
_STATUS_AS_OF = """
WITH status_at AS (
    SELECT DISTINCT ON (e.household) e.household, e.to_status AS status
    FROM household_event e
    WHERE e.to_status IS NOT NULL AND e.at < $1
    ORDER BY e.household, e.at DESC, e.id DESC
), people AS (
    SELECT household, count(*) AS n FROM member WHERE left_on IS NULL OR left_on >= $1 GROUP BY household
)
SELECT
    count(*) FILTER (WHERE s.status IN ('registered', 'returned', 'exited')) AS households_registered,
    coalesce(sum(p.n) FILTER (WHERE s.status IN ('registered', 'returned', 'exited')), 0) AS people_registered,
    coalesce(sum(p.n) FILTER (WHERE s.status = 'exited'), 0) AS people_exited,
    coalesce(sum(p.n) FILTER (WHERE s.status = 'removed'), 0) AS people_removed,
    coalesce(sum(p.n) FILTER (WHERE s.status IN ('registered', 'returned', 'exited') AND h.late_addition), 0)
        AS people_added_after_first_round
FROM status_at s JOIN household h ON h.id = s.household JOIN people p ON p.household = s.household
"""


async def overview(as_of: date) -> Overview:
    end = as_of + timedelta(days=1)  # "as of" a day includes the whole day
    year = as_of.year
    places = await fetchrow(
        "SELECT (SELECT count(*) FROM town) AS towns,"
        " (SELECT count(*) FROM village WHERE is_poor_village AND registered_year <= $1) AS registered,"
        " (SELECT count(*) FROM village WHERE exited_year <= $1) AS exited",
        year,
    )
    people = await fetchrow(_STATUS_AS_OF, end)
    paired = await fetchrow(
        "SELECT count(DISTINCT p.enterprise) AS enterprises,"
        " count(DISTINCT p.village) FILTER (WHERE v.is_poor_village AND v.registered_year <= $2) AS poor_villages"
        " FROM pairing p JOIN village v ON v.id = p.village"
        " WHERE p.start_date <= $1 AND (p.end_date IS NULL OR p.end_date >= $1)",
        as_of, year,
    )
    # the ledger's daily totals (kept with it, by trigger): the same sums, at any ledger size
    payouts = await fetch(
        "SELECT income_type, sum(payouts)::int AS payouts, sum(amount) AS amount"
        " FROM payout_day WHERE paid_on <= $1 GROUP BY income_type ORDER BY income_type",
        as_of,
    )
    subsidies = await fetchrow(
        "SELECT coalesce(sum(amount) FILTER (WHERE approved_at < $1 AND (cancelled_at IS NULL OR cancelled_at >= $1)), 0)"
        "   AS approved,"
        " count(*) FILTER (WHERE approved_at < $1 AND (cancelled_at IS NULL OR cancelled_at >= $1)) AS approved_count,"
        " coalesce(sum(amount) FILTER (WHERE status = 'paid' AND paid_on <= $2), 0) AS paid,"
        " count(*) FILTER (WHERE status = 'paid' AND paid_on <= $2) AS paid_count"
        " FROM voucher",
        end, as_of,
    )
    by_type = [AmountByType(income_type=r["income_type"], payouts=r["payouts"], amount=r["amount"]) for r in payouts]
    fen = Decimal("0.01")
    return Overview(
        as_of=as_of, towns=places["towns"], poor_villages_registered=places["registered"],
        poor_villages_exited=places["exited"],
        households_registered=people["households_registered"] or 0,
        people_registered=int(people["people_registered"]), people_exited=int(people["people_exited"]),
        people_removed=int(people["people_removed"]),
        people_added_after_first_round=int(people["people_added_after_first_round"]),
        enterprises_paired=paired["enterprises"], poor_villages_paired=paired["poor_villages"],
        payouts_by_type=by_type, payouts_total=sum((t.amount for t in by_type), Decimal("0.00")),
        subsidies_approved=Decimal(subsidies["approved"]).quantize(fen),
        subsidies_approved_count=subsidies["approved_count"],
        subsidies_paid=Decimal(subsidies["paid"]).quantize(fen), subsidies_paid_count=subsidies["paid_count"],
    )


async def monthly_payouts(year: int) -> tuple[list[Any], list[Any]]:
    """Payouts of a year per month: by income type (from the daily totals) and by industry."""
    by_type = await fetch(
        "SELECT extract(month FROM paid_on)::int AS month, income_type AS key, sum(amount) AS amount"
        " FROM payout_day WHERE extract(year FROM paid_on) = $1 GROUP BY 1, 2 ORDER BY 1, 2", year,
    )
    by_industry = await fetch(
        "SELECT extract(month FROM p.paid_on)::int AS month, i.name_zh AS key, sum(p.amount) AS amount"
        " FROM payout p JOIN link l ON l.id = p.link JOIN base b ON b.id = l.base JOIN industry i ON i.id = b.industry"
        " WHERE p.paid_on BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31) GROUP BY 1, 2 ORDER BY 1, 2", year,
    )
    return by_type, by_industry


async def subsidies_by_town() -> list[Any]:
    return await fetch(
        "SELECT t.name AS town, coalesce(sum(v.amount) FILTER (WHERE v.status <> 'cancelled'), 0) AS approved,"
        " coalesce(sum(v.amount) FILTER (WHERE v.status = 'paid'), 0) AS paid"
        " FROM voucher v JOIN household h ON h.id = v.household JOIN village vi ON vi.id = h.village"
        " JOIN town t ON t.id = vi.town GROUP BY t.id, t.name ORDER BY t.id"
    )


async def latest_payout_year() -> int:
    row = await fetchrow("SELECT max(paid_on) AS d FROM payout_day")
    return row["d"].year if row and row["d"] else date.today().year
