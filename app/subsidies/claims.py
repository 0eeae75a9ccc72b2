"""Claims: filed and field-verified by town officers, decided by finance within budget and caps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from app.core.errors import Conflict, DomainError, Forbidden, NotFound, Refused
from app.core.messages import N_, code
from app.core.metrics import CLAIMS_APPROVED
from app.core.money import FEN
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_town_scope, list_region
from app.core.uow import Db, reading, reading_replica, unit_of_work
from app.notices import service as notices
from app.notices.model import NoticeKind
from app.notices.rules import blocks_decision
from app.notices.schemas import ClaimsNoticeCreate, NoticeDetail
from app.registry import access as registry
from app.subsidies import queries
from app.subsidies.rules import Calculation, calculate, cap_for_household, is_eligible, payable_quantity
from app.subsidies.schemas import (
    Cancellation,
    ClaimCreate,
    ClaimDetail,
    ClaimFilter,
    ClaimOut,
    Rejection,
    Verification,
    VoucherOut,
)
from app.subsidies.vouchers import voucher_number


async def _calculation(db: Db, claim: ClaimOut, scheme: queries.SchemeFacts) -> Calculation:
    """What the claim gets if approved now: its verified (else declared) quantity at the scheme's rate,
    capped at what the household's other live vouchers leave of its cap."""
    stored = await queries.rate_for(db, claim.scheme_id, claim.industry)
    if stored is None:  # a claim is filed only against a rate, and a published scheme's rates never change
        raise RuntimeError(f"scheme {claim.scheme_id} has no rate for claim {claim.id}'s {claim.industry}")
    verified = claim.verified_quantity is not None
    calc = calculate(stored.rate, payable_quantity(claim.declared_quantity, claim.verified_quantity), verified=verified)
    already = await queries.approved_for_household(db, claim.scheme_id, claim.household_id, excluding_claim=claim.id)
    return cap_for_household(calc, scheme.household_cap, already)


async def _scheme(db: Db, scheme_id: int, *, lock: bool = False) -> queries.SchemeFacts:
    scheme = await queries.scheme_facts(db, scheme_id, lock=lock)
    if scheme is None:
        raise NotFound.of(N_("subsidy scheme {scheme} does not exist"), scheme=scheme_id)
    return scheme


async def file_claim(actor: Principal, data: ClaimCreate) -> ClaimDetail:
    async with unit_of_work() as uow:
        scheme = await queries.scheme_facts(uow, data.scheme_id)
        if scheme is None:
            raise Refused.of(N_("subsidy scheme {scheme} does not exist"), scheme=data.scheme_id, field="scheme_id")
        if scheme.status != "published":
            raise Conflict.of(
                N_("the scheme is {status}; claims are filed in a published scheme"),
                status=code("scheme status", scheme.status),
            )
        household = await registry.household_state(uow, data.household_id)
        if household is None:
            raise Refused.of(
                N_("household {household} does not exist"), household=data.household_id, field="household_id"
            )
        ensure_town_scope(actor, household.town_id)
        ensure_county_scope(actor, household.county_code)
        if household.county_code != scheme.county_code:
            raise Refused.of(
                N_("household {household} is in county {county}; the scheme is county {scheme_county}'s"),
                household=data.household_id,
                county=household.county_code,
                scheme_county=scheme.county_code,
                field="household_id",
            )
        ok, reason = is_eligible(household.status, scheme.year, household.exited_year, scheme.exited_eligible_until)
        if not ok:
            raise Refused(reason, field="household_id")
        rate = await queries.rate_for(uow, data.scheme_id, data.industry)
        if rate is None:
            raise Refused.of(N_("the scheme pays nothing for {industry}"), industry=data.industry, field="industry")
        await _check_base_and_link(uow, data)
        existing = await queries.claim_covering(uow, data.scheme_id, data.household_id, data.industry)
        if existing is not None:
            raise Conflict.of(
                N_("claim {claim} already covers this household and industry in the scheme"),
                claim=existing,
                extra={"existing_claim_id": existing},
            )
        claim_id = await queries.insert_claim(
            uow,
            queries.NewClaim(
                scheme_id=data.scheme_id,
                household_id=data.household_id,
                industry_id=rate.industry_id,
                base_id=data.base_id,
                link_id=data.link_id,
                declared_quantity=data.declared_quantity,
                filed_by=actor.account_id,
            ),
        )
        claim = await _detail(uow, actor, claim_id)
        await uow.audit(actor, "file", "subsidy_claim", claim.id, after=_claim_view(claim))
    return claim


async def _check_base_and_link(db: Db, data: ClaimCreate) -> None:
    if data.link_id is not None:
        link = await queries.link_place(db, data.link_id)
        if link is None or link.household_id != data.household_id:
            raise Refused.of(N_("the link does not belong to this household"), field="link_id")
        if data.base_id is not None and link.base_id != data.base_id:
            raise Refused.of(N_("the link is not on this base"), field="base_id")
    if data.base_id is not None:
        industry = await queries.base_industry(db, data.base_id)
        if industry is None:
            raise Refused.of(N_("base {base} does not exist"), base=data.base_id, field="base_id")
        if industry != data.industry:
            raise Refused.of(
                N_("base {base} is a {industry} base"), base=data.base_id, industry=industry, field="base_id"
            )


async def _load_claim(db: Db, actor: Principal, claim_id: int, *, lock: bool = False) -> ClaimOut:
    placed = await queries.claim_by_id(db, claim_id, lock=lock)
    if placed is None:
        raise NotFound.of(N_("subsidy claim {claim} does not exist"), claim=claim_id)
    claim = placed.claim
    ensure_town_scope(actor, claim.town_id)
    if actor.role is Role.operator:
        raise Forbidden.of(N_("operators do not read subsidy claims"))
    # a county's finance decides that county's claims; a city's or province's reads (and decides) below it
    ensure_county_scope(actor, placed.county_code)
    return claim


async def _detail(db: Db, actor: Principal, claim_id: int) -> ClaimDetail:
    claim = await _load_claim(db, actor, claim_id)
    voucher = await queries.live_voucher_of_claim(db, claim_id)
    if voucher is not None:
        amount, lines = voucher.amount, voucher.explanation
    else:
        calc = await _calculation(db, claim, await _scheme(db, claim.scheme_id))
        amount, lines = calc.amount, list(calc.lines)
        if claim.status.value == "rejected":
            lines.append(f"rejected: {claim.reject_reason}")
    return ClaimDetail(**msgspec.structs.asdict(claim), amount=amount, explanation=lines, voucher=voucher)


async def claim_detail(actor: Principal, claim_id: int) -> ClaimDetail:
    async with reading() as db:
        return await _detail(db, actor, claim_id)


def _claim_view(c: ClaimOut) -> dict[str, Any]:
    return {
        "status": c.status.value,
        "declared_quantity": c.declared_quantity,
        "verified_quantity": c.verified_quantity,
        "inspector": c.inspector,
        "verified_on": c.verified_on,
        "reject_reason": c.reject_reason,
    }


def _in_scope(actor: Principal, q: queries.ClaimQuery) -> queries.ClaimQuery:
    """The claims a caller may read under the filters: a town officer reads their own town's, the others
    those of the counties of their region."""
    q = msgspec.structs.replace(q, region=list_region(actor))
    return msgspec.structs.replace(q, town_id=actor.town_id) if actor.role is Role.town_officer else q


async def list_claims(
    actor: Principal,
    page: PageParams,
    *,
    scheme_id: int | None = None,
    status: str | None = None,
    town_id: int | None = None,
    industry: str | None = None,
    household_id: int | None = None,
) -> Page[ClaimOut]:
    """Claims under the filters, in id order; ``status`` is matched as given (an unknown one matches none)."""
    q = _in_scope(
        actor,
        queries.ClaimQuery(
            scheme_id=scheme_id, status=status, town_id=town_id, industry=industry, household_id=household_id
        ),
    )
    async with reading_replica() as db:
        return await queries.claim_page(db, q, page)


def export_claims(principal: Principal, filters: ClaimFilter) -> AsyncIterator[ClaimOut]:
    """The claims a caller may read under the filters, in id order, streamed."""
    return queries.stream_claims(_in_scope(principal, queries.ClaimQuery(**filters.as_kwargs())))


async def verify_claim(actor: Principal, claim_id: int, data: Verification) -> ClaimDetail:
    async with unit_of_work() as uow:
        claim = await _load_claim(uow, actor, claim_id, lock=True)
        if claim.status.value != "filed":
            raise Conflict.of(
                N_("the claim is {status}; only a filed claim is field-verified"),
                status=code("claim status", claim.status),
            )
        if data.verified_on < claim.filed_at.date():
            raise Refused.of(
                N_("the field check on {day} is before the claim was filed on {filed}"),
                day=data.verified_on.isoformat(),
                filed=claim.filed_at.date().isoformat(),
                field="verified_on",
            )
        await queries.record_verification(
            uow, claim_id, data.verified_quantity, data.inspector, data.verified_on, data.note, actor.account_id
        )
        after = await _detail(uow, actor, claim_id)
        await uow.audit(actor, "verify", "subsidy_claim", claim_id, before=_claim_view(claim), after=_claim_view(after))
    return after


def _ensure_independent(actor: Principal, claim: ClaimOut) -> None:
    """Four eyes: whoever filed or verified a claim does not decide it."""
    if actor.account_id is not None and actor.account_id in (claim.filed_by, claim.verified_by):
        raise Forbidden.of(N_("the account that filed or verified a claim cannot decide it"))


async def approve_claim(actor: Principal, claim_id: int) -> VoucherOut:
    async with unit_of_work() as uow:
        scheme_id = await queries.claim_scheme_id(uow, claim_id)
        if scheme_id is None:
            raise NotFound.of(N_("subsidy claim {claim} does not exist"), claim=claim_id)
        # one approval at a time per scheme: the budget and the household caps are read and spent under this lock
        scheme = await _scheme(uow, scheme_id, lock=True)
        claim = await _load_claim(uow, actor, claim_id, lock=True)
        if scheme.status != "published":
            raise Conflict.of(
                N_("the scheme is {status}; approvals happen in a published scheme"),
                status=code("scheme status", scheme.status),
            )
        if claim.status.value != "verified" or claim.verified_quantity is None:
            raise Conflict.of(
                N_("the claim is {status}; only a field-verified claim is approved"),
                status=code("claim status", claim.status),
            )
        _ensure_independent(actor, claim)
        if scheme.notice_days > 0:
            await _ensure_notice_ended_clean(uow, claim_id, scheme.notice_days)
        household = await registry.household_state(uow, claim.household_id)
        assert household is not None  # a claim's household is never deleted
        ok, reason = is_eligible(household.status, scheme.year, household.exited_year, scheme.exited_eligible_until)
        if not ok:
            raise Conflict.of(N_("the household is no longer eligible: {reason}"), reason=reason)
        calc = await _calculation(uow, claim, scheme)
        if calc.amount <= 0:
            raise Conflict.of(
                N_("the claim would get 0.00 ({why}); reject it instead"),
                why=calc.steps[-1],
                extra={"explanation": list(calc.lines)},
            )
        left = scheme.budget - await queries.approved_in_scheme(uow, scheme.id)
        if calc.amount > left:
            raise Conflict.of(
                N_("the budget has {left:.2f} left; the claim needs {amount:.2f}"),
                left=left,
                amount=calc.amount,
                extra={"budget_left": f"{left:.2f}"},
            )
        number = voucher_number(scheme.year, await queries.next_voucher_seq(uow, scheme.id))
        await queries.insert_voucher(
            uow,
            queries.NewVoucher(
                number=number,
                scheme_id=scheme.id,
                claim_id=claim_id,
                household_id=claim.household_id,
                quantity=payable_quantity(claim.declared_quantity, claim.verified_quantity),
                amount=calc.amount,
                explanation=list(calc.lines),
                approved_by=actor.account_id,
            ),
        )
        await queries.mark_claim_approved(uow, claim_id, actor.account_id)
        voucher = await queries.live_voucher_of_claim(uow, claim_id)
        assert voucher is not None  # just issued in this transaction
        await uow.audit(
            actor,
            "approve",
            "subsidy_claim",
            claim_id,
            before={"status": "verified"},
            after={"status": "approved", "voucher": number, "amount": calc.amount, "explanation": list(calc.lines)},
        )
    CLAIMS_APPROVED.inc()  # committed
    return voucher


async def _ensure_notice_ended_clean(db: Db, claim_id: int, days: int) -> None:
    """A scheme with a notice approves a claim only once the notice it stands on has ended with no objection
    left open (422 naming the notice otherwise)."""
    posted = await notices.claim_notice(db, claim_id)
    if posted is None:
        raise Refused.of(
            N_("the scheme puts claims on a {days}-day public notice first; claim {claim} is on none yet"),
            days=days,
            claim=claim_id,
        )
    why = blocks_decision(date.today(), posted.ends_on, posted.open_objections)
    if why == "standing":
        raise Refused.of(
            N_("claim {claim} is on notice {number}, which stands until {day}; it is approved after that"),
            claim=claim_id,
            number=posted.number,
            day=posted.ends_on.isoformat(),
            extra={"notice_id": posted.notice_id, "notice_number": posted.number},
        )
    if why == "objection":
        raise Refused.of(
            N_("notice {number} has {count} open objection(s); they are resolved before its claims are approved"),
            number=posted.number,
            count=posted.open_objections,
            extra={"notice_id": posted.notice_id, "notice_number": posted.number},
        )


async def open_claims_notice(actor: Principal, scheme_id: int, data: ClaimsNoticeCreate) -> NoticeDetail:
    """Put a scheme's verified claims of one village (those on no notice yet) on a public notice, each with
    its industry, its declared and verified quantity and what it would get if approved now."""
    async with unit_of_work() as uow:
        # the scheme row held, as approvals hold it: a claim is put on one notice, and never while it is decided
        scheme = await _scheme(uow, scheme_id, lock=True)
        ensure_county_scope(actor, scheme.county_code)
        await notices.village_in_reach(uow, actor, data.village_id)
        if scheme.notice_days == 0:
            raise Conflict.of(N_("subsidy scheme {scheme} puts its claims on no notice"), scheme=scheme_id)
        if scheme.status != "published":
            raise Conflict.of(
                N_("the scheme is {status}; its claims are put on notice while it is published"),
                status=code("scheme status", scheme.status),
            )
        found = await queries.verified_claims_in_village(uow, scheme_id, scheme.household_cap, data.village_id)
        posted = await notices.claims_on_notices(uow, [c.claim_id for c in found])
        waiting = [c for c in found if c.claim_id not in posted]
        if not waiting:
            raise Refused.of(
                N_("no verified claim of the scheme in village {village} waits for a notice"),
                village=data.village_id,
                field="village_id",
            )
        entries = [
            notices.NewEntry(
                household_id=c.household_id,
                name="",
                facts={
                    "industry": c.industry,
                    "industry_name": c.industry_name,
                    "unit": c.unit,
                    "declared_quantity": str(c.declared_quantity),
                    "verified_quantity": None if c.verified_quantity is None else str(c.verified_quantity),
                    "amount": str(c.amount.quantize(FEN)),
                },
                claim_id=c.claim_id,
            )
            for c in waiting
        ]
        return await notices.open_notice(
            uow,
            actor,
            kind=NoticeKind.subsidy_claims,
            village_id=data.village_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            objection_place=data.objection_place,
            entries=entries,
            scheme_id=scheme_id,
            scheme_days=scheme.notice_days,
        )


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    """One claim of a bulk approval: its voucher, or the refusal that stopped it."""

    claim_id: int
    voucher: VoucherOut | None = None
    refusal: DomainError | None = None


async def approve_many(actor: Principal, claim_ids: list[int]) -> list[ClaimDecision]:
    """Each claim in its own transaction: one refusal does not undo the others."""
    decisions = []
    for claim_id in claim_ids:
        try:
            voucher = await approve_claim(actor, claim_id)
        except DomainError as refusal:
            decisions.append(ClaimDecision(claim_id, refusal=refusal))
        else:
            decisions.append(ClaimDecision(claim_id, voucher=voucher))
    return decisions


async def reject_claim(actor: Principal, claim_id: int, data: Rejection) -> ClaimDetail:
    async with unit_of_work() as uow:
        claim = await _load_claim(uow, actor, claim_id, lock=True)
        if claim.status.value not in ("filed", "verified"):
            raise Conflict.of(
                N_("the claim is {status}; only an undecided claim is rejected"),
                status=code("claim status", claim.status),
            )
        _ensure_independent(actor, claim)
        await queries.mark_claim_rejected(uow, claim_id, data.reason, actor.account_id)
        after = await _detail(uow, actor, claim_id)
        await uow.audit(actor, "reject", "subsidy_claim", claim_id, before=_claim_view(claim), after=_claim_view(after))
    return after


async def cancel_voucher(actor: Principal, number: str, data: Cancellation) -> VoucherOut:
    """Undo an approval that was a mistake: the voucher is cancelled (kept), the claim awaits a new decision."""
    async with unit_of_work() as uow:
        found = await queries.voucher_facts_by_number(uow, number.upper())
        if found is None:
            raise NotFound(f"voucher {number} does not exist")
        ensure_county_scope(actor, found.county_code)
        # the scheme's lock first, as approvals take it: the budget is spent and given back in turn
        await _scheme(uow, found.scheme_id, lock=True)
        voucher = await queries.lock_voucher(uow, found.id)
        if voucher.status != "issued":
            raise Conflict(
                f"voucher {number} is {voucher.status}; only an issued voucher not sent for payment can be cancelled"
            )
        await queries.cancel_voucher(uow, voucher.id, actor.account_id, data.reason)
        await queries.reopen_claim(uow, voucher.claim_id)
        out = await queries.voucher_by_number(uow, voucher.number)
        assert out is not None  # cancelled, never deleted
        await uow.audit(
            actor,
            "cancel",
            "voucher",
            voucher.number,
            before={"status": "issued", "amount": voucher.amount},
            after={"status": "cancelled", "reason": data.reason, "at": datetime.now(UTC)},
        )
    return out.voucher
