from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from app.core.errors import Invalid
from app.core.identifiers import validate_resident_id
from app.core.validation import DecimalIn, Id, check_day_of_fact, check_quantity, clean_name, clean_note, clean_optional
from app.crosscheck.model import FlagStatus


class DepartmentRecordIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One fact another department holds about a person (比对数据)."""

    department: str
    item: str
    id_number: str
    as_of: date
    value: str | None = None

    def __post_init__(self) -> None:
        self.department = clean_name("department", self.department, 40).lower()
        self.item = clean_name("item", self.item, 60).lower()
        self.value = clean_optional("value", self.value, 200)
        check_day_of_fact("as_of", self.as_of)
        try:
            self.id_number = validate_resident_id(self.id_number)
        except (ValueError, TypeError) as exc:
            raise Invalid("id_number", str(exc)) from None


class ImportResult(msgspec.Struct, kw_only=True):
    records_received: int
    records_new: int
    flags_created: int
    households_flagged: list[int]


class RuleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    department: str
    item: str
    description: str
    min_value: DecimalIn | None = None
    """When set, only a numeric value above it makes the household ineligible."""
    active: bool = True

    def __post_init__(self) -> None:
        self.department = clean_name("department", self.department, 40).lower()
        self.item = clean_name("item", self.item, 60).lower()
        self.description = clean_name("description", self.description, 200)
        self.min_value = check_quantity("min_value", self.min_value, positive=False, digits=12, ceiling="threshold")


class RuleOut(msgspec.Struct, kw_only=True):
    id: int
    department: str
    item: str
    description: str
    min_value: Decimal | None
    active: bool


class FlagOut(msgspec.Struct, kw_only=True):
    id: int
    household_id: Id
    member_id: Id
    member_name: str
    rule_id: Id
    rule: str
    evidence: dict[str, Any]
    status: FlagStatus
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    note: str | None


class FlagResolve(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    note: str | None = None

    def __post_init__(self) -> None:
        self.note = clean_note("note", self.note, 4000)
