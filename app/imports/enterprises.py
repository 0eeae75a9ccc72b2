"""Importing enterprises, cooperatives and family farms (the sheet 经营主体).

Check: every row's name, credit code (its GB 32100 check character), contacts and industries by the same
checks the API's ``EnterpriseCreate`` makes, a credit code once in the file; then against the database in
one read per reference set (the towns by code, the industries by code, the enterprises on record by credit
code). Write: new enterprises and their industries by COPY; enterprises on record whose row differs updated,
each change audited with before and after; an industry the file adds is added, one it leaves out is kept
(a base may be in it) and said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.errors import Invalid
from app.core.identifiers import validate_credit_code
from app.core.messages import N_, message
from app.core.principal import Principal, covers
from app.core.uow import Db, UnitOfWork
from app.core.validation import check_phone, clean_name, clean_optional
from app.enterprises import bulk
from app.enterprises.bulk import StoredEnterprise
from app.imports.checks import FirstRows, codes_in, in_the_county, keep_absent, plain, reason_of
from app.imports.files import Row, SheetRows
from app.imports.outcome import Change, Checked, Source
from app.imports.progress import Phase, Progress
from app.industries import service as industries
from app.registry import bulk as registry_bulk
from app.registry.bulk import PlacedTown


@dataclass
class Incoming:
    row: Row
    town: PlacedTown
    industry_ids: dict[str, int]
    """The row's industries: code -> id."""
    stored: StoredEnterprise | None = None


def _fields_of(row: Row) -> dict[str, Any]:
    return {k: row.values.get(k) for k in bulk.FIELDS}


def _clean(sheet: SheetRows, row: Row) -> list[Any]:
    """The row's values made as the API makes them (a credit code upper case, names stripped); the problems."""
    v = row.values
    problems = []
    checks = (
        ("name", lambda: clean_name("name", v["name"], 120)),
        ("credit_code", lambda: validate_credit_code(v["credit_code"])),
        ("contact_name", lambda: clean_optional("contact_name", v.get("contact_name"), 60)),
        ("contact_phone", lambda: check_phone("contact_phone", v.get("contact_phone"))),
    )
    for column, check in checks:
        try:
            v[column] = check()
        except (Invalid, ValueError) as e:
            problems.append(sheet.problem(row.number, column, reason_of(e)))
    v["industries"] = codes_in(v["industries"])
    if not v["industries"]:
        problems.append(
            sheet.problem(row.number, "industries", message(N_("an enterprise works in at least one industry")))
        )
    return problems


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    sheet = sheets["enterprises"]
    checked = Checked()
    problems = checked.problems

    seen = FirstRows()
    good: list[Row] = []
    for row in sheet.rows:
        row_problems = _clean(sheet, row)
        if not row_problems and (repeated := seen.repeats(sheet, row, "credit_code", row.values["credit_code"])):
            row_problems.append(repeated)
        problems += row_problems
        if not row_problems:
            good.append(row)
    progress.checked(len(sheet.rows))

    towns = await registry_bulk.towns_by_code(db, sorted({r.values["town_code"] for r in good}))
    known = {
        i.code: i.id
        for i in await industries.industries_by_code(db, sorted({c for r in good for c in r.values["industries"]}))
    }
    stored = await bulk.enterprises_by_credit_code(db, sorted({r.values["credit_code"] for r in good}))

    incoming: list[Incoming] = []
    for row in good:
        v = row.values
        town = towns.get(v["town_code"])
        if town is None:
            problems.append(
                sheet.problem(row.number, "town_code", message(N_("no town has code {code}"), code=v["town_code"]))
            )
            continue
        on_record = stored.get(v["credit_code"])
        if on_record is not None:
            keep_absent(sheet, row, on_record.fields)
        if not covers(actor, town.county_code, enterprise_id=on_record.id if on_record else None):
            problems.append(sheet.problem(row.number, "town_code", message(N_("the town is outside your region"))))
            continue
        if not in_the_county(checked, sheet, row, "town_code", town.county_code):
            continue
        unknown = [c for c in v["industries"] if c not in known]
        if unknown:
            problems.append(
                sheet.problem(
                    row.number, "industries", message(N_("no industry has code {code}"), code="、".join(unknown))
                )
            )
            continue
        if on_record is not None and on_record.county_code != town.county_code:
            problems.append(sheet.problem(row.number, "credit_code", message(N_("is an enterprise of another county"))))
            continue
        incoming.append(Incoming(row, town, {c: known[c] for c in v["industries"]}, on_record))
    if problems:
        return checked
    _plan(checked, incoming)
    return checked


def _plan(checked: Checked, incoming: list[Incoming]) -> None:
    new = [i for i in incoming if i.stored is None]
    changed: list[tuple[Incoming, list[str]]] = []
    unchanged = 0
    for item in incoming:
        if item.stored is None:
            continue
        after = _fields_of(item.row)
        differs = {k: (item.stored.fields[k], new) for k, new in after.items() if item.stored.fields[k] != new}
        added = [c for c in item.industry_ids if c not in item.stored.industries]
        kept = [c for c in item.stored.industries if c not in item.industry_ids]
        if kept:
            checked.notes.append(
                message(
                    N_("{code}: industries on record not in the file are kept: {industries}"),
                    code=item.row.values["credit_code"],
                    industries=", ".join(kept),
                )
            )
        if not differs and not added:
            unchanged += 1
            continue
        before_d = {k: plain(old) for k, (old, _) in differs.items()}
        after_d = {k: plain(new) for k, (_, new) in differs.items()}
        if added:
            before_d["industries"] = list(item.stored.industries)
            after_d["industries"] = sorted({*item.stored.industries, *added})
        checked.changes.append(Change("enterprises", item.row.values["credit_code"], before_d, after_d))
        changed.append((item, added))
    checked.created = {
        "enterprises": len(new),
        "enterprise_industries": sum(len(i.industry_ids) for i in new) + sum(len(a) for _, a in changed),
    }
    checked.unchanged = {"enterprises": unchanged}
    checked.plan = (new, changed)


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    new, changed = checked.plan
    county = checked.county or ""
    progress.start(Phase.writing)
    now = datetime.now(UTC)
    ids = await bulk.reserve_ids(uow, len(new))
    rows, industry_rows = [], []
    for eid, item in zip(ids, new, strict=True):
        v = item.row.values
        rows.append(
            (
                eid,
                v["name"],
                v["kind"],
                v["credit_code"],
                item.town.id,
                v.get("contact_name"),
                v.get("contact_phone"),
                now,
            )
        )
        industry_rows += [(eid, iid) for iid in item.industry_ids.values()]
    await bulk.copy_rows(uow, "enterprise", bulk.ENTERPRISE_COLUMNS, rows, county)
    progress.written(len(rows))
    updates = []
    for item, added in changed:
        assert item.stored is not None
        v = item.row.values
        updates.append(
            bulk.EnterpriseChange(
                item.stored.id, v["name"], v["kind"], item.town.id, v.get("contact_name"), v.get("contact_phone")
            )
        )
        industry_rows += [(item.stored.id, item.industry_ids[c]) for c in added]
    await bulk.update_enterprises(uow, updates)
    await bulk.copy_rows(uow, "enterprise_industry", bulk.INDUSTRY_COLUMNS, industry_rows, county)
    for (item, _), change in zip(changed, checked.changes, strict=True):
        assert item.stored is not None
        await uow.audit(
            actor,
            "enterprises.import_update",
            "enterprise",
            item.stored.id,
            before=change.before,
            after={**change.after, "import": source.import_id, "file": source.filename, "sha256": source.sha256},
            chain=county,
        )
    progress.written(len(updates))
