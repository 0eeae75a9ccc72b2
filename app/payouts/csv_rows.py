"""A payout CSV as rows for ``ingest``: parsed, converted and resolved to links (shared by API and console)."""

from __future__ import annotations

from app.csv_upload import RowError, convert_row, read_rows
from app.payouts.csv_import import REQUIRED_COLUMNS, resolve_links
from app.payouts.schemas import PayoutCsvRow, PayoutIn, RowProblem


async def payout_rows(content: bytes, enterprise_id: int) -> tuple[list[tuple[int, PayoutIn]], list[RowProblem]]:
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
