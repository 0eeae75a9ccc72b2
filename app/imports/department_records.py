"""Importing department records (the sheet 部门比对数据): other departments' facts about people, for the
cross-check (比对).

Check: every row as the cross-check's API import checks it (``app.crosscheck.schemas.DepartmentRecordIn``:
department and item codes, the ID number's check digit, a day of fact), each fact once in the file, and the
facts stored already read in one statement: the same value is left as it is, another value for the same
fact (department, item, person, day) is a problem, since a department's fact as of a day is a record, not a
row to overwrite. Write: what the API's import does (``app.crosscheck.service.record_and_match``), in the
import's transaction: the new records in one INSERT ... SELECT, then the matching against the register
that flags households and notes each flag in its household's history.

Department records belong to no county (they are matched by ID number across the province): an
administrator imports them (``app.imports.service.KIND_ROLES``), as the API's import, and the import's
audit entry goes to the province's chain, as the API import's does.
"""

from __future__ import annotations

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.principal import Principal
from app.core.uow import Db, UnitOfWork
from app.crosscheck import bulk, service
from app.crosscheck.schemas import DepartmentRecordIn
from app.imports.files import SheetRows
from app.imports.outcome import Checked, Source
from app.imports.progress import Phase, Progress
from app.imports.reasons import invalid_reason

SHEET = "department_records"


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    sheet = sheets[SHEET]
    checked = Checked()
    problems = checked.problems
    records: list[tuple[int, DepartmentRecordIn]] = []
    first: dict[bulk.FactKey, int] = {}
    columns = {c.name for c in sheet.sheet.columns}
    for row in sheet.rows:
        v = row.values
        try:
            record = DepartmentRecordIn(
                department=v["department"],
                item=v["item"],
                id_number=v["id_number"],
                as_of=v["as_of"],
                value=v.get("value"),
            )
        except Invalid as e:
            problems.append(sheet.problem(row.number, e.field if e.field in columns else None, invalid_reason(e)))
            continue
        key = (record.department, record.item, record.id_number, record.as_of)
        if key in first:
            problems.append(sheet.problem(row.number, "id_number", message(N_("repeats row {row}"), row=first[key])))
            continue
        first[key] = row.number
        records.append((row.number, record))
    progress.checked(len(sheet.rows))

    stored = await bulk.stored_values(db, sorted(first))
    new: list[DepartmentRecordIn] = []
    unchanged = 0
    for number, record in records:
        key = (record.department, record.item, record.id_number, record.as_of)
        if key not in stored:
            new.append(record)
        elif stored[key] == record.value:
            unchanged += 1
        else:
            problems.append(
                sheet.problem(
                    number,
                    "value",
                    message(
                        N_(
                            "differs from the record of this fact (the department, item, person and day); a fact"
                            " on record is not changed by import"
                        )
                    ),
                )
            )
    if problems:
        return checked
    checked.created = {SHEET: len(new)}
    checked.unchanged = {SHEET: unchanged}
    checked.plan = new
    return checked


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    records: list[DepartmentRecordIn] = checked.plan
    progress.start(Phase.writing)
    result = await service.record_and_match(uow, actor, records)
    progress.written(result.records_new)
    checked.notes.append(
        message(
            N_("{flags} cross-check flag(s) raised in {households} household(s)"),
            flags=result.flags_created,
            households=len(result.households_flagged),
        )
    )
