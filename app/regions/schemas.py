from __future__ import annotations

from datetime import datetime

import msgspec

from app.core.errors import Invalid
from app.core.validation import clean_name
from app.regions import rules
from app.regions.model import Level


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
