from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import msgspec

from app.core.errors import Invalid
from app.core.validation import DecimalIn, check_fraction, clean_name
from app.regions import rules
from app.regions.model import Level
from app.regions.rules import Policy


def check_code(field: str, value: str) -> str:
    """A division code, stripped, or Invalid naming the field."""
    value = value.strip()
    problem = rules.code_problem(value)
    if problem is not None:
        raise Invalid(field, problem)
    return value


class RegionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: str
    """The national division code: 2 (province), 4 (city), 6 (county), 9 (town) or 12 (village) digits."""
    name: str
    parent_code: str | None = None
    """The parent's code; found by prefix when left out (a county: its city when listed, else its province)."""

    def __post_init__(self) -> None:
        self.code = check_code("code", self.code)
        if rules.level_of(self.code) in (Level.town, Level.village):
            # the registry's own tables hold them, with their households: /api/v1/towns and /api/v1/villages
            raise Invalid("code", "towns and villages are added through /api/v1/towns and /api/v1/villages")
        self.name = clean_name("name", self.name, 60)
        if self.parent_code is not None:
            self.parent_code = check_code("parent_code", self.parent_code)
            problem = rules.parent_problem(self.code, self.parent_code)
            if problem is not None:
                raise Invalid("parent_code", problem)


class RegionOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    level: Level
    name: str
    parent_id: int | None
    parent_code: str | None
    created_at: datetime


class CountyPolicyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A county's own policy, whole: a value left out or null is the deployment's setting."""

    continuation_years: int | None = None
    """Years an exited household keeps its links and eligibility (0 to 20; CHAINAID_CONTINUATION_YEARS)."""
    notice_days: int | None = None
    """Days a public notice stands before the town review (1 to 90; CHAINAID_NOTICE_DAYS)."""
    exit_incidence: DecimalIn | None = None
    """A poor village exits below this poverty incidence (a fraction above 0 and below 1;
    CHAINAID_EXIT_INCIDENCE)."""
    min_linked_households: int | None = None
    """The least households an operator must have linked in the county and an industry in a year (联农带农);
    the linkage evaluation flags one with fewer (0 to 100,000; CHAINAID_MIN_LINKED_HOUSEHOLDS)."""
    asset_idle_months: int | None = None
    """An asset in use whose agreement brought no income for this many months is flagged idle (1 to 120;
    CHAINAID_ASSET_IDLE_MONTHS)."""
    asset_distribution_days: int | None = None
    """Days to distribute an asset's income received before it is flagged (1 to 365;
    CHAINAID_ASSET_DISTRIBUTION_DAYS)."""
    asset_arrears_grace_days: int | None = None
    """Days after a year's end before its income short of the agreement's promise is flagged (0 to 365;
    CHAINAID_ASSET_ARREARS_GRACE_DAYS)."""

    def __post_init__(self) -> None:
        if self.continuation_years is not None and not 0 <= self.continuation_years <= 20:
            raise Invalid("continuation_years", "must be 0 to 20 years")
        if self.notice_days is not None and not 1 <= self.notice_days <= 90:
            raise Invalid("notice_days", "must be 1 to 90 days")
        self.exit_incidence = check_fraction("exit_incidence", self.exit_incidence)
        if self.exit_incidence is not None and not 0 < self.exit_incidence < 1:
            raise Invalid("exit_incidence", "must be a fraction above 0 and below 1")
        if self.min_linked_households is not None and not 0 <= self.min_linked_households <= 100_000:
            raise Invalid("min_linked_households", "must be 0 to 100,000 households")
        if self.asset_idle_months is not None and not 1 <= self.asset_idle_months <= 120:
            raise Invalid("asset_idle_months", "must be 1 to 120 months")
        if self.asset_distribution_days is not None and not 1 <= self.asset_distribution_days <= 365:
            raise Invalid("asset_distribution_days", "must be 1 to 365 days")
        if self.asset_arrears_grace_days is not None and not 0 <= self.asset_arrears_grace_days <= 365:
            raise Invalid("asset_arrears_grace_days", "must be 0 to 365 days")


class CountyPolicyOut(msgspec.Struct, kw_only=True):
    county_code: str
    continuation_years: int | None
    notice_days: int | None
    exit_incidence: Decimal | None
    min_linked_households: int | None
    asset_idle_months: int | None
    asset_distribution_days: int | None
    asset_arrears_grace_days: int | None
    """What the county set (null: the setting applies)."""
    effective: Policy
    """What applies: the county's values, else the settings'."""
