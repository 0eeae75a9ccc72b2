"""Importing households and their members (the sheets 贫困户 and 家庭成员), with their history.

Check: every row against its columns' rules and the others (a registry number once, an ID number once and
valid, one head per household, a history in order), then against the database in a few set-based reads
(the villages by code, the households on record by registry number, the ID numbers by the households they
are in). Write: new households, members and their events by COPY; households on record whose row differs
updated, each change audited with before and after; rows that are the same left alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from app.core.identifiers import resident_id_info, validate_bank_card
from app.core.messages import N_, Message, code, message
from app.core.principal import Principal, Role, covers
from app.core.uow import Db, UnitOfWork
from app.imports.files import Problem, Row, SheetRows
from app.imports.outcome import Change, Checked, Source
from app.imports.progress import Phase, Progress
from app.imports.rules import IMPORTABLE, Step, flow_change, history, history_problems
from app.registry import bulk
from app.registry.bulk import PlacedVillage, StoredHousehold
from app.registry.events import HouseholdRemoved

HOUSEHOLD_FIELDS = (
    "village_code",
    "attribute",
    "causes",
    "registered_on",
    "late_addition",
    "address",
    "phone",
    "bank_name",
    "bank_card",
)
MEMBER_FIELDS = ("name", "relation", "labour_ability", "health", "in_school")
_REGISTRY_NO = re.compile(r"[0-9]{8,20}")
EVENT_HOUR = time(9, tzinfo=UTC)  # a day's event stands at 09:00 UTC (17:00 in China), as the demo's do
TEXT_LIMITS = {"address": 200, "phone": 30, "bank_name": 60}


def at(day: date) -> datetime:
    return datetime.combine(day, EVENT_HOUR)


@dataclass
class Incoming:
    """A household row that passed its checks, with its members."""

    row: Row
    village: PlacedVillage
    steps: list[Step]
    members: list[Row] = field(default_factory=list)
    stored: StoredHousehold | None = None
    added_steps: list[Step] = field(default_factory=list)


# the identifiers module's reasons (English, for the API's JSON checks) as messages the console translates
_ID_REASONS = (
    (re.compile(r"must be 18 characters"), N_("must be 18 characters")),
    (re.compile(r"first 17 characters must be digits"), N_("the first 17 characters must be digits")),
    (re.compile(r"last character must be a digit or X"), N_("the last character must be a digit or X")),
    (re.compile(r"invalid birth date (?P<birth>\d+)"), N_("holds an impossible birth date {birth}")),
    (re.compile(r"check character should be (?P<char>\w)"), N_("the check character should be {char}")),
    (re.compile(r"must contain only digits"), N_("must contain only digits")),
    (re.compile(r"must be 12 to 19 digits"), N_("must be 12 to 19 digits")),
)


def reason_of(error: ValueError) -> Message:
    """A check's ``ValueError`` from ``app.core.identifiers`` as a message in the reader's language."""
    text = str(error)
    for pattern, template in _ID_REASONS:
        found = pattern.search(text)
        if found:
            return message(template, **found.groupdict())
    return message(N_("is not valid"))


def _fields_of(row: Row) -> dict[str, Any]:
    v = row.values
    return {
        "village_code": v["village_code"],
        "attribute": v["attribute"],
        "causes": list(v["causes"]),
        "registered_on": v.get("registered_on"),
        "late_addition": bool(v.get("late_addition")),
        "address": v.get("address"),
        "phone": v.get("phone"),
        "bank_name": v.get("bank_name"),
        "bank_card": v.get("bank_card"),
    }


def _member_fields(row: Row) -> dict[str, Any]:
    v = row.values
    return {
        "name": v["name"],
        "relation": v["relation"],
        "labour_ability": v["labour_ability"],
        "health": v.get("health") or "healthy",
        "in_school": bool(v.get("in_school")),
    }


def _differs(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    out = {}
    for k, new in after.items():
        old = before.get(k)
        if k == "causes":
            if sorted(old or []) != sorted(new):
                out[k] = (old, new)
        elif old != new:
            out[k] = (old, new)
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    households, members = sheets["households"], sheets["members"]
    checked = Checked()
    problems = checked.problems
    today = date.today()
    if not members.present:
        problems.append(
            Problem(members.sheet.name, 0, "", message(N_("the sheet is missing: every household needs its members")))
        )

    # the rows on their own
    first_line: dict[str, int] = {}
    good: list[Row] = []
    for row in households.rows:
        v = row.values
        number = v["registry_no"]
        row_problems: list[Problem] = []
        if not _REGISTRY_NO.fullmatch(number):
            row_problems.append(households.problem(row.number, "registry_no", message(N_("must be 8 to 20 digits"))))
        if number in first_line:
            row_problems.append(
                households.problem(row.number, "registry_no", message(N_("repeats row {row}"), row=first_line[number]))
            )
        else:
            first_line[number] = row.number
        if v.get("bank_card") is not None:
            try:
                v["bank_card"] = validate_bank_card(v["bank_card"])
            except ValueError as e:
                row_problems.append(households.problem(row.number, "bank_card", reason_of(e)))
        for column, limit in TEXT_LIMITS.items():
            if v.get(column) is not None and len(v[column]) > limit:
                row_problems.append(
                    households.problem(
                        row.number, column, message(N_("is longer than {limit} characters"), limit=limit)
                    )
                )
        row_problems += [households.problem(row.number, c, m) for c, m in history_problems(v, today)]
        problems += row_problems
        if not row_problems:
            good.append(row)
    progress.checked(len(households.rows))

    file_numbers = set(first_line)
    # households whose row has a cell that could not be read: their problems are named; their members' are not
    # repeated as "no such household"
    unread = {r.values.get("registry_no") for r in households.rejected} - file_numbers
    id_first: dict[str, int] = {}
    members_of: dict[str, list[Row]] = defaultdict(list)
    for row in members.rows:
        v = row.values
        bad = False
        if v["registry_no"] in unread:
            continue
        if v["registry_no"] not in file_numbers:
            problems.append(
                members.problem(
                    row.number, "registry_no", message(N_("no household in the sheet 贫困户 has this number"))
                )
            )
            bad = True
        try:
            info = resident_id_info(v["id_number"], today=today)
            v["id_number"] = v["id_number"].strip().upper()
            v["sex"], v["birth_date"] = info.sex, info.birth_date
        except ValueError as e:
            problems.append(members.problem(row.number, "id_number", reason_of(e)))
            bad = True
        if not bad and v["id_number"] in id_first:
            problems.append(
                members.problem(row.number, "id_number", message(N_("repeats row {row}"), row=id_first[v["id_number"]]))
            )
            bad = True
        elif not bad:
            id_first[v["id_number"]] = row.number
        if len(v["name"]) > 60:
            problems.append(
                members.problem(row.number, "name", message(N_("is longer than {limit} characters"), limit=60))
            )
            bad = True
        if not bad:
            members_of[v["registry_no"]].append(row)
    progress.checked(len(members.rows))

    # against the database: the villages, the households on record, the ID numbers in other households
    villages = await bulk.villages_by_code(db, sorted({r.values["village_code"] for r in good}))
    stored = await bulk.households_by_registry_no(db, sorted(first_line))
    elsewhere = await bulk.members_by_id_number(db, sorted(id_first))

    incoming: list[Incoming] = []
    for row in good:
        v = row.values
        village = villages.get(v["village_code"])
        if village is None:
            problems.append(
                households.problem(
                    row.number, "village_code", message(N_("no village has code {code}"), code=v["village_code"])
                )
            )
            continue
        if not covers(actor, village.county_code) or (
            actor.role is Role.town_officer and village.town_id != actor.town_id
        ):
            problems.append(
                households.problem(row.number, "village_code", message(N_("the village is outside your region")))
            )
            continue
        if checked.county is None:
            checked.county = village.county_code
        elif village.county_code != checked.county:
            problems.append(
                households.problem(
                    row.number,
                    "village_code",
                    message(
                        N_("is in county {county}; an import is for one county ({first})"),
                        county=village.county_code,
                        first=checked.county,
                    ),
                )
            )
            continue
        item = Incoming(row, village, history(v), members_of.get(v["registry_no"], []))
        on_record = stored.get(v["registry_no"])
        if on_record is not None:
            if on_record.county_code != village.county_code:
                problems.append(
                    households.problem(row.number, "registry_no", message(N_("is a household of another county")))
                )
                continue
            if actor.role is Role.town_officer and on_record.town_id != actor.town_id:
                problems.append(
                    households.problem(row.number, "registry_no", message(N_("is a household of another town")))
                )
                continue
            if on_record.status not in IMPORTABLE:
                problems.append(
                    households.problem(
                        row.number,
                        "status",
                        message(
                            N_(
                                "the household is in identification ({status}) on record: it is registered through its steps"
                            ),
                            status=code("household status", on_record.status),
                        ),
                    )
                )
                continue
            item.stored = on_record
            item.added_steps, refusal = flow_change(on_record.status, on_record.history, item.steps)
            if refusal is not None:
                problems.append(households.problem(row.number, *refusal))
                continue
        heads = sum(1 for m in item.members if m.values["relation"] == "head")
        if not item.members and on_record is None:
            problems.append(
                households.problem(row.number, "registry_no", message(N_("has no member in the sheet 家庭成员")))
            )
            continue
        if item.members and heads != 1:
            problems.append(
                households.problem(
                    row.number,
                    "registry_no",
                    message(N_("has {count} heads of household in the sheet 家庭成员; one is needed"), count=heads),
                )
            )
            continue
        for m in item.members:
            other = elsewhere.get(m.values["id_number"])
            if other is not None and other != v["registry_no"]:
                problems.append(
                    members.problem(
                        m.number, "id_number", message(N_("is a member of household {number} on record"), number=other)
                    )
                )
        incoming.append(item)
    if problems:
        return checked

    _plan(checked, incoming, households.columns, members.columns)
    return checked


@dataclass
class OnRecord:
    """A household on record whose file row changes it: its new columns (what is on record, with the
    file's columns that differ), the members to add and to change."""

    item: Incoming
    columns: dict[str, Any]
    added: list[Row]
    member_changes: list[tuple[int, dict[str, Any]]]


def _plan(checked: Checked, incoming: list[Incoming], present: set[str], member_columns: set[str]) -> None:
    """What to write: the new households, and for those on record only what the file's columns change (a
    column the file leaves out is kept as it is on record)."""
    new = [i for i in incoming if i.stored is None]
    checked.created = {"households": len(new), "members": sum(len(i.members) for i in new)}
    unchanged = Counter[str]()
    changed: list[OnRecord] = []
    for item in (i for i in incoming if i.stored is not None):
        stored = item.stored
        assert stored is not None
        fields = {k: v for k, v in _fields_of(item.row).items() if k in present}
        if stored.status == "removed" and item.steps[-1].status == "removed" and "removed_reason" in present:
            fields["removed_reason"] = item.row.values.get("removed_reason")
        on_record = stored.fields | {"removed_reason": stored.removed_reason}
        differs = _differs(on_record, fields)
        columns = {
            **stored.fields,
            "status": stored.status,
            "exited_year": stored.exited_year,
            "removed_reason": stored.removed_reason,
        } | {k: new for k, (_, new) in differs.items()}
        before = {k: _plain(old) for k, (old, _) in differs.items()}
        after = {k: _plain(new) for k, (_, new) in differs.items()}
        if item.added_steps:
            last = item.added_steps[-1]
            columns["status"] = last.status
            before["status"], after["status"] = stored.status, last.status
            exit_step = next((s for s in reversed(item.added_steps) if s.status == "exited"), None)
            if exit_step is not None and exit_step.day.year != stored.exited_year:
                columns["exited_year"] = exit_step.day.year
                before["exited_year"], after["exited_year"] = stored.exited_year, exit_step.day.year
            if last.status == "removed":
                columns["removed_reason"] = item.row.values.get("removed_reason")
                before["removed_reason"], after["removed_reason"] = stored.removed_reason, columns["removed_reason"]
        by_id = {m.id_number: m for m in stored.members}
        added = [m for m in item.members if m.values["id_number"] not in by_id]
        member_changes = []
        for m in item.members:
            known = by_id.get(m.values["id_number"])
            if known is None:
                continue
            kept = {k: getattr(known, k) for k in MEMBER_FIELDS}
            d = _differs(kept, {k: v for k, v in _member_fields(m).items() if k in member_columns})
            if d:
                member_changes.append((known.id, kept | {k: new for k, (_, new) in d.items()}))
                before[f"member {m.values['id_number'][-4:]}"] = {k: old for k, (old, _) in d.items()}
                after[f"member {m.values['id_number'][-4:]}"] = {k: new for k, (_, new) in d.items()}
            else:
                unchanged["members"] += 1
        listed = {m.values["id_number"] for m in item.members}
        kept_members = [m for m in stored.members if m.id_number not in listed and not m.left]
        if kept_members and item.members:
            checked.notes.append(
                message(
                    N_("{number}: {count} member(s) on record are not in the file and are kept"),
                    number=item.row.values["registry_no"],
                    count=len(kept_members),
                )
            )
        if differs or added or member_changes or item.added_steps:
            if added:
                after["members_added"] = [m.values["id_number"] for m in added]
            changed.append(OnRecord(item, columns, added, member_changes))
            checked.changes.append(Change("households", item.row.values["registry_no"], before, after))
            checked.created["members"] = checked.created.get("members", 0) + len(added)
        else:
            unchanged["households"] += 1
    checked.unchanged = dict(unchanged)
    checked.plan = (new, changed)


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    new, changed = checked.plan
    county = checked.county
    assert county is not None or not (new or changed)
    progress.start(Phase.writing)
    now = datetime.now(UTC)
    label = actor.label
    data = json.dumps(
        {"import": source.import_id, "file": source.filename, "sha256": source.sha256}, ensure_ascii=False
    )
    household_ids = await bulk.reserve_ids(uow, "household", len(new))
    member_rows: list[tuple[Any, ...]] = []
    new_members = [m for i in new for m in i.members] + [m for c in changed for m in c.added]
    member_ids = iter(await bulk.reserve_ids(uow, "member", len(new_members)))
    household_rows, events = [], []
    for hid, item in zip(household_ids, new, strict=True):
        v = item.row.values
        exited = next((s.day.year for s in reversed(item.steps) if s.status == "exited"), None)
        household_rows.append(
            (
                hid,
                v["registry_no"],
                item.village.id,
                v["attribute"],
                list(v["causes"]),
                v.get("address"),
                v.get("phone"),
                v.get("bank_name"),
                v.get("bank_card"),
                item.steps[-1].status,
                v.get("registered_on"),
                bool(v.get("late_addition")),
                exited,
                v.get("removed_reason"),
                now,
            )
        )
        previous = None
        for k, step in enumerate(item.steps):
            events.append(
                bulk.event_row(
                    hid,
                    "imported" if k == 0 else "transition",
                    actor.account_id,
                    label,
                    at(step.day),
                    from_status=previous,
                    to_status=step.status,
                    note=v.get("removed_reason") if step.status == "removed" else None,
                    data=data if k == 0 else None,
                )
            )
            previous = step.status
        for m in item.members:
            member_rows.append(_member_row(next(member_ids), hid, m, item.steps[-1].status != "removed", now))
    await bulk.copy_rows(uow, "household", bulk.HOUSEHOLD_COLUMNS, household_rows, county or "")
    progress.written(len(household_rows))

    household_changes, member_changes, removed = [], [], []
    for change in changed:
        item, c = change.item, change.columns
        stored = item.stored
        assert stored is not None
        household_changes.append(
            bulk.HouseholdChange(
                id=stored.id,
                village_id=item.village.id,
                attribute=c["attribute"],
                causes=list(c["causes"]),
                registered_on=c["registered_on"],
                late_addition=bool(c["late_addition"]),
                address=c["address"],
                phone=c["phone"],
                bank_name=c["bank_name"],
                bank_card=c["bank_card"],
                status=c["status"],
                exited_year=c["exited_year"],
                removed_reason=c["removed_reason"],
            )
        )
        previous = stored.status
        for step in item.added_steps:
            events.append(
                bulk.event_row(
                    stored.id,
                    "transition",
                    actor.account_id,
                    label,
                    at(step.day),
                    from_status=previous,
                    to_status=step.status,
                    note=c["removed_reason"] if step.status == "removed" else None,
                    data=data,
                )
            )
            previous = step.status
            if step.status == "removed":
                removed.append((stored.id, step.day))
        for m in change.added:
            member_rows.append(_member_row(next(member_ids), stored.id, m, c["status"] != "removed", now))
            events.append(
                bulk.event_row(
                    stored.id, "member_added", actor.account_id, label, now, note=m.values["name"], data=data
                )
            )
        member_changes += [bulk.MemberChange(member_id, **fields) for member_id, fields in change.member_changes]
    await bulk.update_households(uow, household_changes)
    await bulk.update_members(uow, member_changes)
    await bulk.copy_rows(uow, "member", bulk.MEMBER_COLUMNS, member_rows, county or "")
    progress.written(len(member_rows))
    await bulk.copy_rows(uow, "household_event", bulk.EVENT_COLUMNS, events, county or "")
    # a household removed by the import lets its members go and ends what hangs on it, as a removal does
    await bulk.free_members(uow, [household for household, _ in removed])
    for household, day in removed:
        await uow.emit(HouseholdRemoved(actor=actor, household_id=household, on=day))
    ids = {c.item.row.values["registry_no"]: c.item.stored.id for c in changed if c.item.stored is not None}
    for change in checked.changes:
        stored_id = ids[change.key]
        await uow.audit(
            actor,
            "households.import_update",
            "household",
            stored_id,
            before=change.before,
            after=change.after,
            chain=county,
        )
    progress.written(len(household_changes))


def _member_row(member_id: int, household_id: int, m: Row, active: bool, now: datetime) -> tuple[Any, ...]:
    v = m.values
    f = _member_fields(m)
    return (
        member_id,
        household_id,
        f["name"],
        v["id_number"],
        f["relation"],
        v["sex"],
        v["birth_date"],
        f["labour_ability"],
        f["health"],
        f["in_school"],
        active,
        now,
    )
