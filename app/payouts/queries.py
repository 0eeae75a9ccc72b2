"""The payouts app's SQL: the ledger (``payout``) read and appended, returning typed values.

Every function takes the connection or unit of work it runs on; none opens a transaction.
Filters are parameters (``$n IS NULL OR ...``), never text spliced into the statement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.core.cells import sql_safe_text
from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db, UnitOfWork, copy_csv, stream_rows
from app.payouts.rules import LinkFacts
from app.payouts.schemas import PayoutOut, PayoutTotal
from app.registry.rules import continuation_end

_PAYOUT = """
SELECT p.id, p.enterprise AS enterprise_id, p.link AS link_id, p.household AS household_id, p.income_type,
       p.amount, p.period_from, p.period_to, p.paid_on, p.method, p.reference, p.batch AS batch_id, p.reverses,
       r.id AS reversed_by, p.reason, p.created_at
FROM payout p
LEFT JOIN payout r ON r.reverses = p.id
"""


class StoredPayout(msgspec.Struct, frozen=True, kw_only=True):
    """A ledger row with the fingerprint of the body that wrote it (for retries)."""

    payout: PayoutOut
    body_hash: str
    county_code: str


class NewPayout(msgspec.Struct, frozen=True, kw_only=True):
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
    created_by: int | None


def _payout(row: Any) -> PayoutOut:
    return msgspec.convert({k: row[k] for k in PayoutOut.__struct_fields__}, PayoutOut)


def _stored(row: Any) -> StoredPayout | None:
    if row is None:
        return None
    return StoredPayout(payout=_payout(row), body_hash=row["body_hash"], county_code=row["county_code"])


async def link_facts(db: Db, link_ids: list[int], *, default_years: int, lock: bool = False) -> dict[int, LinkFacts]:
    """The links payouts are checked against; ``lock`` holds them (FOR SHARE) to the end of the
    transaction, so a link cannot be ended, nor its household removed, between the check and the write.
    An exited household's links carry the end of its policy continuation: its county's continuation years,
    read in the same statement (a payout is one round trip fewer), or ``default_years`` (the setting) where
    the county set none."""
    sql = (
        "SELECT l.id, l.enterprise, l.household, l.kind, l.start_date, l.end_date, h.status = 'removed' AS removed,"
        " h.status, h.exited_year, l.county_code, cp.continuation_years"
        " FROM link l JOIN household h ON h.id = l.household JOIN village v ON v.id = h.village"
        " LEFT JOIN county_policy cp ON cp.county = v.county_id"
        " WHERE l.id = ANY ($1::int[])"
    )
    rows = await db.fetch(sql + " ORDER BY l.id FOR SHARE OF l" if lock else sql, link_ids)
    return {
        r["id"]: LinkFacts(
            r["id"],
            r["enterprise"],
            r["household"],
            r["kind"],
            r["start_date"],
            r["end_date"],
            r["removed"],
            continuation_end(
                r["status"],
                r["exited_year"],
                default_years if r["continuation_years"] is None else r["continuation_years"],
            ),
            r["county_code"],
        )
        for r in rows
    }


async def by_id(db: Db, payout_id: int, *, lock: bool = False) -> StoredPayout | None:
    sql = _PAYOUT.replace("r.id AS reversed_by", "r.id AS reversed_by, p.body_hash, p.county_code") + " WHERE p.id = $1"
    return _stored(await db.fetchrow(sql + " FOR UPDATE OF p" if lock else sql, payout_id))


async def by_reference(db: Db, enterprise_id: int, reference: str) -> StoredPayout | None:
    return _stored(
        await db.fetchrow(
            _PAYOUT.replace("r.id AS reversed_by", "r.id AS reversed_by, p.body_hash, p.county_code")
            + " WHERE p.enterprise = $1 AND lower(p.reference) = lower($2)",
            enterprise_id,
            reference,
        )
    )


async def insert(db: Db, new: NewPayout) -> PayoutOut | None:
    """Append a payout; None when its reference is already taken (a resend or a clash)."""
    row = await db.fetchrow(
        "INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
        " method, reference, body_hash, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())"
        " ON CONFLICT (enterprise, lower(reference)) DO NOTHING"
        " RETURNING id, enterprise AS enterprise_id, link AS link_id, household AS household_id, income_type,"
        " amount, period_from, period_to, paid_on, method, reference, batch AS batch_id, reverses,"
        " NULL::bigint AS reversed_by, reason, created_at",
        new.enterprise_id,
        new.link_id,
        new.household_id,
        new.income_type,
        new.amount,
        new.period_from,
        new.period_to,
        new.paid_on,
        new.method,
        new.reference,
        new.body_hash,
        new.created_by,
    )
    return None if row is None else _payout(row)


async def insert_reversal(
    db: Db, original_id: int, reference: str, body_hash: str, reason: str, created_by: int | None
) -> PayoutOut:
    """A negative copy of a payout, pointing at it, with the original's dates."""
    new_id = await db.fetchval(
        "INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
        " method, reference, body_hash, reverses, reason, created_by, created_at)"
        " SELECT enterprise, link, household, income_type, -amount, period_from, period_to, paid_on,"
        " method, $2, $3, id, $4, $5, now() FROM payout WHERE id = $1 RETURNING id",
        original_id,
        reference,
        body_hash,
        reason,
        created_by,
    )
    stored = await by_id(db, new_id)
    assert stored is not None  # just written in this transaction
    return stored.payout


class PayoutQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which payouts a list or an export reads (the caller's scope already applied)."""

    enterprise_id: int | None = None
    link_id: int | None = None
    household_id: int | None = None
    income_type: str | None = None
    paid_from: date | None = None
    paid_to: date | None = None
    region: str | None = None  # the caller's region: a county prefix


_WHERE = (
    " WHERE ($1::int IS NULL OR p.enterprise = $1) AND ($2::int IS NULL OR p.link = $2)"
    " AND ($3::int IS NULL OR p.household = $3) AND ($4::text IS NULL OR p.income_type = $4)"
    " AND ($5::date IS NULL OR p.paid_on >= $5) AND ($6::date IS NULL OR p.paid_on <= $6)"
)


def _filtered(q: PayoutQuery) -> tuple[str, list[Any]]:
    """The filters (from WHERE), narrowed to the caller's region, and their arguments."""
    args: list[Any] = [q.enterprise_id, q.link_id, q.household_id, q.income_type, q.paid_from, q.paid_to]
    return _WHERE + county_clause("p.county_code", q.region, args), args


def _listed(q: PayoutQuery) -> tuple[str, list[Any]]:
    where, args = _filtered(q)
    return _PAYOUT + where, args


async def page_of(db: Db, q: PayoutQuery, page: PageParams, *, newest_first: bool) -> Page[PayoutOut]:
    sql, args = _listed(q)
    return await fetch_page(sql, args, page, "id DESC" if newest_first else "id", _payout, db=db)


async def stream(q: PayoutQuery) -> AsyncIterator[PayoutOut]:
    """Every payout of the query in id order, from a cursor (for exports)."""
    sql, args = _listed(q)
    async for row in stream_rows(sql + " ORDER BY p.id", args):
        yield _payout(row)


# the export's columns as the database writes them (COPY), text cells made safe for a spreadsheet in SQL
EXPORT_HEADER = (
    "id", "enterprise_id", "link_id", "household_id", "income_type", "amount", "period_from", "period_to",
    "paid_on", "method", "reference", "reverses", "reason",
)  # fmt: skip
_EXPORT = (
    "SELECT p.id, p.enterprise, p.link, p.household, p.income_type, p.amount, p.period_from, p.period_to,"
    f" p.paid_on, p.method, {sql_safe_text('p.reference')}, p.reverses, {sql_safe_text('p.reason')}"
    " FROM payout p"
)


def export_csv(q: PayoutQuery) -> AsyncIterator[bytes]:
    """Every payout of the query in id order as CSV rows (no header), written by the database."""
    where, args = _filtered(q)
    return copy_csv(_EXPORT + where + " ORDER BY p.id", args)


class BatchPart(msgspec.Struct, frozen=True, kw_only=True):
    """What one batch wrote in one county."""

    county_code: str
    written: int
    total: Decimal
    first_id: int | None
    last_id: int | None


async def batch_by_county(db: Db, batch_id: int, first_id: int | None, last_id: int | None) -> list[BatchPart]:
    """The batch's payouts per county; they lie between the first and the last id it wrote (the key's range,
    not a scan of the ledger for the batch)."""
    if first_id is None or last_id is None:
        return []
    rows = await db.fetch(
        "SELECT county_code, count(*) AS written, sum(amount) AS total, min(id) AS first_id, max(id) AS last_id"
        " FROM payout WHERE id BETWEEN $2 AND $3 AND batch = $1 GROUP BY county_code ORDER BY county_code",
        batch_id,
        first_id,
        last_id,
    )
    return [msgspec.convert(dict(r), BatchPart) for r in rows]


_TOTALS = (
    "SELECT p.household AS household_id, h.registry_no, p.enterprise AS enterprise_id, p.link AS link_id,"
    " l.kind AS link_kind, extract(year FROM p.period_from)::int AS year,"
    " count(*) FILTER (WHERE p.reverses IS NULL) AS payouts,"
    " sum(p.amount) AS amount"
    " FROM payout p JOIN household h ON h.id = p.household JOIN link l ON l.id = p.link"
)
_TOTALS_GROUPS = (
    " GROUP BY p.household, h.registry_no, p.enterprise, p.link, l.kind, extract(year FROM p.period_from)"
    " ORDER BY p.household, p.link, year"
)


async def stream_totals(q: PayoutQuery) -> AsyncIterator[PayoutTotal]:
    """The payouts of the query summed per household, link and year, from a cursor (for the ledger)."""
    where, args = _filtered(q)
    async for row in stream_rows(_TOTALS + where + _TOTALS_GROUPS, args):
        yield PayoutTotal(**dict(row))


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
)


class StagedPayout(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    """One checked row of a batch, in the staging table's column order."""

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


class BatchWritten(msgspec.Struct, frozen=True, kw_only=True):
    count: int
    total: Decimal
    first_id: int | None
    last_id: int | None


class EarlierPayout(msgspec.Struct, frozen=True, kw_only=True):
    """A staged row whose reference the ledger already holds: the same body (a retry) or not (a clash)."""

    idx: int
    payout_id: int
    same: bool
    reference: str
    """As the ledger spells it (a reference matches whatever the case of its letters)."""
    body_hash: str


async def open_batch(db: Db, enterprise_id: int | None, source: str, received: int, created_by: int | None) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO payout_batch (enterprise, source, rows_received, created_by, created_at)"
            " VALUES ($1, $2, $3, $4, now()) RETURNING id",
            enterprise_id,
            source,
            received,
            created_by,
        )
    )


async def copy_batch(uow: UnitOfWork, batch_id: int, created_by: int | None, rows: list[StagedPayout]) -> BatchWritten:
    """COPY the rows into a staging table dropped at commit, then one INSERT ... SELECT into the ledger;
    rows whose reference is taken are skipped (ON CONFLICT), for the caller to sort out."""
    await uow.execute(
        "CREATE TEMP TABLE payout_staging (idx int, enterprise int, link int, household int, income_type text,"
        " amount numeric(14,2), period_from date, period_to date, paid_on date, method text, reference text,"
        " body_hash text) ON COMMIT DROP"
    )
    await uow.conn.copy_records_to_table(
        "payout_staging", columns=_STAGING_COLUMNS, records=[msgspec.structs.astuple(r) for r in rows]
    )
    row = await uow.fetchrow(
        "WITH written AS ("
        " INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
        " method, reference, body_hash, batch, created_by, created_at)"
        " SELECT enterprise, link, household, income_type, amount, period_from, period_to, paid_on, method,"
        " reference, body_hash, $1, $2, now() FROM payout_staging ORDER BY idx"
        " ON CONFLICT (enterprise, lower(reference)) DO NOTHING RETURNING id, amount)"
        " SELECT count(*) AS n, coalesce(sum(amount), 0) AS total, min(id) AS first, max(id) AS last FROM written",
        batch_id,
        created_by,
    )
    assert row is not None  # an aggregate always answers
    return BatchWritten(count=row["n"], total=row["total"], first_id=row["first"], last_id=row["last"])


async def staged_already_recorded(uow: UnitOfWork, batch_id: int) -> list[EarlierPayout]:
    rows = await uow.fetch(
        "SELECT s.idx, p.id, p.body_hash = s.body_hash AS same, p.reference, p.body_hash FROM payout_staging s"
        " JOIN payout p ON p.enterprise = s.enterprise AND lower(p.reference) = lower(s.reference)"
        " WHERE p.batch IS DISTINCT FROM $1 ORDER BY s.idx",
        batch_id,
    )
    return [
        EarlierPayout(
            idx=r["idx"], payout_id=r["id"], same=r["same"], reference=r["reference"], body_hash=r["body_hash"]
        )
        for r in rows
    ]


async def close_batch(db: Db, batch_id: int, written: int) -> None:
    await db.execute("UPDATE payout_batch SET rows_written = $2 WHERE id = $1", batch_id, written)


class NamedLink(msgspec.Struct, frozen=True, kw_only=True):
    """A spreadsheet row's words for its link: household, base (name or id), kind and a day it covers."""

    idx: int
    registry_no: str
    base: str
    kind: str
    period_from: date


class FoundLink(msgspec.Struct, frozen=True, kw_only=True):
    idx: int
    household_id: int | None
    base_id: int | None
    link_id: int | None


async def links_named_in_rows(db: Db, enterprise_id: int, rows: list[NamedLink]) -> list[FoundLink]:
    """Each row's household by registry number, the enterprise's base by name or id, and the link of that
    kind whose period covers ``period_from``: one query for the whole file."""
    found = await db.fetch(
        "SELECT r.idx, h.id AS household, b.id AS base, l.id AS link"
        " FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::date[])"
        "      AS r(idx, registry_no, base, kind, period_from)"
        " LEFT JOIN household h ON h.registry_no = r.registry_no"
        " LEFT JOIN base b ON b.enterprise = $1 AND (b.name = r.base OR b.id::text = r.base)"
        " LEFT JOIN link l ON l.base = b.id AND l.household = h.id AND l.kind = r.kind"
        "      AND daterange(l.start_date, l.end_date, '[]') @> r.period_from",
        enterprise_id,
        [r.idx for r in rows],
        [r.registry_no for r in rows],
        [r.base for r in rows],
        [r.kind for r in rows],
        [r.period_from for r in rows],
    )
    return [FoundLink(idx=f["idx"], household_id=f["household"], base_id=f["base"], link_id=f["link"]) for f in found]
