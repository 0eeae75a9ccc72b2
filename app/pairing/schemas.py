from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.validation import (
    DecimalIn,
    Id,
    check_count,
    check_day_of_fact,
    check_money,
    check_planned_day,
    check_span,
    check_year,
    clean_name,
    clean_note,
)
from app.pairing.model import SupportKind


class PairingCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    enterprise_id: Id
    village_id: Id
    start_date: date
    end_date: date | None = None

    def __post_init__(self) -> None:
        check_planned_day("start_date", self.start_date)
        check_planned_day("end_date", self.end_date)
        check_span("start_date", self.start_date, "end_date", self.end_date)


class PairingEnd(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    end_date: date

    def __post_init__(self) -> None:
        check_planned_day("end_date", self.end_date)


class PairingOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: Id
    enterprise_name: str
    village_id: Id
    village_name: str
    town_id: Id
    start_date: date
    end_date: date | None
    mode: str
    """Derived: one_enterprise_one_village, several_enterprises_one_village, one_enterprise_several_villages
    or many_to_many, counting the pairings in force today."""
    created_at: datetime


class SupportIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    enterprise_id: Id
    village_id: Id
    kind: SupportKind
    given_on: date
    reference: str
    amount: DecimalIn | None = None
    in_kind: str | None = None
    households_benefited: int = 0
    people_benefited: int = 0
    note: str | None = None

    def __post_init__(self) -> None:
        self.amount = check_money("amount", self.amount, positive=True, ceiling="support")
        self.in_kind = clean_note("in_kind", self.in_kind, 2000)
        self.note = clean_note("note", self.note, 2000)
        self.reference = clean_name("reference", self.reference, 64)
        if self.amount is None and self.in_kind is None:
            raise Invalid("amount", message(N_("give a money amount, an in-kind description, or both")))
        if self.households_benefited < 0:
            raise Invalid("households_benefited", message(N_("must not be negative")))
        check_count("households_benefited", self.households_benefited)
        check_count("people_benefited", self.people_benefited)
        if self.people_benefited < self.households_benefited:
            raise Invalid("people_benefited", message(N_("cannot be fewer than the households benefited")))
        check_day_of_fact("given_on", self.given_on)


class SupportFilter(msgspec.Struct, kw_only=True, frozen=True):
    """Support-record filters, shared by the list and its export."""

    enterprise_id: int | None = None
    village_id: int | None = None
    kind: SupportKind | None = None
    year: int | None = None

    def __post_init__(self) -> None:
        check_year("year", self.year, planned=True)

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "village_id": self.village_id,
            "kind": self.kind and self.kind.value,
            "year": self.year,
        }


class SupportOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: Id
    village_id: Id
    kind: SupportKind
    amount: Decimal | None
    in_kind: str | None
    households_benefited: int
    people_benefited: int
    given_on: date
    note: str | None
    reference: str
    created_at: datetime


class SupportTotal(msgspec.Struct, kw_only=True):
    id: int
    name: str
    year: int
    kind: str
    records: int
    amount: Decimal
    people_benefited: int


class ProgrammeReport(msgspec.Struct, kw_only=True):
    enterprises_paired: int
    villages_paired: int
    poor_villages_paired: int
    poor_villages_without_pairing: list[dict[str, object]]
    by_enterprise: list[SupportTotal]
    by_village: list[SupportTotal]
