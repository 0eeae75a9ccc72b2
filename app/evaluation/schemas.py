"""The linkage evaluation's answer: one row per operator, county, industry and year, and the formula."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from app.enterprises.model import EnterpriseKind
from app.evaluation.rules import Points, Weights


class LinkageRow(msgspec.Struct, kw_only=True):
    """An operator's year in one county and one industry: who it brought along, what reached them, and its
    score and rank among the county's operators of the industry."""

    enterprise_id: int
    enterprise_name: str
    enterprise_kind: EnterpriseKind
    county_code: str
    county_name: str
    industry: str
    """The industry's code (its bases' industry)."""
    industry_name_zh: str
    industry_name_en: str
    year: int
    households_linked: int
    """Households with a link to the operator's bases of the industry in force on some day of the year (an
    exited household's links end with its policy continuation)."""
    households_by_kind: dict[str, int]
    """Households linked, by the kind of link (a household linked in two ways counts under both)."""
    households_registered: int
    """Of the households linked, those on the poverty register (建档立卡: registered, exited or returned) at the
    end of the year (today, for this year)."""
    households_monitored: int
    """Of the households linked, those with a monitoring case open on some day of the year (applied by its
    end, its risk not eliminated before its start)."""
    households_paid: int
    """Households the operator paid more than nothing in the year (net of reversals)."""
    income_total: Decimal
    """Every payout of the year (by the day paid, reversals netting out) under the operator's links of the
    county and industry, of every income type; subsidies are not payouts and are not in it."""
    income_mean: Decimal
    """``income_total`` ÷ ``households_linked``, half-up to the fen."""
    income_median: Decimal
    """The median of what each household linked received in the year, one paid nothing counting 0."""
    asset_income: Decimal
    """The part of ``income_total`` paid as ``asset_income``: the return of project assets the operator runs."""
    assets_operated: int
    """Project assets the operator ran in the year in the county and industry: an operating agreement of the
    asset naming it in force on some day of the year (the industry of the agreement's base), the asset not
    disposed of before the year began. Their return to households is ``asset_income``."""
    households_continuing: int
    """Households linked in the year that the operator (through any of its bases) had linked the year before."""
    continuing_share: Decimal
    """``households_continuing`` ÷ ``households_linked``, to 4 places."""
    points: Points
    """The score's terms (see ``formula``)."""
    score: Decimal
    rank: int
    """Among the operators of the county and industry in the year: 1 the best, equal scores sharing a rank."""
    ranked: int
    """How many operators the county and industry rank in the year."""
    min_households: int
    """The least households the county asks an operator to bring along (its policy, else the setting)."""
    below_minimum: bool
    """``households_linked`` < ``min_households``: short of its duty."""


class LinkageEvaluation(msgspec.Struct, kw_only=True):
    """A page of the evaluation (by county, industry and rank), with what it was asked for and how it scores."""

    year: int
    region: str | None
    """The region the rows are in (the caller's own when none was asked for; null: every county)."""
    industry: str | None
    formula: str
    weights: Weights
    items: list[LinkageRow]
    total: int
    limit: int
    offset: int
