"""The pairing domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class SupportKind(str, enum.Enum):
    industry = "industry"
    employment = "employment"
    training = "training"
    donation = "donation"
    consumption = "consumption"
    other = "other"
