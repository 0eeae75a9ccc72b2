"""Subsidy schemes: a year's rates and budget, from draft to published to closed."""

from __future__ import annotations

from decimal import Decimal

from app.core.counties import COUNTY_DIGITS
from app.core.errors import Conflict, NotFound, Refused
from app.core.pagination import Page, PageParams
from app.core.principal import Principal, Role, ensure_county_scope, list_region
from app.core.uow import Db, UnitOfWork, reading, reading_replica, unit_of_work
from app.regions import service as regions
from app.regions.service import RegionOut
from app.subsidies import queries
from app.subsidies.model import ClaimStatus
from app.subsidies.rules import Rate, Tier, calculate, cap_for_household, payable_quantity, validate_rate
from app.subsidies.schemas import PreviewLine, PreviewTotal, RateIn, SchemeCreate, SchemeOut, SchemePreview


def _rates(rates: list[RateIn]) -> list[Rate]:
    """The rates as the calculator reads them, each checked (a bad one names its place in the list)."""
    out = []
    for i, r in enumerate(rates):
        rate = Rate(r.industry, r.unit, r.min_quantity, r.cap, tuple(Tier(t.up_to, t.rate) for t in r.tiers))
        try:
            validate_rate(rate)
        except (ValueError, TypeError) as exc:
            raise Refused(str(exc), extra={"field": f"rates[{i}].tiers"}) from None
        out.append(rate)
    return out


async def _write_rates(uow: UnitOfWork, scheme_id: int, rates: list[Rate]) -> None:
    known = await queries.industry_ids(uow, [r.industry for r in rates])
    unknown = [r.industry for r in rates if r.industry not in known]
    if unknown:
        raise Refused(f"unknown industry: {', '.join(unknown)}", extra={"field": "rates"})
    await queries.replace_rates(
        uow,
        scheme_id,
        [
            queries.NewRate(
                industry_id=known[r.industry], unit=r.unit, min_quantity=r.min_quantity, cap=r.cap, tiers=r.tiers
            )
            for r in rates
        ],
    )


async def _scheme(db: Db, scheme_id: int) -> SchemeOut:
    scheme = await queries.scheme_by_id(db, scheme_id)
    if scheme is None:
        raise NotFound(f"subsidy scheme {scheme_id} does not exist")
    return scheme


async def _locked(uow: UnitOfWork, actor: Principal, scheme_id: int) -> queries.SchemeFacts:
    """The scheme held for a change, after checking it is of a county of the actor's region (403)."""
    scheme = await queries.scheme_facts(uow, scheme_id, lock=True)
    if scheme is None:
        raise NotFound(f"subsidy scheme {scheme_id} does not exist")
    ensure_county_scope(actor, scheme.county_code)
    return scheme


async def _ensure_may_read(db: Db, principal: Principal, scheme_id: int) -> queries.SchemeFacts:
    """A scheme belongs to a county: a region's accounts and town officers read their counties' schemes;
    an operator, whose enterprise may work in any county, reads every county's (a published scheme is a
    public notice)."""
    scheme = await queries.scheme_facts(db, scheme_id)
    if scheme is None:
        raise NotFound(f"subsidy scheme {scheme_id} does not exist")
    if principal.role is not Role.operator:
        ensure_county_scope(principal, scheme.county_code)
    return scheme


async def _county_of_new_scheme(uow: UnitOfWork, actor: Principal, county_id: int | None) -> RegionOut:
    """The county a new scheme is for: the one named, else the actor's own county (a county's finance), else
    the directory's only county (``regions.county_for_new``); one out of the actor's region is a 403."""
    if county_id is None and actor.region_code is not None and len(actor.region_code) == COUNTY_DIGITS:
        own = await regions.region_by_code(uow, actor.region_code)
        county_id = None if own is None else own.id
    county = await regions.county_for_new(uow, county_id, what="scheme")
    ensure_county_scope(actor, county.code)
    return county


async def create_scheme(actor: Principal, data: SchemeCreate) -> SchemeOut:
    rates = _rates(data.rates)
    async with unit_of_work() as uow:
        county = await _county_of_new_scheme(uow, actor, data.county_id)
        if await queries.scheme_name_taken(uow, county.id, data.year, data.name):
            raise Conflict(f"{county.name} already has a {data.year} scheme named {data.name}", extra={"field": "name"})
        scheme_id = await queries.insert_scheme(
            uow,
            queries.NewScheme(
                county_id=county.id,
                year=data.year,
                name=data.name,
                budget=data.budget,
                household_cap=data.household_cap,
                exited_eligible_until=data.exited_eligible_until,
                notice_days=data.notice_days,
            ),
        )
        await _write_rates(uow, scheme_id, rates)
        scheme = await _scheme(uow, scheme_id)
        await uow.audit(actor, "create", "subsidy_scheme", scheme.id, after=scheme)
    return scheme


async def get_scheme(principal: Principal, scheme_id: int) -> SchemeOut:
    async with reading() as db:
        await _ensure_may_read(db, principal, scheme_id)
        return await _scheme(db, scheme_id)


async def list_schemes(
    principal: Principal, page: PageParams, *, year: int | None, status: str | None
) -> Page[SchemeOut]:
    """Schemes under the filters: those of the counties of the principal's region (an operator: all)."""
    async with reading_replica() as db:
        return await queries.scheme_page(db, page, year=year, status=status, region=list_region(principal))


async def replace_rates(actor: Principal, scheme_id: int, rates: list[RateIn]) -> SchemeOut:
    checked = _rates(rates)
    async with unit_of_work() as uow:
        scheme = await _locked(uow, actor, scheme_id)
        if scheme.status != "draft":
            raise Conflict(f"the scheme is {scheme.status}: a published scheme's rates cannot change")
        before = await _scheme(uow, scheme_id)
        await _write_rates(uow, scheme_id, checked)
        after = await _scheme(uow, scheme_id)
        await uow.audit(actor, "replace_rates", "subsidy_scheme", scheme_id, before=before.rates, after=after.rates)
    return after


async def move_scheme(actor: Principal, scheme_id: int, target: str) -> SchemeOut:
    """draft → published → closed, one way."""
    expected = {"published": "draft", "closed": "published"}[target]
    async with unit_of_work() as uow:
        scheme = await _locked(uow, actor, scheme_id)
        if scheme.status != expected:
            raise Conflict(f"the scheme is {scheme.status}; only a {expected} scheme can be {target}")
        if target == "published" and not await queries.has_rates(uow, scheme_id):
            raise Conflict("a scheme needs at least one rate before it is published")
        await queries.set_scheme_status(uow, scheme_id, target)
        after = await _scheme(uow, scheme_id)
        await uow.audit(
            actor, target, "subsidy_scheme", scheme_id, before={"status": expected}, after={"status": target}
        )
    return after


async def preview(principal: Principal, scheme_id: int, page: PageParams) -> SchemePreview:
    """What every claim gets (approved) or would get if approved now, totalled against the budget.

    The totals are priced and summed in SQL in one statement (queries.preview_totals, the twin of the
    calculator); only the page of claims shown is read row by row and explained by the calculator.
    """
    async with reading_replica() as db:
        scheme = await _ensure_may_read(db, principal, scheme_id)
        sums = await queries.preview_totals(db, scheme_id, scheme.household_cap)
        rows = await queries.preview_page(db, scheme_id, page)
    lines: list[PreviewLine] = []
    for r in rows:
        quantity = payable_quantity(r.declared_quantity, r.verified_quantity)
        if r.voucher_amount is not None:
            amount, explanation = r.voucher_amount, r.voucher_explanation or []
        else:
            calc = calculate(r.rate, quantity, verified=r.verified_quantity is not None)
            capped = cap_for_household(calc, scheme.household_cap, r.household_approved)
            amount, explanation = capped.amount, list(capped.lines)
        lines.append(
            PreviewLine(
                claim_id=r.claim_id,
                household_id=r.household_id,
                town_id=r.town_id,
                industry=r.industry,
                status=ClaimStatus(r.status),
                quantity=quantity,
                amount=amount,
                explanation=explanation,
            )
        )
    approved, pending = sums.all.approved, sums.all.pending
    total = approved + pending

    def totals(groups: dict[str, queries.PreviewSum]) -> list[PreviewTotal]:
        return [PreviewTotal(key=k, claims=s.claims, amount=s.approved + s.pending) for k, s in sorted(groups.items())]

    return SchemePreview(
        scheme_id=scheme_id,
        budget=scheme.budget,
        approved=approved,
        pending=pending,
        total=total,
        over_budget=max(Decimal("0.00"), total - scheme.budget),
        by_industry=totals(sums.by_industry),
        by_town=totals(sums.by_town),
        claims=lines,
        claims_total=sums.all.claims,
        limit=page.limit,
        offset=page.offset,
    )
