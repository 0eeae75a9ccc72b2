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
