"""Payout rules: pure functions, no I/O."""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.core.messages import N_, Message, code, message
from app.core.money import per_capita, round_fen

# the income a link of each kind pays
INCOME_TYPE_FOR_KIND = {
    "share": "dividend",
    "wage": "wage",
    "cooperation": "purchase",
    "franchise": "franchise_income",
    "asset": "asset_income",
}


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What a payout is checked against."""

    id: int
    enterprise_id: int
    household_id: int
    kind: str
    start_date: date
    end_date: date | None
    household_removed: bool = False
    continuation_end: date | None = None
    """For an exited household, the last day of its policy continuation (links.rules.effective_end)."""
    county_code: str | None = None
    """The county of the link's household (what a scope check reads; the rules here do not)."""


@dataclass(frozen=True, slots=True)
class PayoutFacts:
    income_type: str
    period_from: date
    period_to: date
    paid_on: date


def payout_problems(payout: PayoutFacts, link: LinkFacts, today: date) -> list[tuple[str, Message]]:
    """(field, reason) for every way the payout does not fit its link; empty when it fits."""
    problems: list[tuple[str, Message]] = []
    if link.household_removed and link.end_date is None:
        # removal ends the links already running; one that had not started yet pays nothing
        problems.append(("link_id", message(N_("the household was removed from the registry"))))
    if link.kind == "asset":
        # a share of an asset's income reaches a household only by the distribution of that income (app/assets)
        problems.append(
            ("link_id", message(N_("an asset link is paid only by the distribution of its asset's income")))
        )
        return problems
    expected = INCOME_TYPE_FOR_KIND[link.kind]
    if payout.income_type != expected:
        problems.append(
            (
                "income_type",
                message(
                    N_("a {kind} link pays {expected}, not {income_type}"),
                    kind=code("link kind", link.kind),
                    expected=code("income type", expected),
                    income_type=code("income type", payout.income_type),
                ),
            )
        )
    if payout.period_from < link.start_date:
        problems.append(("period_from", message(N_("is before the link started ({start})"), start=link.start_date)))
    if link.end_date is not None and payout.period_to > link.end_date:
        problems.append(("period_to", message(N_("is after the link ended ({end})"), end=link.end_date)))
    elif link.continuation_end is not None and payout.period_to > link.continuation_end:
        # an exited household's link pays no period beyond its policy continuation (脱贫不脱钩)
        problems.append(
            (
                "period_to",
                message(N_("is after the household's policy continuation ended ({end})"), end=link.continuation_end),
            )
        )
    if payout.paid_on > today:
        problems.append(("paid_on", message(N_("is in the future"))))
    return problems


def body_hash(
    link_id: int,
    income_type: str,
    amount: Decimal,
    period_from: date,
    period_to: date,
    paid_on: date,
    method: str,
    reference: str,
) -> str:
    """A fingerprint of what a payout says, to tell a retry (same) from a clash (different)."""
    canonical = "|".join(
        (
            str(link_id),
            income_type,
            f"{amount:.2f}",
            period_from.isoformat(),
            period_to.isoformat(),
            paid_on.isoformat(),
            method,
            reference,
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def body_hasher(
    income_type: str, period_from: date, period_to: date, paid_on: date, method: str
) -> Callable[[int, Decimal, str], str]:
    """``body_hash`` of payouts that share their income type, period, day paid and method (a distribution's):
    ``of(link_id, amount, reference)``, the shared part of the text written once."""
    shared = f"|{period_from.isoformat()}|{period_to.isoformat()}|{paid_on.isoformat()}|{method}|"

    def of(link_id: int, amount: Decimal, reference: str) -> str:
        return hashlib.sha256(f"{link_id}|{income_type}|{amount:.2f}{shared}{reference}".encode()).hexdigest()

    return of


@dataclass(frozen=True, slots=True)
class DividendDue:
    expected: Decimal
    days: int
    days_in_year: int


def dividend_due(capital: Decimal, rate: Decimal, start: date, end: date | None, year: int) -> DividendDue:
    """The guaranteed dividend of a share link for ``year``, pro-rated by the days it ran that year."""
    days_in_year = 366 if calendar.isleap(year) else 365
    first = max(start, date(year, 1, 1))
    last = min(end or date(year, 12, 31), date(year, 12, 31))
    days = max(0, (last - first).days + 1)
    return DividendDue(round_fen(capital * rate * days / days_in_year), days, days_in_year)


@dataclass(frozen=True, slots=True)
class PerCapita:
    per_capita: Decimal
    ratio_to_line: Decimal | None


def per_capita_income(total: Decimal, members: int, poverty_line: Decimal | None) -> PerCapita:
    """Income per household member, and its ratio to the year's poverty line (4 places, half-up)."""
    income = per_capita(total, members)
    ratio = None
    if poverty_line:
        ratio = (income / poverty_line).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return PerCapita(income, ratio)
