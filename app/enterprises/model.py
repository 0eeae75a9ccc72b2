"""The enterprises domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class EnterpriseKind(str, enum.Enum):
    enterprise = "enterprise"
    cooperative = "cooperative"
    family_farm = "family_farm"
