from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from app.core.errors import Invalid
from app.core.identifiers import validate_bank_card, validate_resident_id
from app.core.validation import (
    DecimalIn,
    Id,
    check_count,
    check_day_of_fact,
    check_money,
    check_phone,
    check_registry_no,
    check_year,
    clean_name,
    clean_note,
    clean_optional,
)
from app.regions.rules import code_problem
from app.registry.model import (
    Attribute,
    Cause,
    Health,
    HouseholdStatus,
    LabourAbility,
    LeaveReason,
    Relation,
    RemovalReason,
)

# ---- towns and villages ------------------------------------------------------------


def _division_code(field: str, value: str | None, length: int, what: str) -> str | None:
    """A town's (9) or village's (12) national division code, or Invalid naming the field."""
    if value is None:
        return None
    value = value.strip()
    problem = code_problem(value)
    if problem is None and len(value) != length:
        problem = f"a {what} code is {length} digits"
    if problem is not None:
        raise Invalid(field, problem)
    return value


class TownCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    county_id: Id | None = None
    """The county (a region of level county) the town is in; may be left out while the directory holds one
    county (the town goes there) or none (the town waits for ``chainaid regions adopt``)."""
    code: str | None = None
    """The national 9-digit town code, starting with its county's; left out, the next free one is given."""

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 60)
        self.code = _division_code("code", self.code, 9, "town")


class TownOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    code: str | None
    county_id: int | None
    created_at: datetime


class VillageCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    town_id: Id
    name: str
    is_poor_village: bool = False
    registered_year: int | None = None
    rural_population: int | None = None
    code: str | None = None
    """The national 12-digit village code: its town's code + 3 digits; left out, the next free one."""

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 60)
        self.code = _division_code("code", self.code, 12, "village")
        check_year("registered_year", self.registered_year)
        if self.is_poor_village and self.registered_year is None:
            raise Invalid("registered_year", "a poor village needs the year it was registered")
        if not self.is_poor_village and self.registered_year is not None:
            raise Invalid("registered_year", "only a poor village has a registration year")
        if self.rural_population is not None and self.rural_population < 0:
            raise Invalid("rural_population", "must not be negative")
        check_count("rural_population", self.rural_population)


class VillageUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str | None = None
    rural_population: int | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            self.name = clean_name("name", self.name, 60)
        if self.rural_population is not None and self.rural_population < 0:
            raise Invalid("rural_population", "must not be negative")
        check_count("rural_population", self.rural_population)


class VillageListing(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    registered_year: int

    def __post_init__(self) -> None:
        check_year("registered_year", self.registered_year)


class VillageExit(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    year: int

    def __post_init__(self) -> None:
        check_year("year", self.year)


class VillageOut(msgspec.Struct, kw_only=True):
    id: int
    town_id: Id
    code: str | None
    county_id: int | None
    name: str
    is_poor_village: bool
    registered_year: int | None
    exited_year: int | None
    rural_population: int | None
    created_at: datetime


# ---- households ------------------------------------------------------------------------


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    id_number: str
    relation: Relation
    labour_ability: LabourAbility
    health: Health = Health.healthy
    in_school: bool = False

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 60)
        try:
            self.id_number = validate_resident_id(self.id_number)
        except (ValueError, TypeError) as exc:
            raise Invalid("id_number", str(exc)) from None


class HouseholdCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    registry_no: str
    village_id: Id
    attribute: Attribute
    causes: list[Cause]
    members: list[MemberIn]
    address: str | None = None
    phone: str | None = None
    bank_name: str | None = None
    bank_card: str | None = None
    late_addition: bool = False
    """补录: identified after the first round; the date is the day it is registered."""

    def __post_init__(self) -> None:
        self.registry_no = check_registry_no("registry_no", self.registry_no)
        _check_causes_and_members(self.causes, self.members)
        self.address, self.phone, self.bank_name, self.bank_card = _contact(
            self.address, self.phone, self.bank_name, self.bank_card
        )


class OrdinaryHouseholdCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An ordinary household (一般农户), never registered as poor, taken into the registry so that monitoring
    can follow it (边缘易致贫户). It gets a local number (``M`` + county code + sequence), the attribute
    ``ordinary`` and no identification steps; its members are checked as a registered household's are."""

    village_id: Id
    causes: list[Cause]
    """What puts the household at risk, from the registry's list of causes."""
    members: list[MemberIn]
    address: str | None = None
    phone: str | None = None
    bank_name: str | None = None
    bank_card: str | None = None

    def __post_init__(self) -> None:
        _check_causes_and_members(self.causes, self.members)
        self.address, self.phone, self.bank_name, self.bank_card = _contact(
            self.address, self.phone, self.bank_name, self.bank_card
        )


def _check_causes_and_members(causes: list[Cause], members: list[MemberIn]) -> None:
    """The rules every new household keeps: a cause at least, each once; one head; no ID number twice."""
    if not causes:
        raise Invalid("causes", "at least one poverty cause is needed")
    if len(set(causes)) != len(causes):
        raise Invalid("causes", "a cause is listed twice")
    if not members:
        raise Invalid("members", "a household has at least one member, its head")
    heads = [i for i, m in enumerate(members) if m.relation is Relation.head]
    if len(heads) != 1:
        raise Invalid("members", f"exactly one member must be the head (relation 'head'), found {len(heads)}")
    seen: dict[str, int] = {}
    for i, m in enumerate(members):
        if m.id_number in seen:
            raise Invalid(f"members[{i}].id_number", f"the same ID number as members[{seen[m.id_number]}]")
        seen[m.id_number] = i


def _contact(
    address: str | None, phone: str | None, bank_name: str | None, bank_card: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """The optional contact and bank details, cleaned (in this order, as they always were)."""
    address = clean_optional("address", address, 200)
    phone = check_phone("phone", phone)
    bank_name = clean_optional("bank_name", bank_name, 60)
    if bank_card is not None:
        try:
            bank_card = validate_bank_card(bank_card)
        except (ValueError, TypeError) as exc:
            raise Invalid("bank_card", str(exc)) from None
    return address, phone, bank_name, bank_card


class MemberOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    id_number: str
    relation: Relation
    sex: str
    birth_date: date | None
    """Left out (null) in the view operators get."""
    labour_ability: LabourAbility
    health: Health | None
    in_school: bool
    left_on: date | None = None
    """The day the member left the household (died, moved away, married out); not counted from then."""
    left_reason: str | None = None


class MemberLeave(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: LeaveReason
    left_on: date
    new_head_id: Id | None = None
    """When the head leaves: the member who becomes head."""
    note: str | None = None

    def __post_init__(self) -> None:
        self.note = clean_note("note", self.note, 2000)
        check_day_of_fact("left_on", self.left_on)


class HouseholdOut(msgspec.Struct, kw_only=True):
    id: int
    registry_no: str
    village_id: Id
    village_name: str
    town_id: Id
    town_name: str
    attribute: Attribute
    causes: list[Cause]
    status: HouseholdStatus
    head_name: str | None
    people: int
    late_addition: bool
    registered_on: date | None
    exited_year: int | None
    removed_reason: RemovalReason | None
    open_flags: int
    created_at: datetime


class EventOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    from_status: HouseholdStatus | None
    to_status: HouseholdStatus | None
    actor_label: str
    at: datetime
    note: str | None
    data: Any


class ObjectionOut(msgspec.Struct, kw_only=True):
    id: int
    raised_by: str
    content: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution_note: str | None


class HouseholdFlag(msgspec.Struct, kw_only=True):
    """A cross-check flag as the household detail shows it; the cross-check domain supplies them
    (see ``FlagReader`` in household_service), the registry only says what it shows."""

    id: int
    household_id: Id
    member_id: Id
    member_name: str
    rule_id: Id
    rule: str
    evidence: dict[str, Any]
    status: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    note: str | None


class HouseholdDetail(HouseholdOut, kw_only=True):
    address: str | None
    phone: str | None
    bank_name: str | None
    bank_card: str | None
    notice_started_at: datetime | None
    notice_ends_at: datetime | None
    members: list[MemberOut]
    events: list[EventOut]
    objections: list[ObjectionOut]
    flags: list[HouseholdFlag]


class TransitionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    to: HouseholdStatus
    note: str | None = None
    exit_year: int | None = None
    reason: RemovalReason | None = None

    def __post_init__(self) -> None:
        self.note = clean_note("note", self.note, 2000)
        check_year("exit_year", self.exit_year)


class ObjectionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    raised_by: str
    content: str

    def __post_init__(self) -> None:
        self.raised_by = clean_name("raised_by", self.raised_by, 100)
        self.content = clean_name("content", self.content, 4000, multiline=True)


class ObjectionResolve(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    note: str

    def __post_init__(self) -> None:
        self.note = clean_name("note", self.note, 4000, multiline=True)


class HouseholdFilter(msgspec.Struct, kw_only=True, frozen=True):
    town_id: Id | None = None
    village_id: Id | None = None
    status: HouseholdStatus | None = None
    """None: every status but ``ordinary``, which a list shows only when asked for."""
    attribute: Attribute | None = None
    cause: Cause | None = None
    late_addition: bool | None = None
    flagged: bool | None = None
    region: str | None = None
    """A division code: the households of a province, city or county (2, 4, 6 digits), a town (9) or a
    village (12)."""


class HouseholdCounts(msgspec.Struct, kw_only=True):
    households: int
    people: int
    by_status: dict[str, int]
    by_attribute: dict[str, int]


class PovertyLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: DecimalIn
    province_code: str | None = None
    """The province (2 digits) whose own line this is; left out, the national line."""

    def __post_init__(self) -> None:
        if self.province_code is not None:
            self.province_code = self.province_code.strip()
            if code_problem(self.province_code) is not None or len(self.province_code) != 2:
                raise Invalid("province_code", "a province code is 2 digits")

        self.amount = check_money("amount", self.amount, positive=True, ceiling="income")


class PovertyLineOut(msgspec.Struct, kw_only=True):
    year: int
    amount: Decimal
    province_code: str | None = None
    """The province whose own line this is; null for the national line."""
