"""The payouts domain's set-based reads and writes for a county's import (issue 13): a year of a county's
payouts, from all its enterprises, checked in a few statements and appended in one COPY and one INSERT.

The API's batch (``app.payouts.ingest``) stops at 10,000 rows because it is one request's JSON; an import
is a county's file, read and checked before this is called, so nothing here caps it. The rules that decide
what is written are the importer's (``app.imports.payouts``) with this domain's own (``app.payouts.rules``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.counties import COUNTY_COLUMN
from app.core.uow import Db, UnitOfWork, stream_rows
from app.payouts import queries
from app.payouts.rules import LinkFacts

# ---------------------------------------------------------------------------------------------- reads


async def enterprises_by_credit_code(db: Db, codes: Sequence[str]) -> dict[str, int]:
    """Credit code -> enterprise id, for the codes on record."""
    rows = await db.fetch("SELECT credit_code, id FROM enterprise WHERE credit_code = ANY ($1::text[])", list(codes))
    return {r["credit_code"]: r["id"] for r in rows}


async def credit_code_of(db: Db, enterprise_id: int) -> str | None:
    return await db.fetchval("SELECT credit_code FROM enterprise WHERE id = $1", enterprise_id)


@dataclass(frozen=True, slots=True)
class RowLink:
    """A row's words for its link: the enterprise (found already), household, base, kind, a day it covers."""

    idx: int
    enterprise_id: int
    registry_no: str
    base: str
    kind: str
    period_from: date


@dataclass(frozen=True, slots=True)
class FoundLink:
    household_id: int | None
    base_id: int | None
    link_id: int | None


async def links_of_rows(db: Db, rows: Sequence[RowLink]) -> dict[int, FoundLink]:
    """Each row's household by registry number, its enterprise's base by name (or id), and the link of that
    kind whose period covers ``period_from``: one statement for the whole file, by row index."""
    found = await db.fetch(
        "SELECT DISTINCT ON (r.idx) r.idx, h.id AS household, b.id AS base, l.id AS link"
        " FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::date[])"
        "      AS r(idx, enterprise, registry_no, base, kind, period_from)"
        " LEFT JOIN household h ON h.registry_no = r.registry_no"
        " LEFT JOIN base b ON b.enterprise = r.enterprise AND (b.name = r.base OR b.id::text = r.base)"
        " LEFT JOIN link l ON l.base = b.id AND l.household = h.id AND l.kind = r.kind"
        "      AND daterange(l.start_date, l.end_date, '[]') @> r.period_from"
        " ORDER BY r.idx, (b.name = r.base) DESC, l.start_date DESC",
        [r.idx for r in rows],
        [r.enterprise_id for r in rows],
        [r.registry_no for r in rows],
        [r.base for r in rows],
        [r.kind for r in rows],
        [r.period_from for r in rows],
    )
    return {f["idx"]: FoundLink(f["household"], f["base"], f["link"]) for f in found}


async def link_facts(db: Db, link_ids: list[int], *, default_years: int) -> dict[int, LinkFacts]:
    """The links' facts the payout rules read, held (FOR SHARE) to the end of the transaction, so a link
    cannot be ended, nor its household removed, between the check and the write."""
    return await queries.link_facts(db, link_ids, default_years=default_years, lock=True)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A payout the ledger holds under an (enterprise, reference) a file names."""

    payout_id: int
    reference: str
    """As the ledger spells it (references match whatever the case of their letters)."""
    body_hash: str


async def recorded_by_reference(db: Db, keys: Sequence[tuple[int, str]]) -> dict[tuple[int, str], Recorded]:
    """(enterprise id, lower-cased reference) -> the payout the ledger holds under it, read by the unique
    index on (enterprise, lower(reference))."""
    rows = await db.fetch(
        "SELECT k.enterprise, k.reference AS key, p.id, p.reference, p.body_hash"
        " FROM unnest($1::int[], $2::text[]) AS k(enterprise, reference)"
        " JOIN payout p ON p.enterprise = k.enterprise AND lower(p.reference) = k.reference",
        [k[0] for k in keys],
        [k[1] for k in keys],
    )
    return {(r["enterprise"], r["key"]): Recorded(r["id"], r["reference"], r["body_hash"]) for r in rows}


# --------------------------------------------------------------------------------------------- writes


@dataclass(frozen=True, slots=True)
class NewPayout:
    """A checked row, in the staging table's column order (the county last)."""

    idx: int
    enterprise_id: int
    link_id: int
    household_id: int
    income_type: str
    amount: Decimal
    period_from: date
    period_to: date
    paid_on: date
    method: str
    reference: str
    body_hash: str


_STAGING_COLUMNS = (
    "idx",
    "enterprise",
    "link",
    "household",
    "income_type",
    "amount",
    "period_from",
    "period_to",
    "paid_on",
    "method",
    "reference",
    "body_hash",
    COUNTY_COLUMN,
)


@dataclass(frozen=True, slots=True)
class Appended:
    count: int
    total: Decimal
    first_id: int | None = None
    last_id: int | None = None
    """The lowest and highest id written: the batch's payouts lie between them (a range of the key)."""


async def open_import_batch(db: Db, received: int, created_by: int | None) -> int:
    """The batch an import's payouts point at (``payout_batch``, source ``import``): of no one enterprise,
    since a county's file holds all of them."""
    return int(
        await db.fetchval(
            "INSERT INTO payout_batch (enterprise, source, rows_received, created_by, created_at)"
            " VALUES (NULL, 'import', $1, $2, now()) RETURNING id",
            received,
            created_by,
        )
    )


async def open_batch(db: Db, enterprise_id: int | None, source: str, received: int, created_by: int | None) -> int:
    """The batch a set of payouts written together points at (``payout_batch``), named by where they came
    from: ``asset`` for the shares of an asset's income (app/assets), of its operator's enterprise."""
    return await queries.open_batch(db, enterprise_id, source, received, created_by)


async def append_payouts(
    uow: UnitOfWork, batch_id: int, created_by: int | None, rows: Sequence[NewPayout], county: str
) -> Appended:
    """COPY the rows into a staging table dropped at commit, each with its county (the insert trigger then
    has nothing to look up), and append them to the ledger in one INSERT ... SELECT. A reference taken
    since the check (an API call in between) is skipped by ON CONFLICT and shows in the count, for the
    caller to refuse the whole import."""
    await uow.execute(
        "CREATE TEMP TABLE payout_import_staging (idx int, enterprise int, link int, household int,"
        " income_type text, amount numeric(14,2), period_from date, period_to date, paid_on date, method text,"
        " reference text, body_hash text, county_code text) ON COMMIT DROP"
    )
    await uow.conn.copy_records_to_table(
        "payout_import_staging",
        columns=_STAGING_COLUMNS,
        records=[
            (
                r.idx,
                r.enterprise_id,
                r.link_id,
                r.household_id,
                r.income_type,
                r.amount,
                r.period_from,
                r.period_to,
                r.paid_on,
                r.method,
                r.reference,
                r.body_hash,
                county,
            )
            for r in rows
        ],
    )
    row = await uow.fetchrow(
        "WITH written AS ("
        " INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
        " method, reference, body_hash, batch, created_by, created_at, county_code)"
        " SELECT enterprise, link, household, income_type, amount, period_from, period_to, paid_on, method,"
        " reference, body_hash, $1, $2, now(), county_code FROM payout_import_staging ORDER BY idx"
        " ON CONFLICT (enterprise, lower(reference)) DO NOTHING RETURNING id, amount)"
        " SELECT count(*) AS n, coalesce(sum(amount), 0) AS total, min(id) AS first, max(id) AS last FROM written",
        batch_id,
        created_by,
    )
    assert row is not None  # an aggregate always answers
    await uow.execute("UPDATE payout_batch SET rows_written = $2 WHERE id = $1", batch_id, row["n"])
    return Appended(row["n"], row["total"], row["first"], row["last"])


# ------------------------------------------------------------------------------ a county, as the template

COUNTY_PAYOUTS = """
SELECT h.registry_no, e.credit_code AS enterprise_credit_code, b.name AS base, l.kind, p.amount, p.period_from,
       p.period_to, p.paid_on, p.method, p.reference, p.income_type
FROM payout p
JOIN household h ON h.id = p.household
JOIN enterprise e ON e.id = p.enterprise
JOIN link l ON l.id = p.link
JOIN base b ON b.id = l.base
WHERE p.county_code = $1 AND p.reverses IS NULL AND l.kind <> 'asset'
  AND NOT EXISTS (SELECT 1 FROM payout r WHERE r.reverses = p.id)
ORDER BY p.id
"""
"""A county's payouts in the columns of the payouts template (``app.sheets.templates.PAYOUTS``). A payout
and its reversal net to nothing and the template has no column for a reversal: neither is written. Nor is a
share of an asset's income (under a link of kind ``asset``): the template's kinds are an operator's."""


async def county_template_rows(sheet_key: str, county: str) -> AsyncIterator[dict[str, Any]]:
    """The rows of the payouts template's one sheet for a county, streamed (amounts as ``Decimal``)."""
    assert sheet_key == "payouts"
    async for record in stream_rows(COUNTY_PAYOUTS, [county]):
        yield dict(record)
