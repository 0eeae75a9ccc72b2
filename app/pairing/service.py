"""Pairings and support records (千企帮千村)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.core.principal import Principal, Role, ensure_enterprise_scope
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.core.pagination import Page, PageParams, fetch_page
from app.pairing.rules import pairing_mode, support_hash
from app.pairing.schemas import (
    PairingCreate,
    PairingEnd,
    PairingOut,
    ProgrammeReport,
    SupportIn,
    SupportOut,
    SupportTotal,
)

_IN_FORCE = "p.start_date <= current_date AND (p.end_date IS NULL OR p.end_date >= current_date)"

_PAIRING = """
SELECT p.*, p.enterprise AS enterprise_id, e.name AS enterprise_name, p.village AS village_id,
       v.name AS village_name, v.town AS town_id,
       (SELECT count(DISTINCT q.enterprise) FROM pairing q WHERE q.village = p.village
         AND q.start_date <= current_date AND (q.end_date IS NULL OR q.end_date >= current_date)) AS enterprises_of_village,
       (SELECT count(DISTINCT q.village) FROM pairing q WHERE q.enterprise = p.enterprise
         AND q.start_date <= current_date AND (q.end_date IS NULL OR q.end_date >= current_date)) AS villages_of_enterprise
FROM pairing p JOIN enterprise e ON e.id = p.enterprise JOIN village v ON v.id = p.village
"""

_SUPPORT = "SELECT s.*, s.enterprise AS enterprise_id, s.village AS village_id FROM support_record s"


def _pairing(row: Any) -> PairingOut:
    return to_struct(PairingOut, {**dict(row), "mode": pairing_mode(row["enterprises_of_village"],
                                                                     row["villages_of_enterprise"])})


def _support(row: Any) -> SupportOut:
    return to_struct(SupportOut, row)


async def create_pairing(actor: Principal, data: PairingCreate) -> PairingOut:
    async with transaction():
        if not await fetchrow("SELECT 1 FROM enterprise WHERE id = $1", data.enterprise_id):
            raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
        if not await fetchrow("SELECT 1 FROM village WHERE id = $1", data.village_id):
            raise Refused(f"village {data.village_id} does not exist", extra={"field": "village_id"})
        # one pairing of an enterprise and a village at a time; the enterprise row lock orders concurrent ones
        await fetchrow("SELECT 1 FROM enterprise WHERE id = $1 FOR UPDATE", data.enterprise_id)
        overlap = await fetchrow(
            "SELECT id FROM pairing WHERE enterprise = $1 AND village = $2"
            " AND daterange(start_date, end_date, '[]') && daterange($3::date, $4::date, '[]')",
            data.enterprise_id, data.village_id, data.start_date, data.end_date,
        )
        if overlap:
            raise Conflict(f"pairing {overlap['id']} already pairs them in that period",
                           extra={"existing_pairing_id": overlap["id"]})
        row = await fetchrow(
            "INSERT INTO pairing (enterprise, village, start_date, end_date, created_at)"
            " VALUES ($1, $2, $3, $4, now()) RETURNING id",
            data.enterprise_id, data.village_id, data.start_date, data.end_date,
        )
        pairing = _pairing(await fetchrow(_PAIRING + " WHERE p.id = $1", row["id"]))
        await audit.record(actor, "create", "pairing", pairing.id, after=pairing)
    return pairing


async def end_pairing(actor: Principal, pairing_id: int, data: PairingEnd) -> PairingOut:
    async with transaction():
        row = await fetchrow("SELECT * FROM pairing WHERE id = $1 FOR UPDATE", pairing_id)
        if row is None:
            raise NotFound(f"pairing {pairing_id} does not exist")
        if data.end_date < row["start_date"]:
            raise Refused(f"the pairing started on {row['start_date']}", extra={"field": "end_date"})
        if row["end_date"] is not None and data.end_date > row["end_date"]:
            raise Conflict(f"the pairing already ends on {row['end_date']}")
        await fetch("UPDATE pairing SET end_date = $2 WHERE id = $1", pairing_id, data.end_date)
        after = _pairing(await fetchrow(_PAIRING + " WHERE p.id = $1", pairing_id))
        await audit.record(actor, "end", "pairing", pairing_id, before={"end_date": row["end_date"]},
                           after={"end_date": after.end_date})
    return after


async def list_pairings(principal: Principal, page: PageParams, *, enterprise_id: int | None,
                        village_id: int | None, in_force: bool | None) -> Page[PairingOut]:
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    return await fetch_page(
        _PAIRING + " WHERE ($1::int IS NULL OR p.enterprise = $1) AND ($2::int IS NULL OR p.village = $2)"
        f" AND ($3::bool IS NULL OR ({_IN_FORCE}) = $3)",
        [enterprise_id, village_id, in_force], page, "id", _pairing,
    )


async def record_support(actor: Principal, data: SupportIn) -> tuple[SupportOut, bool]:
    """(record, created); a resend with the same reference and body returns the first record."""
    ensure_enterprise_scope(actor, data.enterprise_id)
    fingerprint = support_hash(data.village_id, data.kind.value, data.amount, data.in_kind, data.households_benefited,
                               data.people_benefited, data.given_on, data.note, data.reference)
    async with transaction():
        existing = await fetchrow(_SUPPORT + " WHERE s.enterprise = $1 AND s.reference = $2",
                                  data.enterprise_id, data.reference)
        if existing is None:
            paired = await fetchrow(
                "SELECT 1 FROM pairing WHERE enterprise = $1 AND village = $2 AND start_date <= $3"
                " AND (end_date IS NULL OR end_date >= $3)",
                data.enterprise_id, data.village_id, data.given_on,
            )
            if paired is None:
                raise Refused(
                    f"enterprise {data.enterprise_id} is not paired with village {data.village_id} on {data.given_on}",
                    extra={"field": "village_id"},
                )
            row = await fetchrow(
                "INSERT INTO support_record (enterprise, village, kind, amount, in_kind, households_benefited,"
                " people_benefited, given_on, note, reference, body_hash, created_by, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())"
                " ON CONFLICT (enterprise, reference) DO NOTHING RETURNING id",
                data.enterprise_id, data.village_id, data.kind.value, data.amount, data.in_kind,
                data.households_benefited, data.people_benefited, data.given_on, data.note, data.reference,
                fingerprint, actor.account_id,
            )
            if row is not None:
                record = _support(await fetchrow(_SUPPORT + " WHERE s.id = $1", row["id"]))
                await audit.record(actor, "create", "support_record", record.id, after=record)
                return record, True
            existing = await fetchrow(_SUPPORT + " WHERE s.enterprise = $1 AND s.reference = $2",
                                      data.enterprise_id, data.reference)
    if existing["body_hash"] != fingerprint:
        raise Conflict(f"reference {data.reference} was already used for support record {existing['id']}"
                       " with different content", extra={"field": "reference", "existing_record_id": existing["id"]})
    return _support(existing), False


def support_query(principal: Principal, *, enterprise_id: int | None, village_id: int | None, kind: str | None,
                  year: int | None) -> tuple[str, list[Any]]:
    """The support records a caller may read under the filters (for lists and exports)."""
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    return (
        _SUPPORT + " WHERE ($1::int IS NULL OR s.enterprise = $1) AND ($2::int IS NULL OR s.village = $2)"
        " AND ($3::text IS NULL OR s.kind = $3) AND ($4::int IS NULL OR extract(year FROM s.given_on) = $4)",
        [enterprise_id, village_id, kind, year],
    )


async def list_support(principal: Principal, page: PageParams, *, newest_first: bool = False,
                       **filters: Any) -> Page[SupportOut]:
    return await fetch_page(*support_query(principal, **filters), page, "id DESC" if newest_first else "id", _support)


async def programme_report(year: int | None) -> ProgrammeReport:
    counts = await fetchrow(
        "SELECT count(DISTINCT p.enterprise) AS enterprises, count(DISTINCT p.village) AS villages,"
        " count(DISTINCT p.village) FILTER (WHERE v.is_poor_village) AS poor_villages"
        " FROM pairing p JOIN village v ON v.id = p.village"
        f" WHERE {_IN_FORCE}"
    )
    unpaired = await fetch(
        "SELECT v.id, v.name, v.town AS town_id FROM village v WHERE v.is_poor_village"
        " AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.village = v.id) ORDER BY v.id"
    )
    totals = """
        SELECT {key} AS id, {name} AS name, extract(year FROM s.given_on)::int AS year, s.kind,
               count(*) AS records, coalesce(sum(s.amount), 0) AS amount, sum(s.people_benefited) AS people_benefited
        FROM support_record s JOIN enterprise e ON e.id = s.enterprise JOIN village v ON v.id = s.village
        WHERE $1::int IS NULL OR extract(year FROM s.given_on) = $1
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4
    """
    by_enterprise = await fetch(totals.format(key="e.id", name="e.name"), year)
    by_village = await fetch(totals.format(key="v.id", name="v.name"), year)

    def total(r: Any) -> SupportTotal:
        return to_struct(SupportTotal, {**dict(r), "amount": Decimal(r["amount"]).quantize(Decimal("0.01"))})

    return ProgrammeReport(
        enterprises_paired=counts["enterprises"], villages_paired=counts["villages"],
        poor_villages_paired=counts["poor_villages"],
        poor_villages_without_pairing=[dict(r) for r in unpaired],
        by_enterprise=[total(r) for r in by_enterprise], by_village=[total(r) for r in by_village],
    )
