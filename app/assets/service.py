"""Project assets (扶贫项目资产): the register, ownership confirmations (确权), operating agreements, the income
received from operators and its distribution to households through the payout ledger.

Who reaches an asset: the county's staff (admins, finance, auditors) of its county's region, a town officer
of its village's town, an operator that runs it (an agreement of the asset names its enterprise); what is
under an asset (its agreements, incomes, distributions) is reached with it. Writes are the county staff's
(the access policy: admins and finance).
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import msgspec

from app.assets import queries, supervision_queries
from app.assets.model import AssetStatus, DistributionMethod, OwnerKind, Standing
from app.assets.rules import (
    PAID_OTHERWISE,
    REMAINDER_RULE,
    NothingToShareAmong,
    Part,
    Recipient,
    distribute,
    income_hash,
    promised_yearly,
    standing_of,
)
from app.assets.schemas import (
    AgreementCreate,
    AgreementDetail,
    AgreementOut,
    AssetCreate,
    AssetDetail,
    AssetFilter,
    AssetOut,
    AssetUpdate,
    DistributionDetail,
    DistributionIn,
    DistributionOut,
    IncomeIn,
    IncomeOut,
    OwnershipIn,
    OwnershipOut,
    ShareOut,
    updated,
)
from app.core.access import can
from app.core.errors import Conflict, Forbidden, NotFound, Refused
from app.core.messages import N_, Message, message
from app.core.metrics import PAYOUTS_RECORDED
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, ensure_town_scope, list_region
from app.core.settings import get_settings
from app.core.uow import Db, UnitOfWork, reading, reading_replica, unit_of_work
from app.enterprises import service as enterprises
from app.industries import service as industries
from app.links import bulk as links_bulk
from app.links import service as links
from app.monitoring import service as monitoring
from app.payouts import bulk as payouts_bulk
from app.payouts.rules import body_hasher
from app.regions import service as regions
from app.registry import service as registry
from app.registry.rules import continuation_end, on_register

PAYOUT_SOURCE = "asset"
"""The ``source`` of the payout batch a distribution's payouts are appended in."""


def payout_reference(income_id: int, household_id: int) -> str:
    """The reference of a household's payout from a distribution: one per income and household, unique under
    the operator's enterprise like every payout's."""
    return f"asset-income-{income_id}-{household_id}"


# ---- reach --------------------------------------------------------------------------------------------


def _ensure_may_read(principal: Principal, county_code: str, town_id: int, operator_ids: list[int]) -> None:
    if principal.role is Role.operator:
        if principal.enterprise_id not in operator_ids:
            raise Forbidden.of(N_("this asset is not run by your enterprise"))
        return
    ensure_county_scope(principal, county_code)
    ensure_town_scope(principal, town_id)


async def _placed(db: Db, asset_id: int, *, lock: bool = False) -> queries.PlacedAsset:
    placed = await queries.placed_asset(db, asset_id, lock=lock)
    if placed is None:
        raise NotFound.of(N_("asset {asset} does not exist"), asset=asset_id)
    return placed


async def _readable_asset(db: Db, principal: Principal, asset_id: int) -> queries.PlacedAsset:
    placed = await _placed(db, asset_id)
    _ensure_may_read(principal, placed.county_code, placed.town_id, placed.operator_ids)
    return placed


async def _writable_asset(uow: UnitOfWork, actor: Principal, asset_id: int) -> queries.PlacedAsset:
    """The asset, held to the end of the transaction, after checking the actor's county and that it was not
    disposed of (a disposed asset's record stays as it was)."""
    placed = await held_asset(uow, actor, asset_id)
    if placed.fields.status is AssetStatus.disposed:
        raise Conflict.of(N_("asset {asset} was disposed of; its record stays as it was"), asset=asset_id)
    return placed


async def held_asset(uow: UnitOfWork, actor: Principal, asset_id: int) -> queries.PlacedAsset:
    """The asset, held (FOR UPDATE) to the end of the transaction, once the actor's county reaches it; 404 when
    there is none. Disposed of or not: the caller says what a disposed one may still take (evidence, a
    disposal that regularises it)."""
    placed = await _placed(uow, asset_id, lock=True)
    ensure_county_scope(actor, placed.county_code)
    return placed


async def readable_asset(db: Db, principal: Principal, asset_id: int) -> queries.PlacedAsset:
    """The asset once the principal may read it: its county's staff, its town's officer, an operator that runs
    it (403 otherwise, 404 when there is none)."""
    return await _readable_asset(db, principal, asset_id)


def thresholds() -> supervision_queries.Thresholds:
    """The supervision's thresholds for a county that set none of its own (the settings)."""
    s = get_settings()
    return supervision_queries.Thresholds(
        idle_months=s.asset_idle_months,
        distribution_days=s.asset_distribution_days,
        grace_days=s.asset_arrears_grace_days,
        continuation_years=s.continuation_years,
    )


# ---- the register ---------------------------------------------------------------------------------------


async def _industry_id(db: Db, code: str | None) -> int | None:
    if code is None:
        return None
    found = await industries.industries_by_code(db, [code])
    if not found:
        raise Refused.of(N_("unknown industry {industry}"), industry=code, field="industry")
    return found[0].id


async def _check_base(db: Db, base_id: int | None, county_code: str) -> None:
    """An asset's base exists and lies in the asset's county."""
    if base_id is None:
        return
    base = await links.placed_base(db, base_id)
    if base is None:
        raise Refused.of(N_("base {base} does not exist"), base=base_id, field="base_id")
    if base.county_code != county_code:
        raise Refused.of(N_("base {base} is in another county than the asset"), base=base_id, field="base_id")


async def _detail(db: Db, asset_id: int) -> AssetDetail:
    out = await queries.asset_by_id(db, asset_id)
    assert out is not None  # the caller found it
    return AssetDetail(
        **msgspec.structs.asdict(out),
        funding=await queries.funding_of(db, asset_id),
        ownership=await queries.ownership_of(db, asset_id),
        agreements=await queries.agreements_of(db, asset_id),
    )


async def create_asset(actor: Principal, data: AssetCreate) -> AssetDetail:
    """Register an asset in a village of the actor's region, with its sources of funds."""
    async with unit_of_work() as uow:
        place = await registry.village_place(uow, data.village_id)
        if place is None:
            raise Refused.of(N_("village {village} does not exist"), village=data.village_id, field="village_id")
        ensure_county_scope(actor, place.county_code)
        if place.county_code is None:  # a village of a town no county holds yet: the asset would have no county
            raise Refused.of(N_("village {village} is in no county yet"), village=data.village_id, field="village_id")
        industry_id = await _industry_id(uow, data.industry)
        await _check_base(uow, data.base_id, place.county_code)
        if (taken := await queries.asset_name_taken(uow, data.village_id, data.name)) is not None:
            raise Conflict.of(
                N_("the village already has an asset named {name}"),
                name=data.name,
                field="name",
                extra={"existing_asset_id": taken},
            )
        asset_id = await queries.insert_asset(
            uow,
            queries.NewAsset(
                name=data.name,
                asset_class=data.asset_class.value,
                kind=data.kind.value,
                industry_id=industry_id,
                village_id=data.village_id,
                base_id=data.base_id,
                completed_on=data.completed_on,
                book_value=data.book_value,
                depreciation=data.depreciation.value,
                useful_life_years=data.useful_life_years,
                status=data.status.value,
                note=data.note,
                created_by=actor.account_id,
                county_code=place.county_code,
            ),
        )
        await queries.replace_funding(uow, asset_id, place.county_code, data.funding)
        detail = await _detail(uow, asset_id)
        await uow.audit(actor, "create", "asset", asset_id, after=detail)
    return detail


async def get_asset(principal: Principal, asset_id: int) -> AssetDetail:
    """The asset with its funding, ownership and agreements, and (for the roles that read the supervision's
    flags) what supervision finds wrong with it today."""
    async with reading() as db:
        await _readable_asset(db, principal, asset_id)
        detail = await _detail(db, asset_id)
        if can(principal.role, "assets.flags.read"):
            detail.flags = await supervision_queries.all_flags(
                db, supervision_queries.FlagQuery(as_of=date.today(), thresholds=thresholds(), asset_id=asset_id)
            )
        return detail


async def list_assets(principal: Principal, page: PageParams, f: AssetFilter) -> Page[AssetOut]:
    """Assets under the filters that the caller may read: a town officer its town's, an operator those it runs,
    the others those of their region's counties."""
    q = queries.AssetQuery(
        region=f.region,
        town_id=f.town_id,
        village_id=f.village_id,
        asset_class=f.asset_class and f.asset_class.value,
        kind=f.kind and f.kind.value,
        industry=f.industry,
        status=f.status and f.status.value,
        operator_id=f.operator_id,
        scope_town_id=principal.town_id if principal.role is Role.town_officer else None,
        scope_operator_id=principal.enterprise_id if principal.role is Role.operator else None,
        scope_region=list_region(principal),
    )
    async with reading_replica() as db:
        return await queries.page_of_assets(db, q, page)


def _asset_query(principal: Principal, f: AssetFilter) -> queries.AssetQuery:
    """The assets ``f`` chooses within the caller's reach (as ``list_assets`` reads them)."""
    return queries.AssetQuery(
        region=f.region,
        town_id=f.town_id,
        village_id=f.village_id,
        asset_class=f.asset_class and f.asset_class.value,
        kind=f.kind and f.kind.value,
        industry=f.industry,
        status=f.status and f.status.value,
        operator_id=f.operator_id,
        scope_town_id=principal.town_id if principal.role is Role.town_officer else None,
        scope_operator_id=principal.enterprise_id if principal.role is Role.operator else None,
        scope_region=list_region(principal),
    )


async def asset_totals(principal: Principal, f: AssetFilter) -> queries.AssetTotals:
    """How many assets ``list_assets`` finds under the filters, and their book value and funds in all."""
    async with reading_replica() as db:
        return await queries.asset_totals(db, _asset_query(principal, f))


async def income_by_industry_and_year(principal: Principal, f: AssetFilter) -> list[queries.IncomeCell]:
    """The income received from the operators of the assets ``list_assets`` finds under the filters, by the
    asset's industry and the year received, with the part distributed to households."""
    async with reading_replica() as db:
        return await queries.income_by_industry_year(db, _asset_query(principal, f))


async def households_in_asset_county(principal: Principal, asset_id: int, numbers: list[str]) -> dict[str, int]:
    """The households of the asset's county among these registry numbers, by number (the others are left
    out): what a form that lists households by their registry number names them by."""
    async with reading() as db:
        placed = await _readable_asset(db, principal, asset_id)
        found = await registry.placed_households(db, numbers)
    return {number: h.id for number, h in found.items() if h.county_code == placed.county_code}


async def owners_registry_numbers(principal: Principal, asset_id: int) -> dict[int, str]:
    """The registry numbers of the households the asset's ownership was ever confirmed to, by household."""
    async with reading() as db:
        await _readable_asset(db, principal, asset_id)
        ids = sorted({h for o in await queries.ownership_of(db, asset_id) for h in o.household_ids})
        facts = await registry.household_facts(db, ids, date.today())
    return {f.id: f.registry_no for f in facts}


async def update_asset(actor: Principal, asset_id: int, data: AssetUpdate) -> AssetDetail:
    """Change an asset's fields (not its village, not a disposal); the whole before and after are audited."""
    async with unit_of_work() as uow:
        placed = await _writable_asset(uow, actor, asset_id)
        before = await _detail(uow, asset_id)
        after = updated(placed.fields, data)
        industry_id = await _industry_id(uow, after.industry)
        if after.base_id != placed.fields.base_id:
            await _check_base(uow, after.base_id, placed.county_code)
        if after.name != placed.fields.name and (
            taken := await queries.asset_name_taken(uow, placed.village_id, after.name, asset_id)
        ):
            raise Conflict.of(
                N_("the village already has an asset named {name}"),
                name=after.name,
                field="name",
                extra={"existing_asset_id": taken},
            )
        await queries.update_asset(uow, asset_id, after, industry_id)
        if isinstance(data.funding, list):
            await queries.replace_funding(uow, asset_id, placed.county_code, data.funding)
        detail = await _detail(uow, asset_id)
        await uow.audit(actor, "update", "asset", asset_id, before=before, after=detail)
    return detail


async def confirm_ownership(actor: Principal, asset_id: int, data: OwnershipIn) -> OwnershipOut:
    """Record a confirmation of the asset's ownership (确权): to its village's collective, or to households of
    its village that are on the register or monitored. The latest confirmation is the current one; the earlier
    ones stay as its history."""
    async with unit_of_work() as uow:
        placed = await _writable_asset(uow, actor, asset_id)
        ids = list(data.household_ids)
        if data.owner_kind is OwnerKind.households:
            facts = {f.id: f for f in await registry.household_facts(uow, ids, data.confirmed_on)}
            monitored = await monitoring.monitored_among(uow, ids)
            for i, household_id in enumerate(ids):
                field = f"household_ids[{i}]"
                found = facts.get(household_id)
                if found is None:
                    raise Refused.of(N_("household {household} does not exist"), household=household_id, field=field)
                if found.village_id != placed.village_id:
                    raise Refused.of(
                        N_("household {household} is not of the asset's village"), household=household_id, field=field
                    )
                if not (on_register(found.status) or household_id in monitored):
                    raise Refused.of(
                        N_("household {household} is neither on the register nor monitored"),
                        household=household_id,
                        field=field,
                    )
        ownership_id = await queries.insert_ownership(
            uow,
            asset_id,
            data.owner_kind.value,
            data.confirmed_on,
            data.document_no,
            data.document_title,
            data.note,
            actor.account_id,
            placed.county_code,
            ids,
        )
        confirmed = next(o for o in await queries.ownership_of(uow, asset_id) if o.id == ownership_id)
        await uow.audit(
            actor, "confirm", "asset_ownership", ownership_id, after={"asset_id": asset_id, **_plain(confirmed)}
        )
    return confirmed


def _plain(struct: msgspec.Struct) -> dict[str, object]:
    return msgspec.structs.asdict(struct)


# ---- operating agreements ---------------------------------------------------------------------------


def _agreement_out(stored: queries.StoredAgreement) -> AgreementOut:
    a = stored.agreement
    promised = promised_yearly(a["yearly_rent"], a["guaranteed_rate"], stored.funding_total)
    return msgspec.convert({**a, "promised_yearly": promised}, AgreementOut)


async def _agreement_detail(db: Db, agreement_id: int) -> AgreementDetail:
    stored = await queries.agreement_by_id(db, agreement_id)
    assert stored is not None  # the caller found it
    return AgreementDetail(
        **msgspec.structs.asdict(_agreement_out(stored)), households=await queries.beneficiaries_of(db, agreement_id)
    )


async def sign_agreement(actor: Principal, asset_id: int, data: AgreementCreate) -> AgreementDetail:
    """Record an operating agreement of the asset: its operator, form, term, what it pays and how the income is
    shared among the households it lists (each of the asset's county). Its term may not overlap another
    agreement of the asset (409)."""
    async with unit_of_work() as uow:
        placed = await _writable_asset(uow, actor, asset_id)
        if not await enterprises.enterprise_exists(uow, data.operator_id):
            raise Refused.of(
                N_("enterprise {enterprise} does not exist"), enterprise=data.operator_id, field="operator_id"
            )
        base_id = data.base_id if data.base_id is not None else placed.fields.base_id
        if base_id is None:
            raise Refused.of(
                N_("the asset stands on no base: name the operator's base its links to households run through"),
                field="base_id",
            )
        base = await links.placed_base(uow, base_id)
        if base is None:
            raise Refused.of(N_("base {base} does not exist"), base=base_id, field="base_id")
        if base.base.enterprise_id != data.operator_id:
            raise Refused.of(
                N_("base {base} belongs to another enterprise than the operator"), base=base_id, field="base_id"
            )
        ids = [b.household_id for b in data.households]
        facts = {f.id: f for f in await registry.household_facts(uow, ids, data.starts_on)}
        for i, household_id in enumerate(ids):
            field = f"households[{i}].household_id"
            found = facts.get(household_id)
            if found is None:
                raise Refused.of(N_("household {household} does not exist"), household=household_id, field=field)
            if found.county_code != placed.county_code:
                raise Refused.of(
                    N_("household {household} is not of the asset's county"), household=household_id, field=field
                )
        if (overlap := await queries.overlapping_agreement(uow, asset_id, data.starts_on, data.ends_on)) is not None:
            raise Conflict.of(
                N_("agreement {agreement} of the asset runs in that term already"),
                agreement=overlap,
                field="starts_on",
                extra={"existing_agreement_id": overlap},
            )
        agreement_id = await queries.insert_agreement(
            uow,
            queries.NewAgreement(
                asset_id=asset_id,
                operator_id=data.operator_id,
                base_id=base_id,
                form=data.form.value,
                starts_on=data.starts_on,
                ends_on=data.ends_on,
                signed_on=data.signed_on,
                document_no=data.document_no,
                yearly_rent=data.yearly_rent,
                guaranteed_rate=data.guaranteed_rate,
                profit_share=data.profit_share,
                method=data.method.value,
                public_share=data.public_share,
                note=data.note,
                created_by=actor.account_id,
                county_code=placed.county_code,
            ),
            ids,
            [b.weight for b in data.households],
        )
        detail = await _agreement_detail(uow, agreement_id)
        await uow.audit(actor, "sign", "asset_agreement", agreement_id, after=detail)
    return detail


async def _readable_agreement(db: Db, principal: Principal, agreement_id: int) -> queries.StoredAgreement:
    stored = await queries.agreement_by_id(db, agreement_id)
    if stored is None:
        raise NotFound.of(N_("agreement {agreement} does not exist"), agreement=agreement_id)
    await _readable_asset(db, principal, stored.agreement["asset_id"])
    return stored


async def get_agreement(principal: Principal, agreement_id: int) -> AgreementDetail:
    async with reading() as db:
        await _readable_agreement(db, principal, agreement_id)
        return await _agreement_detail(db, agreement_id)


async def list_agreements(principal: Principal, asset_id: int) -> list[AgreementOut]:
    """An asset's agreements, by their start."""
    async with reading_replica() as db:
        await _readable_asset(db, principal, asset_id)
        return [_agreement_out(s) for s in await queries.agreements_of_asset(db, asset_id)]


# ---- income ------------------------------------------------------------------------------------------


def _income_fingerprint(agreement_id: int, data: IncomeIn, reference: str) -> str:
    return income_hash(agreement_id, data.received_on, data.period_year, data.amount, reference, data.note)


def _same_income_or_clash(existing: queries.StoredIncome, agreement_id: int, data: IncomeIn) -> IncomeOut:
    # a reference matches whatever the case of its letters; the body is compared as the record spells it
    if existing.body_hash != _income_fingerprint(agreement_id, data, existing.income.reference):
        raise Conflict.of(
            N_("reference {reference} was already used for income {income} with different content"),
            reference=data.reference,
            income=existing.income.id,
            field="reference",
            extra={"existing_income_id": existing.income.id},
        )
    return existing.income


async def record_income(actor: Principal, agreement_id: int, data: IncomeIn) -> tuple[IncomeOut, bool]:
    """(income, created): income received from the operator under the agreement. A resend with the same
    reference and body returns the first record; the same reference with another body is a 409."""
    async with unit_of_work() as uow:
        stored = await queries.agreement_by_id(uow, agreement_id)
        if stored is None:
            raise NotFound.of(N_("agreement {agreement} does not exist"), agreement=agreement_id)
        ensure_county_scope(actor, stored.county_code)
        existing = await queries.income_by_reference(uow, agreement_id, data.reference)
        if existing is not None:
            return _same_income_or_clash(existing, agreement_id, data), False
        if stored.asset_status == AssetStatus.disposed.value:
            raise Conflict.of(
                N_("asset {asset} was disposed of; it takes no new income"), asset=stored.agreement["asset_id"]
            )
        a = stored.agreement
        starts_on: date = a["starts_on"]
        ends_on: date | None = a["ends_on"]
        if ends_on is None and data.period_year < starts_on.year:
            raise Refused.of(
                N_("the agreement runs from {first} with no end; the income is for a year of its term"),
                first=starts_on.isoformat(),
                field="period_year",
            )
        if ends_on is not None and not starts_on.year <= data.period_year <= ends_on.year:
            raise Refused.of(
                N_("the agreement runs from {first} to {last}; the income is for a year of that term"),
                first=starts_on.isoformat(),
                last=ends_on.isoformat(),
                field="period_year",
            )
        if data.received_on < a["signed_on"]:
            raise Refused.of(
                N_("the agreement was signed on {day}; its income is received on that day or later"),
                day=a["signed_on"].isoformat(),
                field="received_on",
            )
        income_id = await queries.insert_income(
            uow,
            queries.NewIncome(
                agreement_id=agreement_id,
                received_on=data.received_on,
                period_year=data.period_year,
                amount=data.amount,
                reference=data.reference,
                body_hash=_income_fingerprint(agreement_id, data, data.reference),
                note=data.note,
                created_by=actor.account_id,
                county_code=stored.county_code,
            ),
        )
        if income_id is None:  # the reference was taken meanwhile: a resend (same body) or a clash
            found = await queries.income_by_reference(uow, agreement_id, data.reference)
            assert found is not None  # the conflicting row is committed
            return _same_income_or_clash(found, agreement_id, data), False
        recorded = await queries.income_by_id(uow, income_id)
        assert recorded is not None  # just written in this transaction
        await uow.audit(actor, "record", "asset_income", income_id, after=recorded.income)
    return recorded.income, True


async def list_income(principal: Principal, agreement_id: int, page: PageParams) -> Page[IncomeOut]:
    """The income recorded under an agreement, the latest received first."""
    async with reading_replica() as db:
        await _readable_agreement(db, principal, agreement_id)
        return await queries.page_of_income(db, agreement_id, page)


# ---- distribution ----------------------------------------------------------------------------------


def _distribution_fingerprint(income_id: int, data: DistributionIn) -> str:
    canonical = f"{income_id}|{data.paid_on.isoformat()}|{data.method.value}"
    return hashlib.sha256(canonical.encode()).hexdigest()


def _period(period_year: int, starts_on: date, ends_on: date | None) -> tuple[date, date]:
    """The days of the income's year that the agreement's term covers: the period its payouts are for."""
    first, last = date(period_year, 1, 1), date(period_year, 12, 31)
    return max(first, starts_on), min(last, ends_on or last)


def _distribution_out(fields: dict[str, object]) -> DistributionOut:
    return msgspec.convert({**fields, "remainder_rule": REMAINDER_RULE}, DistributionOut)


async def distribute_income(actor: Principal, income_id: int, data: DistributionIn) -> tuple[DistributionOut, bool]:
    """(distribution, created): share one income out to the agreement's households by its rule
    (app/assets/rules.py), written in a few set-based statements whatever the number of households:

    1. the ``asset`` link between the operator, the agreement's base and each household that is paid, found or
       made (``app.links.bulk.asset_links``, one statement);
    2. one payout of income type ``asset_income`` per household paid, appended to the payout ledger in a batch
       of source ``asset`` through the ledger's own staging and insert (``app.payouts.bulk.append_payouts``:
       one COPY, one INSERT ... SELECT), so household income, reports and exports read it as any payout;
    3. the distribution with every listed household's part (the rule's inputs for it and its amount) in one
       row; a part's lines are the rule's, run again on those inputs when the distribution is read.

    An income is distributed once: the same request again returns the first distribution (200); another
    request (another day or method) is a 409 naming it."""
    fingerprint = _distribution_fingerprint(income_id, data)
    async with unit_of_work() as uow:
        income = await queries.income_by_id(uow, income_id, lock=True)
        if income is None:
            raise NotFound.of(N_("income {income} does not exist"), income=income_id)
        ensure_county_scope(actor, income.county_code)
        existing = await queries.distribution_of_income(uow, income_id)
        if existing is not None:
            if existing.body_hash != fingerprint:
                raise Conflict.of(
                    N_("income {income} was already distributed (distribution {distribution}, paid on {day})"),
                    income=income_id,
                    distribution=existing.fields["id"],
                    day=existing.fields["paid_on"],
                    extra={"existing_distribution_id": existing.fields["id"]},
                )
            return _distribution_out(existing.fields), False
        if data.paid_on < income.income.received_on:
            raise Refused.of(
                N_("the income was received on {day}; it is paid out on that day or later"),
                day=income.income.received_on.isoformat(),
                field="paid_on",
            )
        stored = await queries.agreement_by_id(uow, income.income.agreement_id)
        assert stored is not None  # an income's agreement is never deleted
        a = stored.agreement
        period_from, period_to = _period(income.income.period_year, a["starts_on"], a["ends_on"])
        recipients = await _recipients(uow, income.income.agreement_id, data.paid_on, period_to)
        try:
            # the amounts only: the lines are the rule's again on the stored inputs, when they are read
            shared = distribute(
                income.income.amount, DistributionMethod(a["method"]), a["public_share"], recipients, explain=False
            )
        except NothingToShareAmong as e:
            raise Conflict.of(
                N_("income {income} cannot be shared: {reason}"), income=income_id, reason=str(e)
            ) from None
        paid = shared.paid
        operator: int = a["operator_id"]
        county = stored.county_code
        link_of: dict[int, int] = {}
        created_links: list[int] = []
        batch_id: int | None = None
        appended = payouts_bulk.Appended(0, Decimal("0.00"))
        if paid:
            found = await links_bulk.asset_links(
                uow,
                enterprise_id=operator,
                base_id=a["base_id"],
                household_ids=[p.household_id for p in paid],
                period_from=period_from,
                period_to=period_to,
                end=a["ends_on"],
                note=f"资产收益: {a['asset_name']}",
                county=county,
            )
            if found.blocked:
                household, link = next(iter(sorted(found.blocked.items())))
                raise Conflict.of(
                    N_(
                        "household {household}'s asset link {link} on the base covers part of {first} to {last} only;"
                        " end it or let it cover the period"
                    ),
                    household=household,
                    link=link,
                    first=period_from.isoformat(),
                    last=period_to.isoformat(),
                    extra={"blocked": [{"household_id": h, "link_id": lk} for h, lk in sorted(found.blocked.items())]},
                )
            link_of, created_links = found.link_of, found.created
            batch_id = await payouts_bulk.open_batch(uow, operator, PAYOUT_SOURCE, len(paid), actor.account_id)
            rows = _payout_rows(paid, income_id, operator, link_of, period_from, period_to, data)
            appended = await payouts_bulk.append_payouts(uow, batch_id, actor.account_id, rows, county)
            if appended.count != len(rows):
                raise Conflict.of(
                    N_("{count} payout reference(s) of this distribution are taken already; nothing was written"),
                    count=len(rows) - appended.count,
                )
        distribution_id = await queries.insert_distribution(
            uow,
            queries.NewDistribution(
                income_id=income_id,
                method=shared.method.value,
                public_share=shared.public_share,
                amount=shared.income,
                public_amount=shared.public_amount,
                distributed=shared.distributed,
                households_paid=len(paid),
                households_excluded=sum(1 for p in shared.parts if not p.included),
                paid_on=data.paid_on,
                pay_method=data.method.value,
                period_from=period_from,
                period_to=period_to,
                payout_batch_id=batch_id,
                first_payout=appended.first_id,
                last_payout=appended.last_id,
                households=[r.household_id for r in recipients],
                members=[r.members for r in recipients],
                weights=[r.weight for r in recipients],
                standings=[r.standing.value for r in recipients],
                reasons=[str(r.why) for r in recipients],
                amounts=[p.amount for p in shared.parts],
                explanation=list(shared.lines),
                body_hash=fingerprint,
                created_by=actor.account_id,
                county_code=county,
            ),
        )
        written = await queries.distribution_of_income(uow, income_id)
        assert written is not None  # just written in this transaction
        out = _distribution_out(written.fields)
        await uow.audit(
            actor,
            "distribute",
            "asset_distribution",
            distribution_id,
            after={
                **_plain(out),
                "payouts": appended.count,
                "first_payout_id": appended.first_id,
                "last_payout_id": appended.last_id,
                "links_created": len(created_links),
                "link_ids_created": created_links,
            },
        )
    PAYOUTS_RECORDED.labels(PAYOUT_SOURCE).inc(appended.count)  # committed
    return out, True


async def _recipients(uow: UnitOfWork, agreement_id: int, paid_on: date, period_to: date) -> list[Recipient]:
    """The agreement's households in their order, each with its members counted on the day paid and where it
    stands (registry status, policy continuation, monitoring) for a period ending on ``period_to``."""
    listed = await queries.listed_households(uow, agreement_id)
    ids = [x.household_id for x in listed]
    facts = {f.id: f for f in await registry.household_facts(uow, ids, paid_on)}
    monitored = await monitoring.monitored_among(uow, ids)
    policies = await regions.county_policies(uow)
    recipients = []
    # households of one status, exit year, county and monitoring stand alike: each such standing worked out once
    standings: dict[tuple[str, int | None, int | None, bool], tuple[Standing, Message]] = {}
    for x in listed:
        f = facts[x.household_id]  # a listed household is never deleted
        key = (f.status, f.exited_year, f.county_id, x.household_id in monitored)
        if (known := standings.get(key)) is None:
            years = policies.of(f.county_id).continuation_years
            known = standings[key] = standing_of(
                f.status, f.exited_year, continuation_end(f.status, f.exited_year, years), key[3], period_to
            )
        recipients.append(Recipient(x.household_id, f.members, x.weight, known[0], known[1]))
    return recipients


def _payout_rows(
    paid: tuple[Part, ...],
    income_id: int,
    operator: int,
    link_of: dict[int, int],
    period_from: date,
    period_to: date,
    data: DistributionIn,
) -> list[payouts_bulk.NewPayout]:
    """One payout of income type ``asset_income`` per part paid, as the ledger's bulk append takes them."""
    method = data.method.value
    fingerprint = body_hasher("asset_income", period_from, period_to, data.paid_on, method)
    rows = []
    for part in paid:
        link_id = link_of[part.household_id]
        reference = payout_reference(income_id, part.household_id)
        rows.append(
            payouts_bulk.NewPayout(
                idx=part.position,
                enterprise_id=operator,
                link_id=link_id,
                household_id=part.household_id,
                income_type="asset_income",
                amount=part.amount,
                period_from=period_from,
                period_to=period_to,
                paid_on=data.paid_on,
                method=method,
                reference=reference,
                body_hash=fingerprint(link_id, part.amount, reference),
            )
        )
    return rows


async def get_distribution(principal: Principal, income_id: int) -> DistributionDetail:
    """How an income was shared out: the whole, and every listed household's part line by line. The lines are
    the rule's, run again on the inputs the distribution stored (the same inputs give the same lines on any
    day); were a part's amount ever to differ from what was paid, its lines say so."""
    async with reading() as db:
        income = await queries.income_by_id(db, income_id)
        if income is None:
            raise NotFound.of(N_("income {income} does not exist"), income=income_id)
        stored = await queries.agreement_by_id(db, income.income.agreement_id)
        assert stored is not None  # an income's agreement is never deleted
        await _readable_asset(db, principal, stored.agreement["asset_id"])
        found = await queries.distribution_of_income(db, income_id)
        if found is None:
            raise NotFound.of(N_("income {income} is not distributed yet"), income=income_id)
        parts = await queries.parts_of(db, int(found.fields["id"]))
    out = _distribution_out(found.fields)
    again = distribute(
        out.amount,
        out.method,
        out.public_share,
        [Recipient(p.household_id, p.members, p.weight, Standing(p.standing), p.reason) for p in parts],
    )
    shares = []
    for stored_part, part in zip(parts, again.parts, strict=True):
        lines = list(part.lines)
        if part.amount != stored_part.amount:
            lines.append(str(message(PAID_OTHERWISE, amount=str(part.amount), paid=str(stored_part.amount))))
        shares.append(
            ShareOut(
                household_id=stored_part.household_id,
                registry_no=stored_part.registry_no,
                position=stored_part.position,
                members=stored_part.members,
                weight=stored_part.weight,
                standing=Standing(stored_part.standing),
                included=part.included,
                amount=stored_part.amount,
                link_id=stored_part.link_id,
                payout_id=stored_part.payout_id,
                explanation=lines,
            )
        )
    return DistributionDetail(**msgspec.structs.asdict(out), shares=shares)
