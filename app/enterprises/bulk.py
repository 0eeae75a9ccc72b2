"""The enterprises' set-based reads and writes for a county's import (issue 13): enterprises and their
industries by the hundred, in a handful of statements.

New enterprises take their ids from the sequence in one statement and go in with COPY, each with its county
(the insert triggers then have nothing to look up); the few a re-import changes are updated from arrays. The
checks that decide what to write are the importer's (``app.imports.enterprises``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.counties import COUNTY_COLUMN
from app.core.uow import Db, UnitOfWork, stream_rows

FIELDS = ("name", "kind", "town_code", "contact_name", "contact_phone")
"""The columns of an enterprise's row that a re-import compares (its industries apart)."""


@dataclass(frozen=True, slots=True)
class StoredEnterprise:
    id: int
    county_code: str
    fields: dict[str, Any]
    """``FIELDS`` as the record has them."""
    industries: list[str]
    """The codes of the industries it works in."""


_BY_CREDIT_CODE = """
SELECT e.id, e.credit_code, e.county_code, e.name, e.kind, t.code AS town_code, e.contact_name, e.contact_phone,
       ARRAY(SELECT i.code FROM enterprise_industry ei JOIN industry i ON i.id = ei.industry
             WHERE ei.enterprise = e.id ORDER BY i.code) AS industries
FROM enterprise e JOIN town t ON t.id = e.town
WHERE e.credit_code = ANY ($1::text[])
"""


async def enterprises_by_credit_code(db: Db, codes: Sequence[str]) -> dict[str, StoredEnterprise]:
    """The enterprises on record under these unified social credit codes, with their industries."""
    return {
        r["credit_code"]: StoredEnterprise(
            id=r["id"],
            county_code=r["county_code"],
            fields={k: r[k] for k in FIELDS},
            industries=list(r["industries"]),
        )
        for r in await db.fetch(_BY_CREDIT_CODE, list(codes))
    }


ENTERPRISE_COLUMNS = ("id", "name", "kind", "credit_code", "town", "contact_name", "contact_phone", "created_at")
INDUSTRY_COLUMNS = ("enterprise", "industry")


async def reserve_ids(db: Db, count: int) -> list[int]:
    """``count`` fresh enterprise ids, taken from the sequence at once."""
    if count == 0:
        return []
    return list(
        await db.fetchval(
            "SELECT array_agg(nextval(pg_get_serial_sequence('enterprise', 'id'))) FROM generate_series(1, $1)", count
        )
    )


async def copy_rows(
    uow: UnitOfWork, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], county: str
) -> None:
    """COPY ``rows`` into ``enterprise`` or ``enterprise_industry``, each with the county it is in."""
    assert table in ("enterprise", "enterprise_industry")
    if rows:
        await uow.conn.copy_records_to_table(
            table, columns=[*columns, COUNTY_COLUMN], records=[(*r, county) for r in rows]
        )


@dataclass(frozen=True, slots=True)
class EnterpriseChange:
    id: int
    name: str
    kind: str
    town_id: int
    contact_name: str | None
    contact_phone: str | None


async def update_enterprises(uow: UnitOfWork, changes: Sequence[EnterpriseChange]) -> None:
    if not changes:
        return
    await uow.execute(
        "UPDATE enterprise e SET name = u.name, kind = u.kind, town = u.town, contact_name = u.contact_name,"
        " contact_phone = u.contact_phone"
        " FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[])"
        "   AS u(id, name, kind, town, contact_name, contact_phone)"
        " WHERE e.id = u.id",
        [c.id for c in changes],
        [c.name for c in changes],
        [c.kind for c in changes],
        [c.town_id for c in changes],
        [c.contact_name for c in changes],
        [c.contact_phone for c in changes],
    )


COUNTY_ENTERPRISES = """
SELECT e.name, e.kind, e.credit_code, t.code AS town_code,
       (SELECT string_agg(i.code, ';' ORDER BY i.code) FROM enterprise_industry ei JOIN industry i ON i.id = ei.industry
        WHERE ei.enterprise = e.id) AS industries,
       e.contact_name, e.contact_phone
FROM enterprise e JOIN town t ON t.id = e.town
WHERE e.county_code = $1
ORDER BY e.id
"""
"""A county's enterprises in the columns of the enterprises template (``app.sheets.templates.ENTERPRISES``)."""


async def county_template_rows(sheet_key: str, county: str) -> AsyncIterator[dict[str, Any]]:
    """The rows of the enterprises template's sheet for a county, streamed."""
    assert sheet_key == "enterprises"
    async for record in stream_rows(COUNTY_ENTERPRISES, [county]):
        yield dict(record)
