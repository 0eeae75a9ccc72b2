"""The registry domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class HouseholdStatus(str, enum.Enum):
    # identification (识别程序)
    applied = "applied"
    surveyed = "surveyed"
    reviewed = "reviewed"  # democratic review (民主评议)
    notice = "notice"  # public notice (公示)
    town_reviewed = "town_reviewed"
    registered = "registered"  # 建档立卡, after city approval
    # dynamic adjustment (动态调整)
    exited = "exited"  # 脱贫
    returned = "returned"  # 返贫
    removed = "removed"  # 清退
    # outside the register
    ordinary = "ordinary"  # 一般农户: never registered; monitored as 边缘易致贫户 (app/monitoring)


class Attribute(str, enum.Enum):
    ordinary = "ordinary"  # 一般贫困户
    dibao = "dibao"  # 低保贫困户
    tekun = "tekun"  # 特困供养贫困户


class Cause(str, enum.Enum):
    """致贫原因, the fixed list of the national registry."""

    illness = "illness"
    disability = "disability"
    schooling = "schooling"
    disaster = "disaster"
    lack_of_land = "lack_of_land"
    lack_of_water = "lack_of_water"
    lack_of_skills = "lack_of_skills"
    lack_of_labour = "lack_of_labour"
    lack_of_capital = "lack_of_capital"
    poor_transport = "poor_transport"
    lack_of_drive = "lack_of_drive"
    other = "other"


class RemovalReason(str, enum.Enum):
    cross_check_hit = "cross_check_hit"
    wrongly_included = "wrongly_included"
    moved_away = "moved_away"
    deceased = "deceased"
    duplicate = "duplicate"
    other = "other"


class Relation(str, enum.Enum):
    head = "head"
    spouse = "spouse"
    child = "child"
    child_in_law = "child_in_law"
    grandchild = "grandchild"
    parent = "parent"
    grandparent = "grandparent"
    sibling = "sibling"
    other = "other"


class LabourAbility(str, enum.Enum):
    full = "full"  # 普通劳动力
    skilled = "skilled"  # 技能劳动力
    partial = "partial"  # 弱劳动力或半劳动力
    none = "none"  # 丧失劳动力 / 无劳动力


class Health(str, enum.Enum):
    healthy = "healthy"
    chronic_illness = "chronic_illness"
    serious_illness = "serious_illness"
    disabled = "disabled"


class LeaveReason(str, enum.Enum):
    deceased = "deceased"
    moved_away = "moved_away"
    married_out = "married_out"
    other = "other"
