"""Which tables belong to a county, and where each one's county comes from.

A province runs one deployment; almost every row belongs to one county (统计用区划代码, 6 digits). Each
county-owned table carries that county directly, in a ``county_code`` column (not null, indexed), so a
scope, a list filter, an audit chain and (later) a distributed engine's shard key read it without a
join. A row's county is its parent's: a trigger fills it on insert from the parent named here (a writer
may give it itself, as the bulk loaders do). ``tests/api/test_county_columns.py`` holds the schema to
this table, and ``docs/scale.md`` explains the choice.

Not county-owned, on purpose: the reference tables (``region``, ``industry``, ``poverty_line``,
``county_policy``, ``cross_check_rule``), the departments' records (matched by ID number across the
province), accounts (scoped to a region of any level), the audit trail (chained per county, see
``app.core.uow``), console sessions, and ``payout_batch`` (the trace of one request, whose payouts may
fall in several counties).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COUNTY_COLUMN = "county_code"
COUNTY_DIGITS = 6  # a county's code: province 2, city 4, county 6 (app/regions/rules.py)

# table -> (parent table, the column naming the parent row). The parent's ``county_code`` is the row's
# county; ``region`` is the root: a town's county is the code of its ``county_id`` region. Listed parents
# first: an insert or a backfill in this order always finds its parent's county set.
COUNTY_OWNED: Mapping[str, tuple[str, str]] = {
    "town": ("region", "county_id"),
    "village": ("town", "town"),
    "household": ("village", "village"),
    "member": ("household", "household"),
    "household_event": ("household", "household"),
    "objection": ("household", "household"),
    "exit_assessment": ("household", "household"),
    "hardship_event": ("household", "household"),
    "revisit": ("household", "household"),
    "monitoring_case": ("household", "household"),
    "monitoring_measure": ("monitoring_case", "monitoring_case"),
    "monitoring_visit": ("monitoring_case", "monitoring_case"),
    "cross_check_flag": ("household", "household"),
    "enterprise": ("town", "town"),
    "enterprise_industry": ("enterprise", "enterprise"),
    "base": ("village", "village"),
    "link": ("household", "household"),
    "payout": ("household", "household"),
    "pairing": ("village", "village"),
    "support_record": ("village", "village"),
    "subsidy_scheme": ("region", "county_id"),
    "scheme_rate": ("subsidy_scheme", "scheme"),
    "subsidy_claim": ("household", "household"),
    "voucher": ("subsidy_claim", "claim"),
    "payment_batch": ("subsidy_scheme", "scheme"),
    "payment_line": ("payment_batch", "batch"),
    "notice": ("village", "village"),
    "notice_entry": ("notice", "notice"),
    "notice_objection": ("notice", "notice"),
    "asset": ("village", "village"),
    "asset_funding": ("asset", "asset"),
    "asset_ownership": ("asset", "asset"),
    "asset_owner": ("asset_ownership", "ownership"),
    "asset_agreement": ("asset", "asset"),
    "asset_beneficiary": ("asset_agreement", "agreement"),
    "asset_income": ("asset_agreement", "agreement"),
    "asset_distribution": ("asset_income", "income"),
    "asset_evidence": ("asset", "asset"),
    "asset_disposal": ("asset", "asset"),
    "asset_beneficiary_decision": ("asset_agreement", "agreement"),
}

# The tables that are not, and why (the schema test holds every table to one list or the other).
NOT_COUNTY_OWNED: Mapping[str, str] = {
    "region": "reference: the division tree itself",
    "county_policy": "reference: one row per county, keyed by the county region",
    "industry": "reference",
    "poverty_line": "reference: per province and year",
    "monitoring_round": "a county's round, keyed by its county region",
    "monitoring_line": "reference: per province, or per county where the province delegates, and year",
    "cross_check_rule": "reference: the deployment's rules",
    "department_record": "departments' records, matched by ID number across the province",
    "account": "scoped to a region of any level, an enterprise or a town",
    "console_session": "an account's session",
    "audit_entry": "chained per county in its own column (chain)",
    "payout_batch": "the trace of one request, whose payouts may fall in several counties",
    "import_job": "an account's import: its county is known only once its rows are read (column county, then)",
}

# County-owned tables kept by a trigger rather than filled from a parent: the payout ledger summed per
# county, day and income type (the overview's source).
COUNTY_SUMMARIES = ("payout_day",)


def county_prefix_pattern(region_code: str) -> str:
    """The LIKE pattern of the counties under a region code (2, 4 or 6 digits): ``4290%``. Region codes are
    digits only (checked where they come in), so nothing in one needs escaping."""
    if not region_code.isdigit():
        raise ValueError(f"not a region code: {region_code!r}")
    return region_code[:6] + "%"


def county_range(region_code: str) -> tuple[str, str]:
    """The county codes under a region code (2, 4 or 6 digits) as a half-open range: ``('4290', '4291')``
    holds exactly the codes ``LIKE '4290%'``. Codes are ASCII digits and ``county_code`` is collated "C"
    (bytewise), so every code that starts with the prefix sorts from the prefix up to, not including, the
    prefix with its last digit raised by one (``'9'`` becomes ``':'``, the byte after it)."""
    if not (region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"not a region code: {region_code!r}")
    low = region_code[:6]
    return low, low[:-1] + chr(ord(low[-1]) + 1)


def county_clause(column: str, region_code: str | None, args: list[Any], *, keyword: str = "AND") -> str:
    """The SQL narrowing a list to the counties under ``region_code``, its bounds appended to ``args`` as the
    statement's next parameters (``AND h.county_code >= $4 COLLATE "C" AND h.county_code < $5 COLLATE "C"``); empty for None (the
    caller's lists are not narrowed by county). The one way every list and export applies a principal's
    region.

    It is ``county_code LIKE '4290%'`` written as the range the index reads (``county_range``), because the
    bounds are parameters: a cached, generic plan of ``LIKE $4`` cannot turn an unknown pattern into an
    index range and scans the table, while ``>= $4 AND < $5`` is an index range in every plan. The condition
    is spliced in only when there is a region (never a ``$n IS NULL OR ...`` to plan both ways). ``column``
    is a column name written in the query's code, never input."""
    if region_code is None:
        return ""
    low, high = county_range(region_code)
    args.extend((low, high))
    # compared bytewise (collation "C", the county columns' own) whatever the column's collation: a
    # language's collation may skip the ':' of an upper bound
    return f' {keyword} {column} >= ${len(args) - 1} COLLATE "C" AND {column} < ${len(args)} COLLATE "C"'
