"""Payouts from a spreadsheet: rows name the household, base and kind; the link is looked up."""

from __future__ import annotations

from app.core.csv_upload import RowError, convert_row, read_rows
from app.core.messages import N_, code, message
from app.core.uow import reading
from app.payouts import queries
from app.payouts.model import IncomeType
from app.payouts.rules import INCOME_TYPE_FOR_KIND
from app.payouts.schemas import PayoutCsvRow, PayoutIn, RowProblem

REQUIRED_COLUMNS = {
    "registry_no",
    "base",
    "kind",
    "amount",
    "period_from",
    "period_to",
    "paid_on",
    "method",
    "reference",
}


async def resolve_links(
    enterprise_id: int, rows: list[tuple[int, PayoutCsvRow]]
) -> tuple[list[tuple[int, PayoutIn]], list[RowProblem]]:
    """Find each row's link in one query: household by registry number, base by name or id, and the
    link of that kind whose period covers ``period_from``."""
    async with reading() as db:
        found = await queries.links_named_in_rows(
            db,
            enterprise_id,
            [
                queries.NamedLink(
                    idx=line, registry_no=r.registry_no, base=r.base, kind=r.kind, period_from=r.period_from
                )
                for line, r in rows
            ],
        )
    by_line = {f.idx: f for f in found}
    resolved: list[tuple[int, PayoutIn]] = []
    problems: list[RowProblem] = []
    for line, row in rows:
        f = by_line[line]
        if f.household_id is None:
            problems.append(
                RowProblem.of(
                    line,
                    "registry_no",
                    message(N_("no household has registry number {number}"), number=row.registry_no),
                )
            )
        elif f.base_id is None:
            problems.append(
                RowProblem.of(line, "base", message(N_("your enterprise has no base {base}"), base=row.base))
            )
        elif f.link_id is None:
            problems.append(
                RowProblem.of(
                    line,
                    "kind",
                    message(
                        N_("no {kind} link between household {number} and base {base} covering {day}"),
                        kind=code("link kind", row.kind),
                        number=row.registry_no,
                        base=row.base,
                        day=row.period_from,
                    ),
                )
            )
        else:
            resolved.append(
                (
                    line,
                    PayoutIn(
                        link_id=f.link_id,
                        income_type=row.income_type or IncomeType(INCOME_TYPE_FOR_KIND[row.kind]),
                        amount=row.amount,
                        period_from=row.period_from,
                        period_to=row.period_to,
                        paid_on=row.paid_on,
                        method=row.method,
                        reference=row.reference,
                    ),
                )
            )
    return resolved, problems


async def payout_rows(content: bytes, enterprise_id: int) -> tuple[list[tuple[int, PayoutIn]], list[RowProblem]]:
    """A payout CSV as rows for ``ingest``: parsed, converted and resolved to links (API and console)."""
    parsed: list[tuple[int, PayoutCsvRow]] = []
    problems: list[RowProblem] = []
    for line, values in read_rows(content, REQUIRED_COLUMNS):
        row = convert_row(line, values, PayoutCsvRow)
        if isinstance(row, RowError):
            problems.append(RowProblem(index=row.line, field=row.field, message=row.message))
        else:
            parsed.append((line, row))
    resolved, unresolved = await resolve_links(enterprise_id, parsed)
    return resolved, [*problems, *unresolved]
