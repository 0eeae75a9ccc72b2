"""The cross-check's set-based read for a spreadsheet import of department records (issue 13): which of a
file's facts are stored already, in one statement. The write is the API's own
(``app.crosscheck.service.record_and_match``): one INSERT ... SELECT and one matching statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.uow import Db

FactKey = tuple[str, str, str, date]
"""(department, item, ID number, as of): what makes a department's fact one record."""


async def stored_values(db: Db, keys: Sequence[FactKey]) -> dict[FactKey, str | None]:
    """The value on record of each of these facts that is stored, read by the unique index on the key."""
    rows = await db.fetch(
        "SELECT r.department, r.item, r.id_number, r.as_of, r.value"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::date[]) AS k(department, item, id_number, as_of)"
        " JOIN department_record r USING (department, item, id_number, as_of)",
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
    )
    return {(r["department"], r["item"], r["id_number"], r["as_of"]): r["value"] for r in rows}
