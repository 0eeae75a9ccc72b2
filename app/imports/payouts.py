"""Importing payouts (the sheet 收益发放): a county's payouts to its households, from all its enterprises.

Check: every row on its own (the payout schema's checks: amount, dates, reference), then against the
database in a few set-based reads (the enterprises by credit code, each row's link by household, base,
kind and the day its period starts, the links' facts, the ledger's payouts under the file's references),
then the payouts domain's rules (``app.payouts.rules.payout_problems``). Write: the new payouts appended in
one COPY and one INSERT ... SELECT (``app.payouts.bulk``), as one batch of source ``import``.

The ledger is append-only: a row whose enterprise and reference the ledger holds with the same content is
left as it is (a re-import changes nothing); with other content it is a problem, never an update, because a
recorded payout is corrected by a reversal that points at it. A row the ledger holds with the same
content is not held to today's rules again (its link may have ended since), as the API answers a resend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.errors import Conflict, Invalid
from app.core.identifiers import validate_credit_code
from app.core.messages import N_, code, message
from app.core.principal import Principal, Role, covers
from app.core.uow import Db, UnitOfWork
from app.imports.files import Problem, Row, SheetRows
from app.imports.households import reason_of
from app.imports.outcome import Checked, Source
from app.imports.progress import Phase, Progress
from app.imports.reasons import invalid_reason
from app.payouts import bulk
from app.payouts.model import IncomeType, PayMethod
from app.payouts.rules import INCOME_TYPE_FOR_KIND, LinkFacts, PayoutFacts, payout_problems
from app.payouts.schemas import PayoutCsvRow, PayoutIn
from app.payouts.service import hash_of
from app.regions import service as regions

SHEET = "payouts"
# a rule's field, as the column of the sheet that holds what it is about
_COLUMN_OF_FIELD = {"link_id": "registry_no"}


@dataclass
class _Row:
    """A row that passed its own checks, on its way through the database's."""

    row: Row
    payout: PayoutCsvRow
    enterprise_id: int
    link: LinkFacts | None = None
    body: PayoutIn | None = None


def _column(sheet: SheetRows, field: str | None) -> str | None:
    """The column a schema's field is (they share their names), or None: the row's as a whole."""
    return field if field is not None and any(c.name == field for c in sheet.sheet.columns) else None


def _as_payout(values: dict[str, object]) -> PayoutCsvRow:
    """The row as the payout CSV's schema takes it (its checks run as it is made)."""
    income_type = values.get("income_type")
    return PayoutCsvRow(
        registry_no=str(values["registry_no"]),
        base=str(values["base"]),
        kind=str(values["kind"]),
        amount=values["amount"],  # type: ignore[arg-type]  # a Decimal, read as the column's money type
        period_from=values["period_from"],  # type: ignore[arg-type]
        period_to=values["period_to"],  # type: ignore[arg-type]
        paid_on=values["paid_on"],  # type: ignore[arg-type]
        method=PayMethod(values["method"]),
        reference=str(values["reference"]),
        income_type=None if income_type is None else IncomeType(income_type),
    )


async def _enterprise_ids(db: Db, actor: Principal, sheet: SheetRows, problems: list[Problem]) -> dict[int, int]:
    """Each row's enterprise (by row number): the credit code's, or an operator's own where it is blank."""
    own = actor.enterprise_id if actor.role is Role.operator else None
    codes: dict[int, str] = {}
    ids: dict[int, int] = {}
    for row in sheet.rows:
        given = row.values.get("enterprise_credit_code")
        if given is None and own is not None:
            ids[row.number] = own
        elif given is None:
            problems.append(
                sheet.problem(
                    row.number,
                    "enterprise_credit_code",
                    message(N_("is required: a county's file names the enterprise of each payout")),
                )
            )
        else:
            try:
                codes[row.number] = validate_credit_code(given)
            except ValueError as e:
                problems.append(sheet.problem(row.number, "enterprise_credit_code", reason_of(e)))
    found = await bulk.enterprises_by_credit_code(db, sorted(set(codes.values())))
    own_code = await bulk.credit_code_of(db, own) if own is not None else None
    for number, credit_code in codes.items():
        enterprise_id = found.get(credit_code)
        if enterprise_id is None:
            problems.append(
                sheet.problem(
                    number,
                    "enterprise_credit_code",
                    message(N_("no enterprise has credit code {code}"), code=credit_code),
                )
            )
        elif own is not None and enterprise_id != own:
            problems.append(
                sheet.problem(
                    number,
                    "enterprise_credit_code",
                    message(
                        N_("is not your enterprise's ({code}); an operator imports its own enterprise's payouts"),
                        code=own_code or "",
                    ),
                )
            )
        else:
            ids[number] = enterprise_id
    return ids


async def check(db: Db, actor: Principal, sheets: dict[str, SheetRows], progress: Progress) -> Checked:
    sheet = sheets[SHEET]
    checked = Checked()
    problems = checked.problems
    today = date.today()
    enterprise_of = await _enterprise_ids(db, actor, sheet, problems)
    rows: list[_Row] = []
    for row in sheet.rows:
        try:
            payout = _as_payout(row.values)
        except Invalid as e:
            problems.append(sheet.problem(row.number, _column(sheet, e.field), invalid_reason(e)))
            continue
        if row.number in enterprise_of:
            rows.append(_Row(row, payout, enterprise_of[row.number]))
    progress.checked(len(sheet.rows))

    # each row's link, then the links' facts (held FOR SHARE to the end: none ends between check and write)
    found = await bulk.links_of_rows(
        db,
        [
            bulk.RowLink(
                r.row.number, r.enterprise_id, r.payout.registry_no, r.payout.base, r.payout.kind, r.payout.period_from
            )
            for r in rows
        ],
    )
    facts = await bulk.link_facts(
        db,
        sorted({f.link_id for f in found.values() if f.link_id is not None}),
        default_years=regions.default_policy().continuation_years,
    )
    linked: list[_Row] = []
    for r in rows:
        f, p = found[r.row.number], r.payout
        if f.household_id is None:
            problems.append(
                sheet.problem(
                    r.row.number,
                    "registry_no",
                    message(N_("no household has registry number {number}"), number=p.registry_no),
                )
            )
        elif f.base_id is None:
            problems.append(
                sheet.problem(r.row.number, "base", message(N_("the enterprise has no base {base}"), base=p.base))
            )
        elif f.link_id is None:
            problems.append(
                sheet.problem(
                    r.row.number,
                    "kind",
                    message(
                        N_("no {kind} link between household {number} and base {base} covering {day}"),
                        kind=code("link kind", p.kind),
                        number=p.registry_no,
                        base=p.base,
                        day=p.period_from,
                    ),
                )
            )
        else:
            r.link = facts[f.link_id]
            linked.append(r)

    # scope, one county, and each reference once in the file
    seen: dict[tuple[int, str], int] = {}
    placed: list[_Row] = []
    for r in linked:
        link = r.link
        assert link is not None
        if not covers(actor, link.county_code, enterprise_id=link.enterprise_id):
            problems.append(
                sheet.problem(r.row.number, "registry_no", message(N_("the household is outside your region")))
            )
            continue
        if checked.county is None:
            checked.county = link.county_code
        elif link.county_code != checked.county:
            problems.append(
                sheet.problem(
                    r.row.number,
                    "registry_no",
                    message(
                        N_("is in county {county}; an import is for one county ({first})"),
                        county=link.county_code,
                        first=checked.county,
                    ),
                )
            )
            continue
        key = (r.enterprise_id, r.payout.reference.lower())  # a reference matches whatever the case of its letters
        if key in seen:
            problems.append(
                sheet.problem(
                    r.row.number, "reference", message(N_("repeats the reference of row {row}"), row=seen[key])
                )
            )
            continue
        seen[key] = r.row.number
        placed.append(r)

    # the ledger: the same content is a re-import, other content a clash; what is new keeps the rules
    recorded = await bulk.recorded_by_reference(db, sorted(seen))
    new: list[_Row] = []
    unchanged = 0
    for r in placed:
        link, p = r.link, r.payout
        assert link is not None
        r.body = PayoutIn(
            link_id=link.id,
            income_type=p.income_type or IncomeType(INCOME_TYPE_FOR_KIND[p.kind]),
            amount=p.amount,
            period_from=p.period_from,
            period_to=p.period_to,
            paid_on=p.paid_on,
            method=p.method,
            reference=p.reference,
        )
        on_record = recorded.get((r.enterprise_id, p.reference.lower()))
        if on_record is not None:
            if hash_of(r.body, on_record.reference) == on_record.body_hash:
                unchanged += 1
            else:
                problems.append(
                    sheet.problem(
                        r.row.number,
                        "reference",
                        message(
                            N_(
                                "is recorded already for payout {payout} with other content; a recorded payout is"
                                " corrected by a reversal, not by import"
                            ),
                            payout=on_record.payout_id,
                        ),
                    )
                )
            continue
        facts_of = PayoutFacts(r.body.income_type.value, p.period_from, p.period_to, p.paid_on)
        broken = payout_problems(facts_of, link, today)
        for field, reason in broken:
            problems.append(sheet.problem(r.row.number, _COLUMN_OF_FIELD.get(field, field), reason))
        if not broken:
            new.append(r)
    if problems:
        return checked
    checked.created = {SHEET: len(new)}
    checked.unchanged = {SHEET: unchanged}
    checked.plan = new
    return checked


async def write(uow: UnitOfWork, actor: Principal, checked: Checked, source: Source, progress: Progress) -> None:
    new: list[_Row] = checked.plan
    county = checked.county
    assert county is not None
    progress.start(Phase.writing)
    staged = []
    for r in new:
        link, body = r.link, r.body
        assert link is not None and body is not None
        staged.append(
            bulk.NewPayout(
                idx=r.row.number,
                enterprise_id=link.enterprise_id,
                link_id=link.id,
                household_id=link.household_id,
                income_type=body.income_type.value,
                amount=body.amount,
                period_from=body.period_from,
                period_to=body.period_to,
                paid_on=body.paid_on,
                method=body.method.value,
                reference=body.reference,
                body_hash=hash_of(body),
            )
        )
    batch_id = await bulk.open_import_batch(uow, len(staged), actor.account_id)
    appended = await bulk.append_payouts(uow, batch_id, actor.account_id, staged, county)
    if appended.count != len(staged):
        # a reference recorded over the API since the check: the import is all or nothing
        raise Conflict.of(
            N_("{count} payout reference(s) were recorded while the import ran; nothing was written"),
            count=len(staged) - appended.count,
            field="reference",
        )
    progress.written(appended.count)
    checked.notes.append(
        message(
            N_("payout batch {batch}: {count} payouts, {total} yuan"),
            batch=batch_id,
            count=appended.count,
            total=f"{appended.total:.2f}",
        )
    )
