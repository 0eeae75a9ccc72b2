"""Recording single payouts, reversing them, and reading the ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException

from app import audit
from app.auth import Principal, Role, ensure_enterprise_scope
from app.database import fetch, fetchrow, to_struct, transaction
from app.errors import Conflict, Unprocessable
from app.pagination import Page, PageParams, fetch_page
from app.payouts.rules import LinkFacts, PayoutFacts, body_hash, payout_problems
from app.payouts.schemas import PayoutFilter, PayoutIn, PayoutOut, Reversal

_PAYOUT = """
SELECT p.id, p.enterprise AS enterprise_id, p.link AS link_id, p.household AS household_id, p.income_type,
       p.amount, p.period_from, p.period_to, p.paid_on, p.method, p.reference, p.batch AS batch_id, p.reverses,
       r.id AS reversed_by, p.reason, p.created_at, p.body_hash
FROM payout p
LEFT JOIN payout r ON r.reverses = p.id
"""


def payout_out(row: Any) -> PayoutOut:
    return to_struct(PayoutOut, row)


async def load_links(link_ids: list[int], *, lock: bool = False) -> dict[int, LinkFacts]:
    """The links payouts are checked against; ``lock`` holds them (FOR SHARE) to the end of the
    transaction, so a link cannot be ended, nor its household removed, between the check and the write."""
    rows = await fetch(
        "SELECT l.id, l.enterprise, l.household, l.kind, l.start_date, l.end_date, h.status = 'removed' AS removed"
        " FROM link l JOIN household h ON h.id = l.household WHERE l.id = ANY ($1::int[])"
        + (" ORDER BY l.id FOR SHARE OF l" if lock else ""),
        link_ids,
    )
    return {
        r["id"]: LinkFacts(r["id"], r["enterprise"], r["household"], r["kind"], r["start_date"], r["end_date"],
                           r["removed"])
        for r in rows
    }


def hash_of(p: PayoutIn) -> str:
    return body_hash(p.link_id, p.income_type.value, p.amount, p.period_from, p.period_to, p.paid_on,
                     p.method.value, p.reference)


async def record_payout(actor: Principal, data: PayoutIn) -> tuple[PayoutOut, bool]:
    """(payout, created): a resend of the same body returns the first payout with created False."""
    fingerprint = hash_of(data)
    async with transaction():
        link = (await load_links([data.link_id], lock=True)).get(data.link_id)
        if link is None:
            raise Unprocessable(f"link {data.link_id} does not exist", extra={"field": "link_id"})
        ensure_enterprise_scope(actor, link.enterprise_id)
        problems = payout_problems(
            PayoutFacts(data.income_type.value, data.period_from, data.period_to, data.paid_on), link, date.today()
        )
        if problems:
            # a resend of a payout recorded before the link changed still gets its first answer
            if (existing := await _by_reference(link.enterprise_id, data.reference)) is not None:
                return _same_or_clash(existing, fingerprint), False
            field, reason = problems[0]
            raise Unprocessable(reason, extra={"field": field,
                                               "errors": [{"field": f, "message": m} for f, m in problems]})
        row = await fetchrow(
            "INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
            " method, reference, body_hash, created_by, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())"
            " ON CONFLICT (enterprise, reference) DO NOTHING"
            " RETURNING id, enterprise AS enterprise_id, link AS link_id, household AS household_id, income_type,"
            " amount, period_from, period_to, paid_on, method, reference, batch AS batch_id, reverses,"
            " NULL::bigint AS reversed_by, reason, created_at",
            link.enterprise_id, link.id, link.household_id, data.income_type.value, data.amount, data.period_from,
            data.period_to, data.paid_on, data.method.value, data.reference, fingerprint, actor.account_id,
        )
        if row is None:  # the reference is taken: a resend (same body) or a clash (another body)
            found = await _by_reference(link.enterprise_id, data.reference)
            return _same_or_clash(found, fingerprint), False
        payout = payout_out(row)
        await audit.record(actor, "create", "payout", payout.id, after=payout)
    return payout, True


async def _by_reference(enterprise_id: int, reference: str) -> Any:
    return await fetchrow(_PAYOUT + " WHERE p.enterprise = $1 AND p.reference = $2", enterprise_id, reference)


def _same_or_clash(existing: Any, fingerprint: str) -> PayoutOut:
    if existing["body_hash"] != fingerprint:
        raise Conflict(
            f"reference {existing['reference']} was already used for payout {existing['id']} with different content",
            extra={"field": "reference", "existing_payout_id": existing["id"]},
        )
    return payout_out(existing)


async def reverse_payout(actor: Principal, payout_id: int, data: Reversal) -> PayoutOut:
    """Cancel a payout with a negative entry pointing at it; the original stays as it was.

    The reversal carries the original's dates, so the year's income nets to zero.
    """
    async with transaction():
        original = await fetchrow(_PAYOUT + " WHERE p.id = $1 FOR UPDATE OF p", payout_id)
        if original is None:
            raise NotFoundException(f"payout {payout_id} does not exist")
        ensure_enterprise_scope(actor, original["enterprise_id"])
        if original["reverses"] is not None:
            raise Conflict(f"payout {payout_id} is itself a reversal of payout {original['reverses']}")
        if original["reversed_by"] is not None:
            raise Conflict(f"payout {payout_id} was already reversed by payout {original['reversed_by']}",
                           extra={"reversed_by": original["reversed_by"]})
        reference = f"{original['reference']}#reversal"
        row = await fetchrow(
            "INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
            " method, reference, body_hash, reverses, reason, created_by, created_at)"
            " SELECT enterprise, link, household, income_type, -amount, period_from, period_to, paid_on,"
            " method, $2, $3, id, $4, $5, now() FROM payout WHERE id = $1 RETURNING id",
            payout_id, reference,
            body_hash(original["link_id"], original["income_type"], -original["amount"], original["period_from"],
                      original["period_to"], original["paid_on"], original["method"], reference),
            data.reason, actor.account_id,
        )
        reversal = payout_out(await fetchrow(_PAYOUT + " WHERE p.id = $1", row["id"]))
        await audit.record(actor, "reverse", "payout", payout_id, before=payout_out(original), after=reversal)
    return reversal


async def get_payout(principal: Principal, payout_id: int) -> PayoutOut:
    row = await fetchrow(_PAYOUT + " WHERE p.id = $1", payout_id)
    if row is None:
        raise NotFoundException(f"payout {payout_id} does not exist")
    _ensure_may_read(principal, row)
    return payout_out(row)


def _ensure_may_read(principal: Principal, row: Any) -> None:
    ensure_enterprise_scope(principal, row["enterprise_id"])
    if principal.role is Role.town_officer:
        raise PermissionDeniedException("town officers read payouts through household income")


def list_query(principal: Principal, f: PayoutFilter) -> tuple[str, list[Any]]:
    """The payouts a caller may read under the filters (for lists and exports)."""
    enterprise_id = principal.enterprise_id if principal.role is Role.operator else f.enterprise_id
    return (
        _PAYOUT + " WHERE ($1::int IS NULL OR p.enterprise = $1) AND ($2::int IS NULL OR p.link = $2)"
        " AND ($3::int IS NULL OR p.household = $3) AND ($4::text IS NULL OR p.income_type = $4)"
        " AND ($5::date IS NULL OR p.paid_on >= $5) AND ($6::date IS NULL OR p.paid_on <= $6)",
        [enterprise_id, f.link_id, f.household_id, f.income_type and f.income_type.value, f.paid_from, f.paid_to],
    )


async def list_payouts(principal: Principal, page: PageParams, f: PayoutFilter, *,
                       newest_first: bool = False) -> Page[PayoutOut]:
    return await fetch_page(*list_query(principal, f), page, "id DESC" if newest_first else "id", payout_out)
