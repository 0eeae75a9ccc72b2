"""Administrative division codes (统计用区划代码), pure: no I/O.

A code is ASCII digits; its length says its level: province 2, city 4, county 6, town 9, village 12
(the national scheme pads every code to 12 digits with zeros; here a region keeps only its own digits,
so 42 is Hubei, 429005 Qianjiang, 429005001 a town of Qianjiang). A region's own digits (the part its
parent's code does not cover) are never all zeros.

A region hangs from the region one level up whose code is a prefix of its own, with one level that may be
skipped: a county may hang directly from its province when its city is not in the directory, as the
county-level cities directly under a province do (Qianjiang 429005 under Hubei 42; its digits 3-4, "90",
are the national scheme's "省直辖县级行政区划", not a city of its own). A city, a town and a village never
skip: a city hangs from its province, a town from its county, a village from its town.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from app.regions.model import Level

LENGTHS: dict[Level, int] = {
    Level.province: 2,
    Level.city: 4,
    Level.county: 6,
    Level.town: 9,
    Level.village: 12,
}
_BY_LENGTH = {n: level for level, n in LENGTHS.items()}

# the levels a region of each level may hang from, the preferred first
PARENT_LEVELS: dict[Level, tuple[Level, ...]] = {
    Level.province: (),
    Level.city: (Level.province,),
    Level.county: (Level.city, Level.province),
    Level.town: (Level.county,),
    Level.village: (Level.town,),
}


def code_problem(code: str) -> str | None:
    """What is wrong with a code as a code (digits, a level's length, its own digits), or None."""
    if not code.isascii() or not code.isdigit():
        return "must be ASCII digits"
    if len(code) not in _BY_LENGTH:
        return "must be 2 (province), 4 (city), 6 (county), 9 (town) or 12 (village) digits"
    level = _BY_LENGTH[len(code)]
    own = code[_parent_length(level) :]
    if set(own) == {"0"}:
        return f"the {level.value}'s own digits ({own}) must not all be zeros"
    return None


def level_of(code: str) -> Level:
    """The level a valid code names (its length says it); ValueError for an invalid code."""
    problem = code_problem(code)
    if problem is not None:
        raise ValueError(problem)
    return _BY_LENGTH[len(code)]


def _parent_length(level: Level) -> int:
    """How many leading digits the level one up covers (0 for a province)."""
    order = list(LENGTHS)
    i = order.index(level)
    return LENGTHS[order[i - 1]] if i else 0


def parent_candidates(code: str) -> list[str]:
    """The codes a region of this code may hang from, the preferred first (a county: its city, then its
    province); empty for a province."""
    level = level_of(code)
    return [code[: LENGTHS[up]] for up in PARENT_LEVELS[level]]


def parent_problem(code: str, parent_code: str | None) -> str | None:
    """Why ``parent_code`` may not be the parent of ``code`` (both valid codes), or None when it may."""
    level = level_of(code)
    if parent_code is None:
        return None if level is Level.province else f"a {level.value} needs a parent region"
    if level is Level.province:
        return "a province has no parent region"
    if not code.startswith(parent_code) or parent_code == code:
        return f"the parent's code {parent_code} must be a prefix of {code}"
    parent_level = level_of(parent_code)
    if parent_level not in PARENT_LEVELS[level]:
        allowed = " or ".join(lv.value for lv in PARENT_LEVELS[level])
        return f"a {level.value} hangs from a {allowed}, not a {parent_level.value}"
    return None


def next_code(parent_code: str, level: Level, taken: set[str]) -> str:
    """The first free code of ``level`` under ``parent_code`` (a town under a county: county + 001, 002,
    ...), as the national scheme numbers them; ValueError when all are taken."""
    width = LENGTHS[level] - len(parent_code)
    for n in range(1, 10**width):
        code = f"{parent_code}{n:0{width}d}"
        if code not in taken:
            return code
    raise ValueError(f"no free {level.value} code under {parent_code}")


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    """The policy a county's households and villages are held to (脱贫不脱钩 years, 公示 days, the
    incidence below which a poor village exits), its operators (the least households each must bring
    along, 联农带农) and its project assets' supervision (months without income before an asset counts as
    idle, days to distribute an income, days of grace after a year before its income is in arrears)."""

    continuation_years: int
    notice_days: int
    exit_incidence: Decimal
    min_linked_households: int
    asset_idle_months: int
    asset_distribution_days: int
    asset_arrears_grace_days: int


def effective_policy(
    defaults: Policy,
    *,
    continuation_years: int | None = None,
    notice_days: int | None = None,
    exit_incidence: Decimal | None = None,
    min_linked_households: int | None = None,
    asset_idle_months: int | None = None,
    asset_distribution_days: int | None = None,
    asset_arrears_grace_days: int | None = None,
) -> Policy:
    """A county's policy: each value it set, else the deployment's default (the settings)."""
    return Policy(
        continuation_years=defaults.continuation_years if continuation_years is None else continuation_years,
        notice_days=defaults.notice_days if notice_days is None else notice_days,
        exit_incidence=defaults.exit_incidence if exit_incidence is None else exit_incidence,
        min_linked_households=(
            defaults.min_linked_households if min_linked_households is None else min_linked_households
        ),
        asset_idle_months=defaults.asset_idle_months if asset_idle_months is None else asset_idle_months,
        asset_distribution_days=(
            defaults.asset_distribution_days if asset_distribution_days is None else asset_distribution_days
        ),
        asset_arrears_grace_days=(
            defaults.asset_arrears_grace_days if asset_arrears_grace_days is None else asset_arrears_grace_days
        ),
    )


class CountyPolicies(msgspec.Struct, frozen=True, kw_only=True):
    """Every county's policy at hand, for a use case that touches households of many counties at once."""

    defaults: Policy
    by_county: dict[int, Policy]

    def of(self, county_id: int | None) -> Policy:
        """The county's policy; the defaults for a county with none of its own, or for no county."""
        return self.defaults if county_id is None else self.by_county.get(county_id, self.defaults)
