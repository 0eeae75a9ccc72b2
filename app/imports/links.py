"""Importing benefit links (the sheet 带贫关系): enterprise + base + household, of one kind, with its terms.

Check: every row's dates, note and terms by the links domain's own checks (the terms Struct of the row's kind
and ``check_terms_ceilings``, the dates' bounds and order), a link once in the file and never overlapping
another of the same household, base and kind; then against the database in one read per reference set (the
households by registry number, the enterprises by credit code, their bases, the households' links on
record): the base is the enterprise's and in one of its industries, the household may be linked
(``app.links.rules``), the household is in the actor's region and the import's one county. A link is known
by its household, base, kind and start; a re-import may change its terms and note, and set or bring forward
its end (never before its payouts' periods), as ending a link in ChainAid does.
Write: new links by COPY; links on record whose row differs updated, each change audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from app.core.errors import Invalid
from app.core.identifiers import validate_credit_code
from app.core.messages import N_, code, message
from app.core.principal import Principal, Role, covers
from app.core.uow import Db, UnitOfWork
from app.core.validation import check_planned_day, check_span, clean_note
from app.enterprises import bulk as enterprise_bulk
from app.enterprises.bulk import StoredEnterprise
from app.imports.checks import FirstRows, in_the_county, keep_absent, plain, reason_of
from app.imports.files import Problem, Row, SheetRows
from app.imports.outcome import Change, Checked, Source
from app.imports.progress import Phase, Progress
from app.links import bulk
from app.links.bulk import StoredBase, StoredLink
from app.links.rules import link_end_refusal, link_refusal
from app.links.schemas import LinkTerms, check_terms_ceilings
from app.regions import service as regions
from app.registry import bulk as registry_bulk
from app.registry.bulk import PlacedHousehold

Key = tuple[str, str, str, str, date]
"""A link's natural key in a file: (registry number, credit code, base name, kind, start date)."""

_TERM_STRUCTS: dict[str, type[msgspec.Struct]] = {t.__struct_config__.tag: t for t in LinkTerms.__args__}


def _required_terms(kind: str) -> list[str]:
    """The term fields a kind of link cannot be without (those its terms Struct gives no default)."""
    return [f.name for f in msgspec.structs.fields(_TERM_STRUCTS[kind]) if f.required]


@dataclass
class Incoming:
    row: Row
    household: PlacedHousehold
    enterprise: StoredEnterprise
    base: StoredBase
    terms: dict[str, Any]
    """Every term column: the kind's as the domain made them, the others None."""
    stored: StoredLink | None = None


def terms_problems(kind: str, values: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """A row's terms made by the domain's terms Struct of its ``kind`` (every term column, null where the
    kind has none), or the problems as (column, reason): a term of another kind filled in, a term the kind
    needs left out, a value the domain refuses."""
    own = bulk.term_columns(kind)
    problems: list[tuple[str, Any]] = []
    for column in bulk.ALL_TERMS:
        if column not in own and values.get(column) is not None:
            problems.append(
                (column, message(N_("is not a term of a {kind} link; leave it empty"), kind=code("link kind", kind)))
            )
    for column in _required_terms(kind):
        if values.get(column) is None:
            problems.append((column, message(N_("is required for a {kind} link"), kind=code("link kind", kind))))
    if problems:
        return {}, problems
    given = {c: values[c] for c in own if values.get(c) is not None}
    try:
        terms = msgspec.convert({"kind": kind, **given}, LinkTerms)
        check_terms_ceilings(terms)
    except msgspec.ValidationError as e:
        cause = e.__cause__
        field = getattr(cause, "field", None) or own[0]
        return {}, [(field, reason_of(cause if isinstance(cause, Exception) else e))]
    except Invalid as e:
        return {}, [((e.field or own[0]).removeprefix("terms."), reason_of(e))]
    made = {c: None for c in bulk.ALL_TERMS}
    for column in own:
        value = getattr(terms, column)
        made[column] = getattr(value, "value", value)
    return made, []


def _clean(sheet: SheetRows, row: Row) -> list[Problem]:
    v = row.values
    problems = []
    checks = (
        ("enterprise_credit_code", lambda: validate_credit_code(v["enterprise_credit_code"])),
        ("start_date", lambda: check_planned_day("start_date", v["start_date"])),
        ("end_date", lambda: check_planned_day("end_date", v.get("end_date"))),
        ("note", lambda: clean_note("note", v.get("note"), 2000)),
    )
    for column, check in checks:
        try:
            v[column] = check()
        except (Invalid, ValueError) as e:
            problems.append(sheet.problem(row.number, column, reason_of(e)))
    if not problems:
        try:
            check_span("start_date", v["start_date"], "end_date", v.get("end_date"))
        except Invalid as e:
            problems.append(sheet.problem(row.number, "end_date", reason_of(e)))
    terms, refused = terms_problems(v["kind"], v)
    problems += [sheet.problem(row.number, c, m) for c, m in refused]
    v["terms"] = terms
    return problems


def _overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def _key(v: dict[str, Any]) -> Key:
    return (v["registry_no"], v["enterprise_credit_code"], v["base"], v["kind"], v["start_date"])


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    sheet = sheets["links"]
    checked = Checked()
    problems = checked.problems

    seen = FirstRows()
    good: list[Row] = []
    for row in sheet.rows:
        row_problems = _clean(sheet, row)
        if not row_problems and (repeated := seen.repeats(sheet, row, "start_date", _key(row.values))):
            row_problems.append(repeated)
        problems += row_problems
        if not row_problems:
            good.append(row)
    # two rows of one household, base and kind whose spans overlap: one link told twice
    spans: dict[tuple[str, str, str, str], list[Row]] = defaultdict(list)
    for row in good:
        spans[_key(row.values)[:4]].append(row)
    for rows in spans.values():
        for k, row in enumerate(rows):
            v = row.values
            earlier = next(
                (
                    r
                    for r in rows[:k]
                    if _overlap(v["start_date"], v.get("end_date"), r.values["start_date"], r.values.get("end_date"))
                ),
                None,
            )
            if earlier is not None:
                problems.append(
                    sheet.problem(
                        row.number,
                        "start_date",
                        message(N_("overlaps row {row}: the same household, base and kind"), row=earlier.number),
                    )
                )
    progress.checked(len(sheet.rows))

    households = await registry_bulk.placed_households(db, sorted({r.values["registry_no"] for r in good}))
    enterprises = await enterprise_bulk.enterprises_by_credit_code(
        db, sorted({r.values["enterprise_credit_code"] for r in good})
    )
    bases = await bulk.bases_of_enterprises(db, [e.id for e in enterprises.values()])
    on_record: dict[tuple[int, int, str], list[StoredLink]] = defaultdict(list)
    for link in await bulk.links_of_households(db, [h.id for h in households.values()]):
        on_record[(link.household_id, link.base_id, link.kind)].append(link)

    incoming: list[Incoming] = []
    years: dict[int | None, int] = {}  # the continuation years of the import's county, read once
    for row in good:
        v = row.values
        household = households.get(v["registry_no"])
        if household is None:
            problems.append(
                sheet.problem(
                    row.number,
                    "registry_no",
                    message(N_("no household has registry number {number}"), number=v["registry_no"]),
                )
            )
            continue
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
        if not covers(actor, household.county_code, enterprise_id=enterprise.id):
            problems.append(
                sheet.problem(row.number, "registry_no", message(N_("the household is outside your region")))
            )
            continue
        if not in_the_county(checked, sheet, row, "registry_no", household.county_code):
            continue
        base = bases.get((enterprise.id, v["base"]))
        if base is None:
            problems.append(sheet.problem(row.number, "base", message(N_("the enterprise has no base of this name"))))
            continue
        if not base.enterprise_works_in:
            problems.append(
                sheet.problem(
                    row.number,
                    "base",
                    message(
                        N_("the enterprise is not registered in the base's industry ({industry})"),
                        industry=base.industry,
                    ),
                )
            )
            continue
        if actor.role is Role.operator and household.town_id != base.town_id:
            # as over the API: an operator's base links households of its own town (an admin's import carries
            # the county's records as they are)
            problems.append(
                sheet.problem(row.number, "registry_no", message(N_("a base links households of its own town")))
            )
            continue
        links = on_record[(household.id, base.id, v["kind"])]
        stored = next((ln for ln in links if ln.start_date == v["start_date"]), None)
        if stored is not None:
            keep_absent(sheet, row, {"end_date": stored.end_date, "note": stored.note})
        item = Incoming(row, household, enterprise, base, v["terms"], stored)
        if stored is None:
            if household.county_id not in years:
                years[household.county_id] = (await regions.county_policy(db, household.county_id)).continuation_years
            problems += _new_link_problems(sheet, item, links, years[household.county_id])
        else:
            problems += _change_problems(sheet, item, stored)
        incoming.append(item)
    if problems:
        return checked
    _plan(checked, incoming)
    return checked


def _new_link_problems(sheet: SheetRows, item: Incoming, links: list[StoredLink], years: int) -> list[Problem]:
    """What keeps a link not on record from being made: the household's standing (``app.links.rules``, with
    its county's years of policy continuation), or another link of the household, base and kind over the
    same days."""
    v, household = item.row.values, item.household
    found = []
    refusal = link_refusal(household.status, household.exited_year, v["start_date"], years)
    if refusal:
        found.append(sheet.problem(item.row.number, "registry_no", message(N_("{reason}"), reason=refusal)))
    refusal = link_end_refusal(household.status, household.exited_year, v.get("end_date"), years)
    if refusal:
        found.append(sheet.problem(item.row.number, "end_date", message(N_("{reason}"), reason=refusal)))
    overlapping = next(
        (ln for ln in links if _overlap(v["start_date"], v.get("end_date"), ln.start_date, ln.end_date)), None
    )
    if overlapping is not None:
        found.append(
            sheet.problem(
                item.row.number,
                "start_date",
                message(
                    N_("overlaps the link on record from {start} to {end} of the same household, base and kind"),
                    start=overlapping.start_date.isoformat(),
                    end=overlapping.end_date.isoformat() if overlapping.end_date else "—",
                ),
            )
        )
    return found


def _change_problems(sheet: SheetRows, item: Incoming, stored: StoredLink) -> list[Problem]:
    """A link on record changes its end as ending it in ChainAid would: set or brought forward, never past
    the periods its payouts cover."""
    end = item.row.values.get("end_date")
    if end == stored.end_date:
        return []
    number = item.row.number
    if stored.end_date is not None and (end is None or end > stored.end_date):
        return [
            sheet.problem(
                number,
                "end_date",
                message(
                    N_("the record ends the link on {day}; an end is only ever brought forward"),
                    day=stored.end_date.isoformat(),
                ),
            )
        ]
    if end is not None and stored.paid_until is not None and stored.paid_until > end:
        return [
            sheet.problem(
                number,
                "end_date",
                message(
                    N_("payouts under this link cover periods up to {day}; it cannot end before that"),
                    day=stored.paid_until.isoformat(),
                ),
            )
        ]
    return []


def _comparable(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value


def _plan(checked: Checked, incoming: list[Incoming]) -> None:
    new = [i for i in incoming if i.stored is None]
    changed = []
    unchanged = 0
    for item in incoming:
        stored = item.stored
        if stored is None:
            continue
        v = item.row.values
        before = {"end_date": stored.end_date, "note": stored.note, **stored.terms}
        after = {"end_date": v.get("end_date"), "note": v.get("note"), **item.terms}
        differs = {k: (before[k], new) for k, new in after.items() if _comparable(before[k]) != _comparable(new)}
        if not differs:
            unchanged += 1
            continue
        key = f"{v['registry_no']} {v['enterprise_credit_code']} {v['base']} {v['kind']} {v['start_date'].isoformat()}"
        checked.changes.append(
            Change(
                "links",
                key,
                {k: plain(old) for k, (old, _) in differs.items()},
                {k: plain(new) for k, (_, new) in differs.items()},
            )
        )
        changed.append(item)
    checked.created = {"links": len(new)}
    checked.unchanged = {"links": unchanged}
    checked.plan = (new, changed)


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    new, changed = checked.plan
    county = checked.county or ""
    progress.start(Phase.writing)
    now = datetime.now(UTC)
    ids = await bulk.reserve_ids(uow, "link", len(new))
    rows = []
    for lid, item in zip(ids, new, strict=True):
        v = item.row.values
        rows.append(
            (
                lid,
                item.enterprise.id,
                item.base.id,
                item.household.id,
                v["kind"],
                v["start_date"],
                v.get("end_date"),
                *(item.terms[c] for c in bulk.ALL_TERMS),
                v.get("note"),
                now,
            )
        )
    await bulk.copy_rows(uow, "link", bulk.LINK_COLUMNS, rows, county)
    progress.written(len(rows))
    await bulk.update_links(
        uow,
        [
            bulk.LinkChange(i.stored.id, i.row.values.get("end_date"), i.terms, i.row.values.get("note"))
            for i in changed
            if i.stored is not None
        ],
    )
    for item, change in zip(changed, checked.changes, strict=True):
        assert item.stored is not None
        await uow.audit(
            actor,
            "links.import_update",
            "link",
            item.stored.id,
            before=change.before,
            after={**change.after, "import": source.import_id, "file": source.filename, "sha256": source.sha256},
            chain=county,
        )
    progress.written(len(changed))
