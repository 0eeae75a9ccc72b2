"""联农带农: how an operator's year of bringing households along is scored and ranked. Pure: no I/O.

The queries measure each operator's year in one county and one industry (``Measures``); here each is scored
against the other operators of the same county, industry and year, and ranked among them:

    score = 40 × households linked ÷ the most households any operator there linked
          + 30 × median income per linked household ÷ the highest such median there
          + 20 × households also linked the year before ÷ households linked
          + 10 × monitored households ÷ households linked

Each term is rounded half-up to 0.01 and the score is their sum, so the points shown add up to the score
shown. A term whose divisor is 0 (no household linked; every median 0 or less) is 0. Operators with the
same score share a rank (1, 2, 2, 4). An operator that linked fewer households than its county asks
(``minimum``, the county policy's ``min_linked_households``) is ranked all the same, and flagged.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from app.core.messages import N_

POINT = Decimal("0.01")
ZERO = Decimal("0.00")


class Weights(msgspec.Struct, frozen=True, kw_only=True):
    """The most points each part of the score gives (they add up to 100)."""

    reach: int = 40
    income: int = 30
    continuity: int = 20
    monitored: int = 10


WEIGHTS = Weights()

FORMULA = N_(
    "score = 40 × households linked ÷ the most households linked by an operator of the county and industry"
    " + 30 × median income per linked household ÷ the highest such median there"
    " + 20 × households also linked the year before ÷ households linked"
    " + 10 × monitored households ÷ households linked; each term rounded half-up to 0.01, the score their sum;"
    " ranked within the county, industry and year, equal scores sharing a rank; an operator that linked fewer"
    " households than its county's minimum is flagged"
)
"""The formula in words, as the evaluation's answer states it."""


class Measures(msgspec.Struct, frozen=True, kw_only=True):
    """What one operator did in one county and industry in a year, as the score reads it."""

    group: Hashable
    """The county and industry (and year) whose operators are ranked together."""
    households: int
    """Households linked in the year."""
    median_income: Decimal
    """The median of what each linked household received from the operator in the year (0 for one paid
    nothing)."""
    continuing: int
    """Households linked in the year that the operator had linked the year before too."""
    monitored: int
    """Households linked in the year with a monitoring case open in it."""
    minimum: int
    """The least households the county asks an operator to bring along."""


class Points(msgspec.Struct, frozen=True, kw_only=True):
    reach: Decimal
    income: Decimal
    continuity: Decimal
    monitored: Decimal

    @property
    def total(self) -> Decimal:
        return self.reach + self.income + self.continuity + self.monitored


class Scored(msgspec.Struct, frozen=True, kw_only=True):
    points: Points
    score: Decimal
    rank: int
    """1 for the best of its group; equal scores share a rank."""
    ranked: int
    """How many operators its group ranks."""
    below_minimum: bool
    """Fewer households linked than the county's minimum: short of its duty to bring farmers along."""


def term(weight: int, part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``weight × part ÷ whole``, half-up to 0.01; 0 when ``whole`` is not above 0."""
    if whole <= 0:
        return ZERO
    return (Decimal(weight) * Decimal(part) / Decimal(whole)).quantize(POINT, rounding=ROUND_HALF_UP)


def points(m: Measures, most_households: int, highest_median: Decimal, weights: Weights = WEIGHTS) -> Points:
    """One operator's points, against the most households and the highest median of its group."""
    return Points(
        reach=term(weights.reach, m.households, most_households),
        income=term(weights.income, max(m.median_income, ZERO), highest_median),
        continuity=term(weights.continuity, m.continuing, m.households),
        monitored=term(weights.monitored, m.monitored, m.households),
    )


def ranks(scores: Sequence[Decimal]) -> list[int]:
    """Each score's rank among ``scores``, the highest first, equal scores sharing one (1, 2, 2, 4)."""
    first: dict[Decimal, int] = {}
    for place, score in enumerate(sorted(scores, reverse=True), start=1):
        first.setdefault(score, place)
    return [first[score] for score in scores]


def evaluate(rows: Sequence[Measures], weights: Weights = WEIGHTS) -> list[Scored]:
    """Each row scored against its group's and ranked in it, in the order given."""
    groups: dict[Hashable, list[int]] = {}
    for i, m in enumerate(rows):
        groups.setdefault(m.group, []).append(i)
    out: list[Scored | None] = [None] * len(rows)
    for members in groups.values():
        most = max(rows[i].households for i in members)
        highest = max(rows[i].median_income for i in members)
        scored = [points(rows[i], most, highest, weights) for i in members]
        totals = [p.total for p in scored]
        for i, p, score, rank in zip(members, scored, totals, ranks(totals), strict=True):
            out[i] = Scored(
                points=p,
                score=score,
                rank=rank,
                ranked=len(members),
                below_minimum=rows[i].households < rows[i].minimum,
            )
    return [s for s in out if s is not None]
