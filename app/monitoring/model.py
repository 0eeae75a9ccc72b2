"""The monitoring domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class Verification(str, enum.Enum):
    full_survey = "full_survey"
    spot_check = "spot_check"
    third_party = "third_party"


class HardshipKind(str, enum.Enum):
    illness = "illness"
    disaster = "disaster"
    accident = "accident"
    other = "other"


class Trigger(str, enum.Enum):
    low_income = "low_income"
    hardship = "hardship"
    link_ended = "link_ended"


class Outcome(str, enum.Enum):
    stable = "stable"
    support_added = "support_added"
    returned = "returned"


class Channel(str, enum.Enum):
    """How a case came to the office."""

    self_report = "self_report"  # the household applied
    visit = "visit"  # a cadre's visit or monthly check
    department = "department"  # a department's warning (the cross-check)
    watch = "watch"  # the exited-household watch: income under the line


class CaseState(str, enum.Enum):
    identifying = "identifying"  # its identification steps under way
    monitored = "monitored"  # approved by the county: a monitored household
    eliminating = "eliminating"  # its risk-elimination steps under way (still monitored)
    eliminated = "eliminated"  # the risk marked eliminated (风险消除): the record stays


class MeasureKind(str, enum.Enum):
    """帮扶措施: development measures for households with labour, social protection for those without, and
    the guarantees (education, housing, water) where one is at risk."""

    industry = "industry"  # a benefit link or a subsidy claim in ChainAid
    employment = "employment"  # a job (a wage link, public-welfare post)
    training = "training"
    microcredit = "microcredit"
    dibao = "dibao"  # 低保
    tekun = "tekun"  # 特困供养
    temporary_assistance = "temporary_assistance"  # 临时救助
    medical_assistance = "medical_assistance"  # 医疗救助
    education = "education"
    housing = "housing"
    drinking_water = "drinking_water"
    other = "other"
