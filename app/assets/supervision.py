"""The supervision of project assets (国办函〔2021〕51号: disposal under approval, operation and income under
supervision): disposals and their approval, the flags raised on a day, and the county's decisions on listed
households that left the register.

- **Disposal.** The county's staff (admins, finance) request one (kind, reason, proceeds and where they
  went); an admin of the county approves or rejects it, never the account that requested it (four eyes, as a
  subsidy claim's approval). Only an approval disposes of an asset: its status becomes ``disposed`` on the
  day approved; a status is never set to it otherwise. A disposed asset's record stays as it was, takes no new
  agreement nor income. An asset recorded as disposed without an approval (an import, a fix by hand) may be
  regularised: a disposal requested and approved for it keeps the day it was recorded on, and clears its flag
  only if approved on or before that day.
- **Flags** (app/assets/supervision_queries.py): one statement for all the assets of a region on a day.
- **Decisions** on a listed household no longer on the register nor monitored: keep it listed (the flag
  clears until it leaves again) or remove it from the list.

Every write is audited and safe to resend: the same request again answers what the first did (200); another
request where one is pending or decided is a 409 naming it.
"""

from __future__ import annotations

import hashlib
from datetime import date

from app.assets import queries, service, supervision_queries
from app.assets.model import AssetStatus, DisposalStatus, FlagKind
from app.assets.schemas import (
    AssetFlag,
    BeneficiaryDecisionIn,
    BeneficiaryDecisionOut,
    DisposalApproval,
    DisposalIn,
    DisposalOut,
    DisposalRejection,
    FlagFilter,
    FlagPage,
)
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from app.core.messages import N_, code, message
from app.core.pagination import PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_region_scope, list_region
from app.core.uow import Db, reading, reading_replica, unit_of_work
from app.core.validation import check_day_of_fact


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


# ---- disposal ----------------------------------------------------------------------------------------


async def request_disposal(actor: Principal, asset_id: int, data: DisposalIn) -> tuple[DisposalOut, bool]:
    """(disposal, created): request the asset's disposal. An asset has one pending at a time: the same request
    again returns it (200), another is a 409 naming it; an asset disposed of by an approved disposal takes no
    other (409)."""
    requested_on = data.requested_on or date.today()
    fingerprint = _fingerprint(data.kind.value, data.reason, f"{data.proceeds:.2f}", data.proceeds_to, requested_on)
    async with unit_of_work() as uow:
        placed = await service.held_asset(uow, actor, asset_id)
        approved = await supervision_queries.disposal_of_asset(uow, asset_id, DisposalStatus.approved.value)
        if approved is not None:
            raise Conflict.of(
                N_("asset {asset} was disposed of by disposal {disposal}"),
                asset=asset_id,
                disposal=approved.disposal.id,
                extra={"existing_disposal_id": approved.disposal.id},
            )
        pending = await supervision_queries.disposal_of_asset(uow, asset_id, DisposalStatus.pending.value)
        if pending is not None:
            if pending.body_hash == fingerprint:
                return pending.disposal, False
            raise Conflict.of(
                N_("disposal {disposal} of the asset awaits its approval"),
                disposal=pending.disposal.id,
                extra={"existing_disposal_id": pending.disposal.id},
            )
        disposal_id = await supervision_queries.insert_disposal(
            uow,
            supervision_queries.NewDisposal(
                asset_id=asset_id,
                kind=data.kind.value,
                reason=data.reason,
                proceeds=data.proceeds,
                proceeds_to=data.proceeds_to,
                requested_on=requested_on,
                body_hash=fingerprint,
                requested_by=actor.account_id,
                county_code=placed.county_code,
            ),
        )
        assert disposal_id is not None  # the asset is held: no other request could get in between
        stored = await supervision_queries.disposal_by_id(uow, disposal_id)
        assert stored is not None
        await uow.audit(actor, "request_disposal", "asset_disposal", disposal_id, after=stored.disposal)
    return stored.disposal, True


async def list_disposals(principal: Principal, asset_id: int) -> list[DisposalOut]:
    """The asset's disposals, the latest requested first."""
    async with reading() as db:
        await service.readable_asset(db, principal, asset_id)
        return await supervision_queries.disposals_of(db, asset_id)


async def _pending(uow: Db, actor: Principal, disposal_id: int) -> supervision_queries.StoredDisposal:
    stored = await supervision_queries.disposal_by_id(uow, disposal_id)
    if stored is None:
        raise NotFound.of(N_("disposal {disposal} does not exist"), disposal=disposal_id)
    ensure_county_scope(actor, stored.county_code)
    return stored


def _ensure_independent(actor: Principal, disposal: DisposalOut) -> None:
    """Four eyes: whoever requested a disposal does not decide it."""
    if actor.account_id is not None and actor.account_id == disposal.requested_by:
        raise Forbidden.of(N_("the account that requested a disposal cannot decide it"))


def _decided_already(stored: supervision_queries.StoredDisposal, fingerprint: str) -> DisposalOut:
    """A decision sent for a disposal decided already: the same decision again is answered as it was; any other
    is a 409."""
    if stored.decision_hash == fingerprint:
        return stored.disposal
    raise Conflict.of(
        N_("disposal {disposal} was {status} already"),
        disposal=stored.disposal.id,
        status=code("disposal status", stored.disposal.status),
        extra={"status": stored.disposal.status.value},
    )


async def approve_disposal(actor: Principal, disposal_id: int, data: DisposalApproval) -> DisposalOut:
    """Approve a pending disposal: the asset is disposed of on the day approved (an asset recorded as disposed
    already keeps its day). Refused to the account that requested it (403), before the day it was requested
    (422), for a disposal decided already (409, unless it is this approval again: answered as it was)."""
    fingerprint = _fingerprint("approve", actor.account_id, data.approved_on, data.document_no, data.note)
    async with unit_of_work() as uow:
        found = await _pending(uow, actor, disposal_id)
        asset_id = found.disposal.asset_id
        await service.held_asset(uow, actor, asset_id)  # the asset first, then the disposal: one order for all
        stored = await supervision_queries.disposal_by_id(uow, disposal_id, lock=True)
        assert stored is not None  # never deleted
        if stored.disposal.status is not DisposalStatus.pending:
            return _decided_already(stored, fingerprint)
        _ensure_independent(actor, stored.disposal)
        if data.approved_on < stored.disposal.requested_on:
            raise Refused.of(
                N_("the disposal was requested on {day}; it is approved on that day or later"),
                day=stored.disposal.requested_on.isoformat(),
                field="approved_on",
            )
        state = await supervision_queries.disposal_state(uow, asset_id)
        await supervision_queries.decide_disposal(
            uow,
            disposal_id,
            DisposalStatus.approved.value,
            data.approved_on,
            data.document_no,
            data.note,
            fingerprint,
            actor.account_id,
        )
        await supervision_queries.mark_disposed(uow, asset_id, data.approved_on)
        after = await supervision_queries.disposal_by_id(uow, disposal_id)
        assert after is not None
        await uow.audit(
            actor, "approve_disposal", "asset_disposal", disposal_id, before=stored.disposal, after=after.disposal
        )
        await uow.audit(
            actor,
            "dispose",
            "asset",
            asset_id,
            before={"status": state.status, "disposed_on": state.disposed_on},
            after={
                "status": AssetStatus.disposed.value,
                "disposed_on": state.disposed_on or data.approved_on,
                "disposal_id": disposal_id,
            },
        )
    return after.disposal


async def reject_disposal(actor: Principal, disposal_id: int, data: DisposalRejection) -> DisposalOut:
    """Turn a pending disposal down, with the reason; the asset stays as it is. The same four eyes as an
    approval."""
    rejected_on = data.rejected_on or date.today()
    fingerprint = _fingerprint("reject", actor.account_id, data.reason, rejected_on)
    async with unit_of_work() as uow:
        found = await _pending(uow, actor, disposal_id)
        await service.held_asset(uow, actor, found.disposal.asset_id)
        stored = await supervision_queries.disposal_by_id(uow, disposal_id, lock=True)
        assert stored is not None
        if stored.disposal.status is not DisposalStatus.pending:
            return _decided_already(stored, fingerprint)
        _ensure_independent(actor, stored.disposal)
        if rejected_on < stored.disposal.requested_on:
            raise Refused.of(
                N_("the disposal was requested on {day}; it is decided on that day or later"),
                day=stored.disposal.requested_on.isoformat(),
                field="rejected_on",
            )
        await supervision_queries.decide_disposal(
            uow,
            disposal_id,
            DisposalStatus.rejected.value,
            rejected_on,
            None,
            data.reason,
            fingerprint,
            actor.account_id,
        )
        after = await supervision_queries.disposal_by_id(uow, disposal_id)
        assert after is not None
        await uow.audit(
            actor, "reject_disposal", "asset_disposal", disposal_id, before=stored.disposal, after=after.disposal
        )
    return after.disposal


# ---- flags ---------------------------------------------------------------------------------------------


def _check_region(region: str | None) -> None:
    """A division code of any level: a province, city, county (2, 4, 6 digits), a town (9), a village (12)."""
    if region is not None and (not region.isascii() or not region.isdigit() or len(region) not in (2, 4, 6, 9, 12)):
        raise Invalid("region", message(N_("must be a division code of 2, 4, 6, 9 or 12 digits")))


async def list_flags(principal: Principal, f: FlagFilter, page: PageParams) -> FlagPage:
    """The flags raised on ``as_of`` (today when not asked) on the assets the principal reaches: its region's
    (a region asked for outside it is a 403), a town officer its town's."""
    if principal.role is Role.operator:  # the access policy's too: an operator's reach is no region
        raise Forbidden.of(N_("the supervision's flags are the county's"))
    as_of = f.as_of or date.today()
    check_day_of_fact("as_of", as_of)
    _check_region(f.region)
    if f.region is not None:
        ensure_region_scope(principal, f.region)  # a town's or village's code begins with its county's
    q = supervision_queries.FlagQuery(
        as_of=as_of,
        thresholds=service.thresholds(),
        kind=f.kind and f.kind.value,
        region=f.region,
        scope_town_id=principal.town_id if principal.role is Role.town_officer else None,
        scope_region=list_region(principal),
    )
    async with reading_replica() as db:
        found = await supervision_queries.page_of_flags(db, q, page)
    return FlagPage(as_of=as_of, items=found.items, total=found.total, limit=found.limit, offset=found.offset)


# ---- decisions on listed households that left -------------------------------------------------------------


async def decide_beneficiary(
    actor: Principal, agreement_id: int, household_id: int, data: BeneficiaryDecisionIn
) -> tuple[BeneficiaryDecisionOut, bool]:
    """(decision, created): keep a listed household that is no longer on the register nor monitored, or
    remove it from the agreement's list. Taken only while the household is flagged on the day decided (409
    otherwise: nothing to decide); the same decision again returns the first (200)."""
    decided_on = data.decided_on or date.today()
    async with unit_of_work() as uow:
        stored = await _agreement(uow, agreement_id)
        asset_id: int = stored.agreement["asset_id"]
        await service.held_asset(uow, actor, asset_id)
        latest = await supervision_queries.latest_decision(uow, agreement_id, household_id)
        if (
            latest is not None
            and latest.decision is data.decision
            and latest.reason == data.reason
            and latest.decided_on == decided_on
        ):
            return latest, False
        listing = await supervision_queries.listing_of(uow, agreement_id, household_id)
        if listing is None:
            raise NotFound.of(
                N_("household {household} is not listed in agreement {agreement}"),
                household=household_id,
                agreement=agreement_id,
            )
        flags = await supervision_queries.all_flags(
            uow,
            supervision_queries.FlagQuery(
                as_of=decided_on,
                thresholds=service.thresholds(),
                kind=FlagKind.household_left.value,
                asset_id=asset_id,
            ),
        )
        flag = _flag_of(flags, agreement_id, household_id)
        if flag is None:
            raise Conflict.of(
                N_(
                    "household {household} is on the register or monitored on {day}, or was decided on already:"
                    " there is nothing to decide"
                ),
                household=household_id,
                day=decided_on.isoformat(),
            )
        assert flag.standing is not None  # every household_left flag says where the household stands
        decision_id = await supervision_queries.insert_decision(
            uow,
            supervision_queries.NewDecision(
                agreement_id=agreement_id,
                household_id=household_id,
                decision=data.decision.value,
                standing=flag.standing.value,
                left_on=flag.since,
                decided_on=decided_on,
                reason=data.reason,
                position=listing.position,
                weight=listing.weight,
                created_by=actor.account_id,
                county_code=stored.county_code,
            ),
        )
        out = await supervision_queries.decision_by_id(uow, decision_id)
        await uow.audit(
            actor, f"{data.decision.value}_beneficiary", "asset_beneficiary_decision", decision_id, after=out
        )
    return out, True


def _flag_of(flags: list[AssetFlag], agreement_id: int, household_id: int) -> AssetFlag | None:
    return next((f for f in flags if f.agreement_id == agreement_id and f.household_id == household_id), None)


async def _agreement(db: Db, agreement_id: int) -> queries.StoredAgreement:
    stored = await queries.agreement_by_id(db, agreement_id)
    if stored is None:
        raise NotFound.of(N_("agreement {agreement} does not exist"), agreement=agreement_id)
    return stored
