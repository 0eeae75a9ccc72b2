"""Importing production bases (the sheet 基地).

Check: every row's name and area by the checks the API's ``BaseCreate`` makes, an enterprise's base name
once in the file; then against the database in one read per reference set (the enterprises by credit code,
the villages by code, the industries by code, the enterprises' bases on record): the enterprise is
registered in the base's industry, the village is in the actor's region and in the import's one county.
Write: new bases by COPY; bases on record (by enterprise and name) whose row differs updated, each change
audited with before and after.
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
from app.core.validation import check_quantity, clean_name
from app.enterprises import bulk as enterprise_bulk
from app.enterprises.bulk import StoredEnterprise
from app.imports.checks import FirstRows, in_the_county, plain, reason_of
from app.imports.files import Row, SheetRows
from app.imports.outcome import Change, Checked, Source
from app.imports.progress import Phase, Progress
from app.industries import service as industries
from app.links import bulk
from app.links.bulk import StoredBase
from app.registry import bulk as registry_bulk
from app.registry.bulk import PlacedVillage

FIELDS = ("industry", "village_code", "area")
"""The columns of a base's row a re-import compares (the enterprise and the name are its key)."""


@dataclass
class Incoming:
    row: Row
    enterprise: StoredEnterprise
    village: PlacedVillage
    industry_id: int
    stored: StoredBase | None = None


def _clean(sheet: SheetRows, row: Row) -> list[Any]:
    v = row.values
    problems = []
    checks = (
        ("enterprise_credit_code", lambda: validate_credit_code(v["enterprise_credit_code"])),
        ("name", lambda: clean_name("name", v["name"], 120)),
        ("area", lambda: check_quantity("area", v["area"], ceiling="quantity")),
    )
    for column, check in checks:
        try:
            v[column] = check()
        except (Invalid, ValueError) as e:
            problems.append(sheet.problem(row.number, column, reason_of(e)))
    v["industry"] = v["industry"].strip().lower()
    return problems


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    sheet = sheets["bases"]
    checked = Checked()
    problems = checked.problems

    seen = FirstRows()
    good: list[Row] = []
    for row in sheet.rows:
        row_problems = _clean(sheet, row)
        if not row_problems:
            key = (row.values["enterprise_credit_code"], row.values["name"])
            if repeated := seen.repeats(sheet, row, "name", key):
                row_problems.append(repeated)
        problems += row_problems
        if not row_problems:
            good.append(row)
    progress.checked(len(sheet.rows))

    enterprises = await enterprise_bulk.enterprises_by_credit_code(
        db, sorted({r.values["enterprise_credit_code"] for r in good})
    )
    villages = await registry_bulk.villages_by_code(db, sorted({r.values["village_code"] for r in good}))
    known = {
        i.code: i.id for i in await industries.industries_by_code(db, sorted({r.values["industry"] for r in good}))
    }
    stored = await bulk.bases_of_enterprises(db, [e.id for e in enterprises.values()])

    incoming: list[Incoming] = []
    for row in good:
        v = row.values
        enterprise = enterprises.get(v["enterprise_credit_code"])
        if enterprise is None:
            problems.append(
                sheet.problem(
                    row.number,
                    "enterprise_credit_code",
                    message(N_("no enterprise has credit code {code}"), code=v["enterprise_credit_code"]),
                )
            )
            continue
        village = villages.get(v["village_code"])
        if village is None:
            problems.append(
                sheet.problem(
                    row.number, "village_code", message(N_("no village has code {code}"), code=v["village_code"])
                )
            )
            continue
        if not covers(actor, village.county_code, enterprise_id=enterprise.id):
            problems.append(
                sheet.problem(row.number, "village_code", message(N_("the village is outside your region")))
            )
            continue
        if not in_the_county(checked, sheet, row, "village_code", village.county_code):
            continue
        if v["industry"] not in known:
            problems.append(
                sheet.problem(row.number, "industry", message(N_("no industry has code {code}"), code=v["industry"]))
            )
            continue
        if v["industry"] not in enterprise.industries:
            problems.append(
                sheet.problem(
                    row.number,
                    "industry",
                    message(
                        N_("the enterprise is not registered in this industry (its industries: {industries})"),
                        industries=";".join(enterprise.industries),
                    ),
                )
            )
            continue
        on_record = stored.get((enterprise.id, v["name"]))
        if on_record is not None and on_record.county_code != village.county_code:
            problems.append(sheet.problem(row.number, "name", message(N_("is a base of another county"))))
            continue
        incoming.append(Incoming(row, enterprise, village, known[v["industry"]], on_record))
    if problems:
        return checked
    _plan(checked, incoming)
    return checked


def _plan(checked: Checked, incoming: list[Incoming]) -> None:
    new = [i for i in incoming if i.stored is None]
    changed = []
    unchanged = 0
    for item in incoming:
        if item.stored is None:
            continue
        before = {"industry": item.stored.industry, "village_code": item.stored.village_code, "area": item.stored.area}
        differs = {k: (before[k], item.row.values[k]) for k in FIELDS if before[k] != item.row.values[k]}
        if not differs:
            unchanged += 1
            continue
        v = item.row.values
        checked.changes.append(
            Change(
                "bases",
                f"{v['enterprise_credit_code']} {v['name']}",
                {k: plain(old) for k, (old, _) in differs.items()},
                {k: plain(new) for k, (_, new) in differs.items()},
            )
        )
        changed.append(item)
    checked.created = {"bases": len(new)}
    checked.unchanged = {"bases": unchanged}
    checked.plan = (new, changed)


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    new, changed = checked.plan
    county = checked.county or ""
    progress.start(Phase.writing)
    now = datetime.now(UTC)
    ids = await bulk.reserve_ids(uow, "base", len(new))
    rows = [
        (bid, i.enterprise.id, i.industry_id, i.village.id, i.row.values["name"], i.row.values["area"], now)
        for bid, i in zip(ids, new, strict=True)
    ]
    await bulk.copy_rows(uow, "base", bulk.BASE_COLUMNS, rows, county)
    progress.written(len(rows))
    await bulk.update_bases(
        uow,
        [bulk.BaseChange(i.stored.id, i.industry_id, i.village.id, i.row.values["area"]) for i in changed if i.stored],
        county,
    )
    for item, change in zip(changed, checked.changes, strict=True):
        assert item.stored is not None
        await uow.audit(
            actor,
            "bases.import_update",
            "base",
            item.stored.id,
            before=change.before,
            after={**change.after, "import": source.import_id, "file": source.filename, "sha256": source.sha256},
            chain=county,
        )
    progress.written(len(changed))
