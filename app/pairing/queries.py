"""The pairing app's SQL (``pairing``, ``support_record``), returning typed values.

Writes touch only these two tables; reads join the enterprise and village they name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db, stream_rows
from app.pairing.rules import pairing_mode
from app.pairing.schemas import PairingOut, SupportOut

_PAIRING = """
SELECT p.id, p.enterprise AS enterprise_id, e.name AS enterprise_name, p.village AS village_id,
       v.name AS village_name, v.town AS town_id, p.start_date, p.end_date, p.created_at,
       (SELECT count(DISTINCT q.enterprise) FROM pairing q WHERE q.village = p.village
         AND q.start_date <= current_date AND (q.end_date IS NULL OR q.end_date >= current_date)) AS enterprises_of_village,
       (SELECT count(DISTINCT q.village) FROM pairing q WHERE q.enterprise = p.enterprise
         AND q.start_date <= current_date AND (q.end_date IS NULL OR q.end_date >= current_date)) AS villages_of_enterprise
FROM pairing p JOIN enterprise e ON e.id = p.enterprise JOIN village v ON v.id = p.village
"""

_SUPPORT = """
SELECT s.id, s.enterprise AS enterprise_id, s.village AS village_id, s.kind, s.amount, s.in_kind,
       s.households_benefited, s.people_benefited, s.given_on, s.note, s.reference, s.created_at, s.body_hash
FROM support_record s
"""


class PairingPeriod(msgspec.Struct, frozen=True, kw_only=True):
    start_date: date
    end_date: date | None
    county_code: str


class StoredSupport(msgspec.Struct, frozen=True, kw_only=True):
    """A support record with the fingerprint of the body that wrote it (for retries)."""

    record: SupportOut
    body_hash: str


class NewSupport(msgspec.Struct, frozen=True, kw_only=True):
    enterprise_id: int
    village_id: int
    kind: str
    amount: Decimal | None
    in_kind: str | None
    households_benefited: int
    people_benefited: int
    given_on: date
    note: str | None
    reference: str
    body_hash: str
    created_by: int | None


class SupportQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which support records a list or an export reads (the caller's scope already applied)."""

    enterprise_id: int | None = None
    village_id: int | None = None
    kind: str | None = None
    year: int | None = None
    town_id: int | None = None
    """A town officer's town: only support given to that town's villages."""
    region: str | None = None
    """The caller's region: a county prefix."""


class PairedCounts(msgspec.Struct, frozen=True, kw_only=True):
    enterprises: int
    villages: int
    poor_villages: int


class UnpairedVillage(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    town_id: int


class SupportSum(msgspec.Struct, frozen=True, kw_only=True):
    """Support of one enterprise or village, year and kind."""

    id: int
    name: str
    year: int
    kind: str
    records: int
    amount: Decimal
    people_benefited: int


def _pairing(row: Any) -> PairingOut:
    fields = {k: row[k] for k in PairingOut.__struct_fields__ if k != "mode"}
    mode = pairing_mode(row["enterprises_of_village"], row["villages_of_enterprise"])
    return msgspec.convert({**fields, "mode": mode}, PairingOut)


def _support(row: Any) -> SupportOut:
    return msgspec.convert({k: row[k] for k in SupportOut.__struct_fields__}, SupportOut)


def _stored(row: Any) -> StoredSupport | None:
    return None if row is None else StoredSupport(record=_support(row), body_hash=row["body_hash"])


# pairings


async def overlapping_pairing(db: Db, enterprise_id: int, village_id: int, start: date, end: date | None) -> int | None:
    return await db.fetchval(
        "SELECT id FROM pairing WHERE enterprise = $1 AND village = $2"
        " AND daterange(start_date, end_date, '[]') && daterange($3::date, $4::date, '[]') ORDER BY id LIMIT 1",
        enterprise_id,
        village_id,
        start,
        end,
    )


async def insert_pairing(db: Db, enterprise_id: int, village_id: int, start: date, end: date | None) -> int:
    return int(
        await db.fetchval(
            "INSERT INTO pairing (enterprise, village, start_date, end_date, created_at)"
            " VALUES ($1, $2, $3, $4, now()) RETURNING id",
            enterprise_id,
            village_id,
            start,
            end,
        )
    )


async def pairing_by_id(db: Db, pairing_id: int) -> PairingOut | None:
    row = await db.fetchrow(_PAIRING + " WHERE p.id = $1", pairing_id)
    return None if row is None else _pairing(row)


async def period_held(db: Db, pairing_id: int) -> PairingPeriod | None:
    """The pairing's period and county, its row held (FOR UPDATE) to the end of the transaction."""
    row = await db.fetchrow(
        "SELECT start_date, end_date, county_code FROM pairing WHERE id = $1 FOR UPDATE", pairing_id
    )
    if row is None:
        return None
    return PairingPeriod(start_date=row["start_date"], end_date=row["end_date"], county_code=row["county_code"])


async def set_end(db: Db, pairing_id: int, end: date) -> None:
    await db.execute("UPDATE pairing SET end_date = $2 WHERE id = $1", pairing_id, end)


async def page_of_pairings(
    db: Db,
    page: PageParams,
    *,
    enterprise_id: int | None,
    village_id: int | None,
    in_force: bool | None,
    town_id: int | None = None,
    region: str | None = None,
) -> Page[PairingOut]:
    args: list[Any] = [enterprise_id, village_id, in_force, town_id]
    return await fetch_page(
        _PAIRING + " WHERE ($1::int IS NULL OR p.enterprise = $1) AND ($2::int IS NULL OR p.village = $2)"
        " AND ($3::bool IS NULL"
        "      OR (p.start_date <= current_date AND (p.end_date IS NULL OR p.end_date >= current_date)) = $3)"
        " AND ($4::int IS NULL OR v.town = $4)" + county_clause("p.county_code", region, args),
        args,
        page,
        "id",
        _pairing,
        db=db,
    )


async def paired_on(db: Db, enterprise_id: int, village_id: int, day: date) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pairing WHERE enterprise = $1 AND village = $2 AND start_date <= $3"
            " AND (end_date IS NULL OR end_date >= $3))",
            enterprise_id,
            village_id,
            day,
        )
    )


# support records


async def support_by_reference(db: Db, enterprise_id: int, reference: str) -> StoredSupport | None:
    return _stored(
        await db.fetchrow(
            _SUPPORT + " WHERE s.enterprise = $1 AND lower(s.reference) = lower($2)", enterprise_id, reference
        )
    )


async def insert_support(db: Db, new: NewSupport) -> SupportOut | None:
    """Append a support record; None when its reference is already taken (a resend or a clash)."""
    row = await db.fetchrow(
        "INSERT INTO support_record (enterprise, village, kind, amount, in_kind, households_benefited,"
        " people_benefited, given_on, note, reference, body_hash, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())"
        " ON CONFLICT (enterprise, lower(reference)) DO NOTHING"
        " RETURNING id, enterprise AS enterprise_id, village AS village_id, kind, amount, in_kind,"
        " households_benefited, people_benefited, given_on, note, reference, created_at",
        new.enterprise_id,
        new.village_id,
        new.kind,
        new.amount,
        new.in_kind,
        new.households_benefited,
        new.people_benefited,
        new.given_on,
        new.note,
        new.reference,
        new.body_hash,
        new.created_by,
    )
    return None if row is None else _support(row)


_SUPPORT_LIST = (
    _SUPPORT + " WHERE ($1::int IS NULL OR s.enterprise = $1) AND ($2::int IS NULL OR s.village = $2)"
    " AND ($3::text IS NULL OR s.kind = $3) AND ($4::int IS NULL OR extract(year FROM s.given_on) = $4)"
    " AND ($5::int IS NULL OR s.village IN (SELECT v.id FROM village v WHERE v.town = $5))"
)


def _listed(q: SupportQuery) -> tuple[str, list[Any]]:
    args: list[Any] = [q.enterprise_id, q.village_id, q.kind, q.year, q.town_id]
    return _SUPPORT_LIST + county_clause("s.county_code", q.region, args), args


async def page_of_support(db: Db, q: SupportQuery, page: PageParams, *, newest_first: bool) -> Page[SupportOut]:
    sql, args = _listed(q)
    return await fetch_page(sql, args, page, "id DESC" if newest_first else "id", _support, db=db)


async def stream_support(q: SupportQuery) -> AsyncIterator[SupportOut]:
    """Every support record of the query in id order, from a cursor (for exports)."""
    sql, args = _listed(q)
    async for row in stream_rows(sql + " ORDER BY s.id", args):
        yield _support(row)


# the programme report


# The report of a region's account counts the pairings, villages and support of the counties under it.


async def paired_counts(db: Db, region: str | None = None) -> PairedCounts:
    args: list[Any] = []
    row = await db.fetchrow(
        "SELECT count(DISTINCT p.enterprise) AS enterprises, count(DISTINCT p.village) AS villages,"
        " count(DISTINCT p.village) FILTER (WHERE v.is_poor_village) AS poor_villages"
        " FROM pairing p JOIN village v ON v.id = p.village"
        " WHERE p.start_date <= current_date AND (p.end_date IS NULL OR p.end_date >= current_date)"
        + county_clause("p.county_code", region, args),
        *args,
    )
    assert row is not None  # an aggregate always answers
    return PairedCounts(enterprises=row["enterprises"], villages=row["villages"], poor_villages=row["poor_villages"])


async def poor_villages_never_paired(db: Db, region: str | None = None) -> list[UnpairedVillage]:
    args: list[Any] = []
    rows = await db.fetch(
        "SELECT v.id, v.name, v.town AS town_id FROM village v WHERE v.is_poor_village"
        " AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.village = v.id)"
        + county_clause("v.county_code", region, args)
        + " ORDER BY v.id",
        *args,
    )
    return [UnpairedVillage(id=r["id"], name=r["name"], town_id=r["town_id"]) for r in rows]


_SUPPORT_SUMS = """
    SELECT {key} AS id, {name} AS name, extract(year FROM s.given_on)::int AS year, s.kind,
           count(*) AS records, coalesce(sum(s.amount), 0) AS amount, sum(s.people_benefited) AS people_benefited
    FROM support_record s JOIN enterprise e ON e.id = s.enterprise JOIN village v ON v.id = s.village
    WHERE ($1::int IS NULL OR extract(year FROM s.given_on) = $1){within}
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4
"""


async def _support_sums(db: Db, key: str, name: str, year: int | None, region: str | None) -> list[SupportSum]:
    args: list[Any] = [year]
    sql = _SUPPORT_SUMS.format(key=key, name=name, within=county_clause("s.county_code", region, args))
    return [msgspec.convert(dict(r), SupportSum) for r in await db.fetch(sql, *args)]


async def support_by_enterprise(db: Db, year: int | None, region: str | None = None) -> list[SupportSum]:
    return await _support_sums(db, "e.id", "e.name", year, region)


async def support_by_village(db: Db, year: int | None, region: str | None = None) -> list[SupportSum]:
    return await _support_sums(db, "v.id", "v.name", year, region)
