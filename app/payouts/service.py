"""Recording single payouts, reversing them, and reading the ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from app.core.errors import Conflict, Forbidden, NotFound, Refused
from app.core.messages import N_
from app.core.metrics import PAYOUTS_RECORDED
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, list_region
from app.core.uow import reading, reading_replica, unit_of_work
from app.payouts import queries
from app.payouts.model import IncomeType
from app.payouts.rules import PayoutFacts, body_hash, payout_problems
from app.payouts.schemas import PayoutFilter, PayoutIn, PayoutOut, PayoutTotal, Reversal
from app.regions import service as regions


def hash_of(p: PayoutIn, reference: str | None = None) -> str:
    """The payout's fingerprint; ``reference`` spells its reference as the ledger holds it (references match
    whatever the case of their letters, so a resend of ``ref-1`` as ``REF-1`` is the same payout)."""
    return body_hash(
        p.link_id,
        p.income_type.value,
        p.amount,
        p.period_from,
        p.period_to,
        p.paid_on,
        p.method.value,
        p.reference if reference is None else reference,
    )


async def record_payout(actor: Principal, data: PayoutIn) -> tuple[PayoutOut, bool]:
    """(payout, created): a resend of the same body returns the first payout with created False."""
    fingerprint = hash_of(data)
    async with unit_of_work() as uow:
        link = (
            await queries.link_facts(
                uow, [data.link_id], default_years=regions.default_policy().continuation_years, lock=True
            )
        ).get(data.link_id)
        if link is None:
            raise Refused(f"link {data.link_id} does not exist", field="link_id")
        ensure_county_scope(actor, link.county_code, enterprise_id=link.enterprise_id)
        problems = payout_problems(
            PayoutFacts(data.income_type.value, data.period_from, data.period_to, data.paid_on), link, date.today()
        )
        if problems:
            # a resend of a payout recorded before the link changed still gets its first answer
            if (existing := await queries.by_reference(uow, link.enterprise_id, data.reference)) is not None:
                return _same_or_clash(existing, data), False
            field, reason = problems[0]
            raise Refused(reason, field=field, extra={"errors": [{"field": f, "message": m} for f, m in problems]})
        payout = await queries.insert(
            uow,
            queries.NewPayout(
                enterprise_id=link.enterprise_id,
                link_id=link.id,
                household_id=link.household_id,
                income_type=data.income_type.value,
                amount=data.amount,
                period_from=data.period_from,
                period_to=data.period_to,
                paid_on=data.paid_on,
                method=data.method.value,
                reference=data.reference,
                body_hash=fingerprint,
                created_by=actor.account_id,
            ),
        )
        if payout is None:  # the reference is taken: a resend (same body) or a clash (another body)
            found = await queries.by_reference(uow, link.enterprise_id, data.reference)
            assert found is not None  # the conflicting row is committed or ours to see
            return _same_or_clash(found, data), False
        await uow.audit(actor, "create", "payout", payout.id, after=payout)
    PAYOUTS_RECORDED.labels("single").inc()  # committed
    return payout, True


def _same_or_clash(existing: queries.StoredPayout, data: PayoutIn) -> PayoutOut:
    if existing.body_hash != hash_of(data, existing.payout.reference):
        raise Conflict(
            f"reference {existing.payout.reference} was already used for payout {existing.payout.id}"
            " with different content",
            field="reference",
            extra={"existing_payout_id": existing.payout.id},
        )
    return existing.payout


async def reverse_payout(actor: Principal, payout_id: int, data: Reversal) -> PayoutOut:
    """Cancel a payout with a negative entry pointing at it; the original stays as it was.

    The reversal carries the original's dates, so the year's income nets to zero. A household's part of an
    asset's income (``asset_income``, written by a distribution, app/assets) is not reversed alone: the
    distribution records every part it paid, and would no longer say what reached the households (422).
    """
    async with unit_of_work() as uow:
        stored = await queries.by_id(uow, payout_id, lock=True)
        if stored is None:
            raise NotFound(f"payout {payout_id} does not exist")
        original = stored.payout
        ensure_county_scope(actor, stored.county_code, enterprise_id=original.enterprise_id)
        if original.reverses is not None:
            raise Conflict(f"payout {payout_id} is itself a reversal of payout {original.reverses}")
        if original.reversed_by is not None:
            raise Conflict(
                f"payout {payout_id} was already reversed by payout {original.reversed_by}",
                extra={"reversed_by": original.reversed_by},
            )
        if original.income_type is IncomeType.asset_income:
            raise Refused.of(
                N_(
                    "payout {payout} is a household's part of an asset's income: an asset's income is corrected"
                    " through its distribution, not by reversing one of its payouts"
                ),
                payout=payout_id,
                extra={"income_type": original.income_type.value},
            )
        reference = f"{original.reference}#reversal"
        fingerprint = body_hash(
            original.link_id,
            original.income_type.value,
            -original.amount,
            original.period_from,
            original.period_to,
            original.paid_on,
            original.method.value,
            reference,
        )
        reversal = await queries.insert_reversal(uow, payout_id, reference, fingerprint, data.reason, actor.account_id)
        await uow.audit(actor, "reverse", "payout", payout_id, before=original, after=reversal)
    return reversal


async def get_payout(principal: Principal, payout_id: int) -> PayoutOut:
    async with reading() as db:
        stored = await queries.by_id(db, payout_id)
    if stored is None:
        raise NotFound(f"payout {payout_id} does not exist")
    _ensure_may_read(principal, stored)
    return stored.payout


def _ensure_may_read(principal: Principal, stored: queries.StoredPayout) -> None:
    ensure_county_scope(principal, stored.county_code, enterprise_id=stored.payout.enterprise_id)
    if principal.role is Role.town_officer:
        raise Forbidden("town officers read payouts through household income")


def scoped_query(principal: Principal, f: PayoutFilter) -> queries.PayoutQuery:
    """The payouts a caller may read under the filters (for lists and exports): an operator sees its own."""
    enterprise_id = principal.enterprise_id if principal.role is Role.operator else f.enterprise_id
    return queries.PayoutQuery(
        enterprise_id=enterprise_id,
        link_id=f.link_id,
        household_id=f.household_id,
        income_type=f.income_type and f.income_type.value,
        paid_from=f.paid_from,
        paid_to=f.paid_to,
        region=list_region(principal),
    )


def export_payouts(principal: Principal, f: PayoutFilter) -> AsyncIterator[PayoutOut]:
    """The payouts a caller may read under the filters, in id order, streamed."""
    return queries.stream(scoped_query(principal, f))


PAYOUT_EXPORT_HEADER = queries.EXPORT_HEADER


def export_payouts_csv(principal: Principal, f: PayoutFilter) -> AsyncIterator[bytes]:
    """``export_payouts`` as CSV rows written by the database (``queries.EXPORT_HEADER`` names the columns):
    the ledger export at the rate of a bare COPY."""
    return queries.export_csv(scoped_query(principal, f))


def export_payout_totals(principal: Principal, f: PayoutFilter) -> AsyncIterator[PayoutTotal]:
    """The same payouts summed per household, link and year, streamed (the benefit-link ledger's summary)."""
    return queries.stream_totals(scoped_query(principal, f))


async def list_payouts(
    principal: Principal, page: PageParams, f: PayoutFilter, *, newest_first: bool = False
) -> Page[PayoutOut]:
    async with reading_replica() as db:
        return await queries.page_of(db, scoped_query(principal, f), page, newest_first=newest_first)
