"""Importing a county's places (the sheets 乡镇 and 村): towns by their 9-digit codes, villages by their 12-digit
codes with their poor-village years.

A town's county is the first six digits of its code and must be in the region directory (``chainaid
regions`` or ``POST /api/v1/regions``) within the importer's region; a village's town is the first nine of
its own, in the file or on record. Names follow the registry's rules: a town's is unique in the deployment,
a village's within its town. A place on record (matched by code) whose row differs is updated and audited.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from app.core.messages import N_, message
from app.core.principal import Principal, covers
from app.core.uow import Db, UnitOfWork
from app.imports.files import Row, SheetRows
from app.imports.outcome import Change, Checked, Source
from app.imports.progress import Phase, Progress
from app.regions import service as regions
from app.registry import bulk

VILLAGE_FIELDS = ("name", "is_poor_village", "registered_year", "exit_year", "rural_population")
_DIGITS = re.compile(r"[0-9]+")


def _village_fields(row: Row) -> dict[str, Any]:
    v = row.values
    return {
        "name": v["name"],
        "is_poor_village": bool(v["is_poor_village"]),
        "registered_year": v.get("registered_year"),
        "exit_year": v.get("exit_year"),
        "rural_population": v.get("rural_population"),
    }


def village_problems(values: dict[str, Any]) -> list[tuple[str, Any]]:
    """A village row's own rules: a poor village has its year of registration, only a poor village an exit
    year, not before it; a population is not negative."""
    out: list[tuple[str, Any]] = []
    poor, registered, exited = values["is_poor_village"], values.get("registered_year"), values.get("exit_year")
    if poor and registered is None:
        out.append(("registered_year", message(N_("a poor village needs the year it was registered"))))
    if not poor and registered is not None:
        out.append(("registered_year", message(N_("only a poor village has a registration year"))))
    if exited is not None and (not poor or (registered is not None and exited < registered)):
        out.append(("exit_year", message(N_("only a poor village exits, in or after the year it was registered"))))
    if (values.get("rural_population") or 0) < 0:
        out.append(("rural_population", message(N_("must not be negative"))))
    if len(values["name"]) > 60:
        out.append(("name", message(N_("is longer than {limit} characters"), limit=60)))
    return out


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    towns, villages = sheets["towns"], sheets["villages"]
    checked = Checked()
    problems = checked.problems

    def one_county(sheet: SheetRows, row: Row, column: str, code: str) -> bool:
        county = code[:6]
        if checked.county is None:
            checked.county = county
        elif county != checked.county:
            problems.append(
                sheet.problem(
                    row.number,
                    column,
                    message(
                        N_("is in county {county}; an import is for one county ({first})"),
                        county=county,
                        first=checked.county,
                    ),
                )
            )
            return False
        return True

    town_rows: dict[str, Row] = {}
    seen_names: dict[str, int] = {}
    for row in towns.rows:
        code, name = row.values["code"], row.values["name"]
        if not _DIGITS.fullmatch(code):
            problems.append(towns.problem(row.number, "code", message(N_("must be digits"))))
            continue
        if code in town_rows:
            problems.append(
                towns.problem(row.number, "code", message(N_("repeats row {row}"), row=town_rows[code].number))
            )
            continue
        if name in seen_names:
            problems.append(towns.problem(row.number, "name", message(N_("repeats row {row}"), row=seen_names[name])))
            continue
        if len(name) > 60:
            problems.append(
                towns.problem(row.number, "name", message(N_("is longer than {limit} characters"), limit=60))
            )
            continue
        if one_county(towns, row, "code", code):
            town_rows[code], seen_names[name] = row, row.number
    village_rows: dict[str, Row] = {}
    names_in_town: dict[tuple[str, str], int] = {}
    for row in villages.rows:
        v = row.values
        code = v["code"]
        row_problems = [villages.problem(row.number, c, m) for c, m in village_problems(v)]
        if not _DIGITS.fullmatch(code):
            row_problems.append(villages.problem(row.number, "code", message(N_("must be digits"))))
        elif code in village_rows:
            row_problems.append(
                villages.problem(row.number, "code", message(N_("repeats row {row}"), row=village_rows[code].number))
            )
        elif (code[:9], v["name"]) in names_in_town:
            row_problems.append(
                villages.problem(
                    row.number, "name", message(N_("repeats row {row}"), row=names_in_town[(code[:9], v["name"])])
                )
            )
        problems += row_problems
        if not row_problems and one_county(villages, row, "code", code):
            village_rows[code] = row
            names_in_town[(code[:9], v["name"])] = row.number
    progress.checked(len(towns.rows) + len(villages.rows))
    if checked.county is None:
        return checked

    county = await regions.region_by_code(db, checked.county)
    first = next(iter(town_rows.values()), None) or next(iter(village_rows.values()))
    sheet = towns if town_rows else villages
    if county is None or county.level.value != "county":
        problems.append(
            sheet.problem(
                first.number,
                "code",
                message(N_("county {county} is not in the region directory"), county=checked.county),
            )
        )
        return checked
    if not covers(actor, county.code):
        problems.append(
            sheet.problem(
                first.number, "code", message(N_("county {county} is outside your region"), county=county.code)
            )
        )
        return checked

    on_record = await bulk.towns_by_code_or_name(db, list(town_rows), [r.values["name"] for r in town_rows.values()])
    by_code = {t.code: t for t in on_record if t.code}
    by_name = {t.name: t for t in on_record}
    stored_villages = await bulk.villages_with_fields(db, list(village_rows))
    new_towns: list[tuple[str, str]] = []
    renamed: dict[int, str] = {}
    changes: list[Change] = []
    unchanged = Counter[str]()
    for code, row in town_rows.items():
        name = row.values["name"]
        holder = by_name.get(name)
        if holder is not None and holder.code != code:
            problems.append(
                towns.problem(
                    row.number,
                    "name",
                    message(N_("town {code} on record has this name"), code=holder.code or holder.id),
                )
            )
            continue
        stored = by_code.get(code)
        if stored is None:
            new_towns.append((code, name))
        elif stored.name != name:
            renamed[stored.id] = name
            changes.append(Change("towns", code, {"name": stored.name}, {"name": name}))
        else:
            unchanged["towns"] += 1
    new_villages: list[dict[str, Any]] = []
    updated: dict[int, dict[str, Any]] = {}
    elsewhere = sorted({code[:9] for code in village_rows} - set(town_rows) - set(by_code))
    if elsewhere:  # the towns on record of villages whose towns the file does not list
        by_code |= {t.code: t for t in await bulk.towns_by_code_or_name(db, elsewhere, []) if t.code}
    names_on_record = await bulk.village_names(db, sorted({code[:9] for code in village_rows}))
    for code, row in village_rows.items():
        town = code[:9]
        if town not in town_rows and town not in by_code:
            problems.append(
                villages.problem(
                    row.number, "code", message(N_("no town has code {code} (its first nine digits)"), code=town)
                )
            )
            continue
        fields = _village_fields(row)
        taken_by = names_on_record.get((town, fields["name"]))
        if taken_by is not None and taken_by != code:
            problems.append(
                villages.problem(
                    row.number, "name", message(N_("village {code} of the town on record has this name"), code=taken_by)
                )
            )
            continue
        stored_village = stored_villages.get(code)
        if stored_village is None:
            new_villages.append({"code": code, "town_code": town, **fields})
            continue
        # a column the file leaves out keeps what is on record
        before = dict(stored_village.fields)
        after = before | {k: v for k, v in fields.items() if k in villages.columns}
        if before != after:
            updated[stored_village.id] = after
            differing = [k for k in VILLAGE_FIELDS if before[k] != after[k]]
            changes.append(
                Change("villages", code, {k: before[k] for k in differing}, {k: after[k] for k in differing})
            )
        else:
            unchanged["villages"] += 1
    if problems:
        return checked
    checked.created = {"towns": len(new_towns), "villages": len(new_villages)}
    checked.changes, checked.unchanged = changes, dict(unchanged)
    checked.plan = (
        county.id,
        new_towns,
        renamed,
        {c: t.id for c, t in by_code.items()},
        new_villages,
        updated,
        {c.key: c for c in changes},
    )
    return checked


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    county_id, new_towns, renamed, town_ids, new_villages, updated, _ = checked.plan
    county = checked.county
    assert county is not None
    progress.start(Phase.writing)
    town_ids = {**town_ids, **await bulk.insert_towns(uow, county_id, county, new_towns)}
    await bulk.rename_towns(uow, renamed)
    await bulk.insert_villages(
        uow, county_id, county, [{**v, "town_id": town_ids[v["town_code"]]} for v in new_villages]
    )
    await bulk.update_villages(uow, updated)
    for change in checked.changes:
        entity = "town" if change.sheet == "towns" else "village"
        await uow.audit(
            actor, "places.import_update", entity, change.key, before=change.before, after=change.after, chain=county
        )
    progress.written(len(new_towns) + len(new_villages) + len(checked.changes))
    del source
