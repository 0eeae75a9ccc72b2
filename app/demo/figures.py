"""The figures the demo reproduces (潜江市 2014 建档立卡 and after), and how households are made to fit them."""

from __future__ import annotations

import random
from dataclasses import dataclass

TOWNS = [
    "园林街道",
    "杨市街道",
    "周矶街道",
    "广华街道",
    "泰丰街道",
    "高场街道",
    "竹根滩镇",
    "渔洋镇",
    "王场镇",
    "高石碑镇",
    "熊口镇",
    "老新镇",
    "浩口镇",
    "积玉口镇",
    "张金镇",
    "龙湾镇",
    "后湖管理区",
    "熊口管理区",
    "总口管理区",
    "白鹭湖管理区",
    "运粮湖管理区",
    "周矶管理区",
]
VILLAGES_PER_TOWN = 8
POOR_VILLAGES = 51
EXITED_VILLAGES = 27
HOUSEHOLDS = 22_108
PEOPLE = 64_052
PEOPLE_EXITED = 24_399
PEOPLE_REMOVED = 1_691
PEOPLE_ADDED_LATE = 1_691
ENTERPRISES = 42
RETURNED_HOUSEHOLDS = 200


@dataclass(frozen=True, slots=True)
class HouseholdPlan:
    category: str  # exited, returned, late, registered, removed
    size: int


def household_plan() -> list[HouseholdPlan]:
    """Households by category and size, adding up exactly to the report's figures.

    Exited: 24,399 people = 8,133 households of 3. Late additions and removals: 1,691 people =
    563 households of 3 and one of 2, each. The rest of the register makes 22,108 households and
    64,052 people with households of 2 and 3.
    """
    plan = [HouseholdPlan("exited", 3)] * (PEOPLE_EXITED // 3)
    plan += [HouseholdPlan("returned", 3)] * RETURNED_HOUSEHOLDS
    plan += [HouseholdPlan("late", 3)] * 563 + [HouseholdPlan("late", 2)]
    on_register = len(plan)
    people_so_far = sum(p.size for p in plan)
    rest_households = HOUSEHOLDS - on_register
    rest_people = PEOPLE - people_so_far
    pairs = 3 * rest_households - rest_people  # households of 2 among the rest
    plan += [HouseholdPlan("registered", 2)] * pairs + [HouseholdPlan("registered", 3)] * (rest_households - pairs)
    plan += [HouseholdPlan("removed", 3)] * 563 + [HouseholdPlan("removed", 2)]
    random.Random(2014).shuffle(plan)  # spread the categories over the villages, the same way every time
    return plan


def check_plan(plan: list[HouseholdPlan]) -> None:
    on_register = [p for p in plan if p.category != "removed"]
    assert len(on_register) == HOUSEHOLDS
    assert sum(p.size for p in on_register) == PEOPLE
    assert sum(p.size for p in plan if p.category == "exited") == PEOPLE_EXITED
    assert sum(p.size for p in plan if p.category == "removed") == PEOPLE_REMOVED
    assert sum(p.size for p in plan if p.category == "late") == PEOPLE_ADDED_LATE
