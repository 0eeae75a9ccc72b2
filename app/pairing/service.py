"""Pairings and support records (千企帮千村)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec

from app.core.errors import Conflict, NotFound, Refused
from app.core.messages import N_
from app.core.money import round_fen
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_enterprise_scope, list_region
from app.core.uow import reading_replica, unit_of_work
from app.enterprises import service as enterprises
from app.pairing import queries
from app.pairing.rules import support_hash
from app.pairing.schemas import (
    PairingCreate,
    PairingEnd,
    PairingOut,
    ProgrammeReport,
    SupportFilter,
    SupportIn,
    SupportOut,
    SupportTotal,
)
from app.registry import service as registry


async def create_pairing(actor: Principal, data: PairingCreate) -> PairingOut:
    async with unit_of_work() as uow:
        if not await enterprises.enterprise_exists(uow, data.enterprise_id):
            raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
        if not await registry.village_exists(uow, data.village_id):
            raise Refused(f"village {data.village_id} does not exist", extra={"field": "village_id"})
        # a pairing belongs to its village's county (the enterprise may be registered in another)
        ensure_county_scope(actor, await registry.village_county_code(uow, data.village_id))
        # one pairing of an enterprise and a village at a time; the enterprise row lock orders concurrent ones
        await enterprises.enterprise_exists(uow, data.enterprise_id, lock=True)
        overlap = await queries.overlapping_pairing(
            uow, data.enterprise_id, data.village_id, data.start_date, data.end_date
        )
        if overlap is not None:
            raise Conflict(
                f"pairing {overlap} already pairs them in that period", extra={"existing_pairing_id": overlap}
            )
        pairing_id = await queries.insert_pairing(
            uow, data.enterprise_id, data.village_id, data.start_date, data.end_date
        )
        pairing = await queries.pairing_by_id(uow, pairing_id)
        assert pairing is not None  # just written in this transaction
        await uow.audit(actor, "create", "pairing", pairing.id, after=pairing)
    return pairing


async def end_pairing(actor: Principal, pairing_id: int, data: PairingEnd) -> PairingOut:
    async with unit_of_work() as uow:
        period = await queries.period_held(uow, pairing_id)
        if period is None:
            raise NotFound(f"pairing {pairing_id} does not exist")
        ensure_county_scope(actor, period.county_code)
        if data.end_date < period.start_date:
            raise Refused(f"the pairing started on {period.start_date}", extra={"field": "end_date"})
        if period.end_date is not None and data.end_date > period.end_date:
            raise Conflict(f"the pairing already ends on {period.end_date}")
        await queries.set_end(uow, pairing_id, data.end_date)
        after = await queries.pairing_by_id(uow, pairing_id)
        assert after is not None  # locked above
        await uow.audit(
            actor,
            "end",
            "pairing",
            pairing_id,
            before={"end_date": period.end_date},
            after={"end_date": after.end_date},
        )
    return after


async def list_pairings(
    principal: Principal, page: PageParams, *, enterprise_id: int | None, village_id: int | None, in_force: bool | None
) -> Page[PairingOut]:
    """Pairings under the filters that the caller may read: an operator its enterprise's, a town officer
    those of the town's villages (as with support records)."""
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    town_id = principal.town_id if principal.role is Role.town_officer else None
    async with reading_replica() as db:
        return await queries.page_of_pairings(
            db,
            page,
            enterprise_id=enterprise_id,
            village_id=village_id,
            in_force=in_force,
            town_id=town_id,
            region=list_region(principal),
        )


async def record_support(actor: Principal, data: SupportIn) -> tuple[SupportOut, bool]:
    """(record, created); a resend with the same reference and body returns the first record."""
    ensure_enterprise_scope(actor, data.enterprise_id)
    fingerprint = _support_fingerprint(data, data.reference)
    async with unit_of_work() as uow:
        # an operator records its enterprise's support in any county; an admin, in its region's (before a
        # resend is answered: a reference says nothing to a caller out of reach; a village that does not exist
        # is refused below: it is paired with nobody)
        if await registry.village_exists(uow, data.village_id):
            county_code = await registry.village_county_code(uow, data.village_id)
            ensure_county_scope(actor, county_code, enterprise_id=data.enterprise_id)
        existing = await queries.support_by_reference(uow, data.enterprise_id, data.reference)
        if existing is None:
            if not await queries.paired_on(uow, data.enterprise_id, data.village_id, data.given_on):
                raise Refused.of(
                    N_("enterprise {enterprise} is not paired with village {village} on {day}"),
                    enterprise=data.enterprise_id,
                    village=data.village_id,
                    day=data.given_on,
                    extra={"field": "village_id"},
                )
            record = await queries.insert_support(
                uow,
                queries.NewSupport(
                    enterprise_id=data.enterprise_id,
                    village_id=data.village_id,
                    kind=data.kind.value,
                    amount=data.amount,
                    in_kind=data.in_kind,
                    households_benefited=data.households_benefited,
                    people_benefited=data.people_benefited,
                    given_on=data.given_on,
                    note=data.note,
                    reference=data.reference,
                    body_hash=fingerprint,
                    created_by=actor.account_id,
                ),
            )
            if record is not None:
                await uow.audit(actor, "create", "support_record", record.id, after=record)
                return record, True
            # the reference was taken meanwhile: a resend (same body) or a clash (another body)
            existing = await queries.support_by_reference(uow, data.enterprise_id, data.reference)
            assert existing is not None  # the conflicting row is committed
    # a reference matches whatever the case of its letters; the body is compared as the ledger spells it
    if existing.body_hash != _support_fingerprint(data, existing.record.reference):
        raise Conflict.of(
            N_("reference {reference} was already used for support record {record} with different content"),
            reference=data.reference,
            record=existing.record.id,
            extra={"field": "reference", "existing_record_id": existing.record.id},
        )
    return existing.record, False


def _support_fingerprint(data: SupportIn, reference: str) -> str:
    return support_hash(
        data.village_id,
        data.kind.value,
        data.amount,
        data.in_kind,
        data.households_benefited,
        data.people_benefited,
        data.given_on,
        data.note,
        reference,
    )


def _support_query(
    principal: Principal, *, enterprise_id: int | None, village_id: int | None, kind: str | None, year: int | None
) -> queries.SupportQuery:
    """The support records a caller may read under the filters (for lists and exports): an operator its
    enterprise's, a town officer those given to the town's villages."""
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    town_id = principal.town_id if principal.role is Role.town_officer else None
    return queries.SupportQuery(
        enterprise_id=enterprise_id,
        village_id=village_id,
        kind=kind,
        year=year,
        town_id=town_id,
        region=list_region(principal),
    )


async def list_support(
    principal: Principal,
    page: PageParams,
    *,
    newest_first: bool = False,
    enterprise_id: int | None = None,
    village_id: int | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> Page[SupportOut]:
    q = _support_query(principal, enterprise_id=enterprise_id, village_id=village_id, kind=kind, year=year)
    async with reading_replica() as db:
        return await queries.page_of_support(db, q, page, newest_first=newest_first)


def export_support_records(principal: Principal, f: SupportFilter) -> AsyncIterator[SupportOut]:
    """The support records a caller may read under the filters, in id order, streamed."""
    return queries.stream_support(_support_query(principal, **f.as_kwargs()))


async def programme_report(principal: Principal, year: int | None) -> ProgrammeReport:
    """The programme's figures, of the counties of the principal's region (a town officer: its county; an
    operator, like an unscoped account: the whole programme, a public report)."""
    region = list_region(principal)
    async with reading_replica() as db:
        counts = await queries.paired_counts(db, region)
        unpaired = await queries.poor_villages_never_paired(db, region)
        by_enterprise = await queries.support_by_enterprise(db, year, region)
        by_village = await queries.support_by_village(db, year, region)

    def total(s: queries.SupportSum) -> SupportTotal:
        return SupportTotal(
            id=s.id,
            name=s.name,
            year=s.year,
            kind=s.kind,
            records=s.records,
            amount=round_fen(s.amount),
            people_benefited=s.people_benefited,
        )

    return ProgrammeReport(
        enterprises_paired=counts.enterprises,
        villages_paired=counts.villages,
        poor_villages_paired=counts.poor_villages,
        poor_villages_without_pairing=[msgspec.structs.asdict(v) for v in unpaired],
        by_enterprise=[total(s) for s in by_enterprise],
        by_village=[total(s) for s in by_village],
    )
