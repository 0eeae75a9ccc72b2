"""The crosscheck domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class FlagStatus(str, enum.Enum):
    open = "open"  # waiting for the town to confirm or dismiss
    confirmed = "confirmed"  # the hit is real: the household is removed (清退)
    dismissed = "dismissed"  # a false hit, with a note
