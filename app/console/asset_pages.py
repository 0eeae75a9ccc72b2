"""Project assets (扶贫项目资产, issue 15) in the console.

The register (``/console/assets``): the assets of the caller's reach under filters (town, village, class, kind,
industry, status), a page at a time, with the count, book value and funds of all of them, and for the county's
staff who manage assets the form to register one with its sources of funds. The chart of the income received
from the operators by industry and year (``/console/assets/income``). An asset's page
(``/console/assets/{id}``): its facts and funding, its ownership confirmations with the form to confirm it,
its operating agreements with the form to sign one, each agreement's income with the form to record one, and
each income's distribution, with the button to distribute it and each household's part explained line by
line in the reader's language.

Everything is the assets domain's (``app.assets.service``); these pages read it and post its forms. Households
are named in the forms by their registry numbers, resolved among the asset's county; rates and shares are
typed in per cent and amounts in yuan, checked here first so that a refusal reads in the reader's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import zip_longest
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.assets import service as assets
from app.assets.model import (
    AssetClass,
    AssetKind,
    AssetStatus,
    Depreciation,
    DistributionMethod,
    FundingSource,
    OperatingForm,
    OwnerKind,
)
from app.assets.schemas import (
    AgreementCreate,
    AgreementDetail,
    AssetCreate,
    AssetFilter,
    BeneficiaryIn,
    DistributionDetail,
    DistributionIn,
    FundingIn,
    IncomeIn,
    IncomeOut,
    OwnershipIn,
)
from app.console.charts import stacked_bars
from app.console.explanation import distribution_lines
from app.console.forms import AgreementForm, AssetForm, DistributionForm, IncomeForm, OwnershipForm, read_form
from app.console.i18n import Texts
from app.console.session import ConsoleUser
from app.console.web import chosen_id, refusal, render, said, texts_for
from app.core.access import can
from app.core.errors import DomainError, Invalid, Refused
from app.core.messages import N_, listing
from app.core.money import parse_money
from app.core.pagination import PageParams
from app.core.params import PathId
from app.enterprises import service as enterprises
from app.links import service as links
from app.payouts.model import PayMethod
from app.registry import service as places
from app.registry.schemas import VillageOut

if TYPE_CHECKING:
    from app.assets.queries import IncomeCell

PER_PAGE = 50
CHOICES = 2000
"""The villages, bases and enterprises a form's select offers at most (a county has a few hundred)."""
INCOMES_SHOWN = 100
"""An agreement's incomes its asset's page lists (the latest received first)."""
FUNDING_ROWS = 3
"""Rows of funding sources the register's form offers (a source of each level, and one more)."""
_WEIGHT_CEILING = Decimal("99999999.9999")  # NUMERIC(12,4), as the agreement stores a weight
_HUNDRED = Decimal(100)
_SEPARATORS = re.compile(r"[\s,，、;；]+")
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]


# ---- reading the forms: amounts, per cents, registry numbers -------------------------------------------


def _amount(field: str, text: str) -> Decimal | None:
    """An amount of yuan typed in a form (at most two places, above 0); blank is None."""
    if not text.strip():
        return None
    try:
        return parse_money(text, allow_zero=False)
    except ValueError:
        raise Invalid.of(N_("must be an amount of yuan above 0, such as 1234.50"), field=field) from None


def _required_amount(field: str, text: str) -> Decimal:
    amount = _amount(field, text)
    if amount is None:
        raise Invalid.of(N_("is required"), field=field)
    return amount


def _per_cent(field: str, text: str) -> Decimal | None:
    """A rate or share typed in per cent (0 to 100, at most two places), as the fraction the domain keeps:
    8 → 0.08. Blank is None."""
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().removesuffix("%").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= _HUNDRED or -int(value.as_tuple().exponent) > 2:
        raise Invalid.of(N_("must be a per cent from 0 to 100 with at most two decimals, such as 8"), field=field)
    return value / _HUNDRED


def _required(field: str, text: str) -> str:
    if not text.strip():
        raise Invalid.of(N_("is required"), field=field)
    return text


def _numbers(text: str) -> list[str]:
    """Registry numbers typed in a box: one a line, or separated by spaces, commas or 、."""
    return [n for n in _SEPARATORS.split(text) if n]


def _listed(text: str, weighted: bool) -> list[tuple[str, Decimal | None]]:
    """The households an agreement lists, one a line: a registry number, and its weight after it when the
    income is shared by weight."""
    listed: list[tuple[str, Decimal | None]] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        words = [w for w in _SEPARATORS.split(line) if w]
        if not words:
            continue
        number = words[0]
        if len(words) > 2:
            raise Invalid.of(
                N_("line {line}: a registry number, and its weight after it when shared by weight"),
                field="households",
                line=n,
            )
        weight: Decimal | None = None
        if len(words) == 2:
            if not weighted:
                raise Invalid.of(
                    N_("line {line}: a weight is given only when the income is shared by weight"),
                    field="households",
                    line=n,
                )
            try:
                weight = Decimal(words[1])
            except InvalidOperation:
                weight = Decimal("NaN")
            if (
                not weight.is_finite()
                or weight <= 0
                or weight > _WEIGHT_CEILING
                or -int(weight.as_tuple().exponent) > 4
            ):
                raise Invalid.of(
                    N_("line {line}: the weight is a number above 0 with at most four decimals"),
                    field="households",
                    line=n,
                )
        elif weighted:
            raise Invalid.of(
                N_("line {line}: give the household's weight after its registry number"), field="households", line=n
            )
        if number in seen:
            raise Invalid.of(N_("registry number {number} is listed twice"), field="households", number=number)
        seen.add(number)
        listed.append((number, weight))
    return listed


async def _household_ids(user: ConsoleUser, asset_id: int, numbers: list[str]) -> dict[str, int]:
    """The households of the asset's county under these registry numbers; refused naming those it has not."""
    found = await assets.households_in_asset_county(user.principal, asset_id, numbers)
    missing = [n for n in numbers if n not in found]
    if missing:
        raise Refused.of(
            N_("no household of the asset's county has the registry number {numbers}"),
            numbers=listing(missing[:10]),
            field="households",
        )
    return found


def _funding(form: AssetForm) -> list[FundingIn]:
    funding = []
    rows = zip_longest(form.funding_source, form.funding_year, form.funding_amount, fillvalue="")
    for row, (source, year, amount) in enumerate(rows, start=1):
        if not (year.strip() or amount.strip()):
            continue
        try:
            chosen, in_year = FundingSource(source), int(year)
        except ValueError:
            raise Invalid.of(
                N_("row {row}: choose the source and give the year and the amount"), field="funding", row=row
            ) from None
        funding.append(FundingIn(source=chosen, year=in_year, amount=_required_amount("funding", amount)))
    return funding


# ---- what the pages show -------------------------------------------------------------------------------


def _choice(kind: type[Any], value: str | None) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _industry(value: str | None) -> str | None:
    return value if value and re.fullmatch(r"[a-z][a-z0-9_]{1,39}", value) else None


def per_cent(fraction: Decimal | None) -> str:
    """A fraction as stored (0.0800) in per cent (8%); blank for none."""
    if fraction is None:
        return ""
    return f"{(fraction * _HUNDRED).normalize():f}%"


def _back(path: str, anchor: str | None = None, **params: Any) -> Redirect:
    """Redirect after a POST (303), to a place on the page when ``anchor`` names one."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return Redirect(path + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else ""), status_code=303)


class _Filters:
    """The register's filters as chosen (the selects send "" for "all"; a value not of its kind chooses none)."""

    def __init__(
        self,
        town_id: str | None,
        village_id: str | None,
        asset_class: str | None,
        kind: str | None,
        industry: str | None,
        status: str | None,
    ) -> None:
        self.town_id = chosen_id(town_id)
        self.village_id = chosen_id(village_id)
        self.asset_class = _choice(AssetClass, asset_class)
        self.kind = _choice(AssetKind, kind)
        self.industry = _industry(industry)
        self.status = _choice(AssetStatus, status)

    def of(self) -> AssetFilter:
        return AssetFilter(
            town_id=self.town_id,
            village_id=self.village_id,
            asset_class=self.asset_class,
            kind=self.kind,
            industry=self.industry,
            status=self.status,
        )

    def query(self) -> str:
        """The filters as a query string, for the pager and the chart's link."""
        chosen = {
            "town_id": self.town_id,
            "village_id": self.village_id,
            "asset_class": self.asset_class and self.asset_class.value,
            "kind": self.kind and self.kind.value,
            "industry": self.industry,
            "status": self.status and self.status.value,
        }
        return urlencode({k: v for k, v in chosen.items() if v is not None})


async def _towns(user: ConsoleUser) -> dict[int, str]:
    found = await places.list_towns(user.principal, PageParams(limit=CHOICES, offset=0))
    return {t.id: t.name for t in found.items}


async def _villages(user: ConsoleUser, town_id: int | None) -> list[VillageOut]:
    return (await places.list_villages(user.principal, PageParams(limit=CHOICES, offset=0), town_id=town_id)).items


async def _bases(user: ConsoleUser, villages: list[VillageOut] | None = None) -> list[tuple[int, str, int]]:
    """The bases of the caller's reach as (id, label, enterprise): village · base · enterprise;
    ``villages``: the caller's villages when the page has read them already."""
    found = await links.list_bases(
        user.principal, PageParams(limit=CHOICES, offset=0), enterprise_id=None, village_id=None
    )
    names = {e.id: e.name for e in (await enterprises.list_enterprises(PageParams(limit=CHOICES, offset=0))).items}
    village_names = {v.id: v.name for v in (villages if villages is not None else await _villages(user, None))}
    return [
        (
            b.id,
            f"{village_names.get(b.village_id, b.village_id)} · {b.name} · {names.get(b.enterprise_id, b.enterprise_id)}",
            b.enterprise_id,
        )
        for b in sorted(found.items, key=lambda b: (names.get(b.enterprise_id, ""), b.name, b.id))
    ]


async def _base_names(user: ConsoleUser, ids: set[int]) -> dict[int, str]:
    """The names of these bases that the reader may see (an operator sees its own enterprise's only)."""
    names = {}
    for base_id in sorted(ids):
        try:
            names[base_id] = (await links.get_base(user.principal, base_id)).name
        except DomainError:
            continue
    return names


def _chart(
    texts: Texts, cells: list[IncomeCell], industry_name: Callable[[str | None], str]
) -> tuple[str, list[int], list[tuple[str, list[IncomeCell | None]]]]:
    """The chart of income received by year (bars) and industry (their parts), and the same as a table:
    (svg, years, [(industry, [cell of each year or None])])."""
    years = sorted({c.year for c in cells})
    by_industry: dict[str | None, dict[int, IncomeCell]] = {}
    for c in cells:
        by_industry.setdefault(c.industry, {})[c.year] = c
    rows = [
        (industry_name(code) if code else texts._("No industry"), [found.get(y) for y in years])
        for code, found in sorted(by_industry.items(), key=lambda item: (item[0] is None, item[0] or ""))
    ]
    series = {name: [c.received if c else Decimal(0) for c in row] for name, row in rows}

    def wan(amount: str) -> str:
        return texts._("%(amount)s wan", amount=amount)

    svg = stacked_bars([str(y) for y in years], series, width=1000, height=300, wan=wan) if years else ""
    return svg, years, rows


class AssetPages(Controller):
    path = "/assets"

    @get("/", opt={"action": "assets.read"})
    async def register(
        self,
        user: NamedDependency[ConsoleUser],
        town_id: FromQuery[str | None] = None,  # the filter's selects send "" for "all"
        village_id: FromQuery[str | None] = None,
        asset_class: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        page: Page = 1,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        """The register: the assets of the caller's reach under the filters, with their totals, and the form
        to register one for whoever manages assets."""
        chosen = _Filters(town_id, village_id, asset_class, kind, industry, status)
        found = await assets.list_assets(
            user.principal, PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE), chosen.of()
        )
        totals = await assets.asset_totals(user.principal, chosen.of())
        towns = await _towns(user)
        may_register = can(user.principal.role, "assets.manage")
        all_villages = await _villages(user, None) if may_register else []
        return await render(
            user,
            "assets.html",
            found=found,
            totals=totals,
            chosen=chosen,
            query=chosen.query(),
            page=page,
            per_page=PER_PAGE,
            towns=towns,
            town_villages=await _villages(user, chosen.town_id) if chosen.town_id else [],
            classes=list(AssetClass),
            kinds=list(AssetKind),
            statuses=list(AssetStatus),
            may_register=may_register,
            form_villages=all_villages,
            bases=await _bases(user, all_villages) if may_register else [],
            depreciations=list(Depreciation),
            sources=list(FundingSource),
            funding_rows=FUNDING_ROWS,
            today=date.today().isoformat(),
            this_year=date.today().year,
            msg=msg,
            err=err,
        )

    @post("/", opt={"action": "assets.manage"})
    async def create(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await read_form(request, AssetForm)
        texts = texts_for(user)
        try:
            data = AssetCreate(
                name=_required("name", form.name),
                asset_class=form.asset_class,
                kind=form.kind,
                village_id=form.village_id,
                status=form.status,
                book_value=_required_amount("book_value", form.book_value),
                depreciation=form.depreciation,
                useful_life_years=form.useful_life_years,
                industry=form.industry,
                base_id=form.base_id,
                completed_on=form.completed_on,
                funding=_funding(form),
                note=form.note,
            )
            created = await assets.create_asset(user.principal, data)
        except (DomainError, ValueError) as exc:
            return _back("/console/assets", "register-form", err=refusal(user, exc))
        return _back(
            f"/console/assets/{created.id}",
            msg=said(user, "done", texts._("Asset registered: %(name)s.", name=created.name)),
        )

    @get("/income", opt={"action": "assets.read"})
    async def income_chart(
        self,
        user: NamedDependency[ConsoleUser],
        town_id: FromQuery[str | None] = None,
        village_id: FromQuery[str | None] = None,
        asset_class: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        industry: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
    ) -> Template:
        """The income received from the operators of the register's assets (under its filters), by the year
        received and the asset's industry: a chart and its figures, with the part distributed to households."""
        chosen = _Filters(town_id, village_id, asset_class, kind, industry, status)
        cells = await assets.income_by_industry_and_year(user.principal, chosen.of())
        page = await render(
            user,
            "asset_income.html",
            chosen=chosen,
            query=chosen.query(),
            towns=await _towns(user),
            classes=list(AssetClass),
            kinds=list(AssetKind),
            statuses=list(AssetStatus),
        )
        svg, years, rows = _chart(texts_for(user), cells, page.context["industry"])
        received = {y: sum((c.received for c in cells if c.year == y), Decimal(0)) for y in years}
        distributed = {y: sum((c.distributed for c in cells if c.year == y), Decimal(0)) for y in years}
        page.context.update(chart=svg, years=years, rows=rows, received=received, distributed=distributed)
        return page

    @get("/{asset_id:int}", opt={"action": "assets.read"})
    async def asset(
        self,
        user: NamedDependency[ConsoleUser],
        asset_id: PathId,
        income: FromQuery[str | None] = None,  # the income whose distribution's parts to show
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        detail = await assets.get_asset(user.principal, asset_id)  # 404, or 403 out of reach, first
        role = user.principal.role
        agreements: list[AgreementDetail] = [
            await assets.get_agreement(user.principal, a.id) for a in detail.agreements
        ]
        incomes: dict[int, list[IncomeOut]] = {}
        for a in agreements:
            listed = await assets.list_income(user.principal, a.id, PageParams(limit=INCOMES_SHOWN, offset=0))
            incomes[a.id] = listed.items
        shown = chosen_id(income)
        parts: DistributionDetail | None = None
        if shown is not None and any(i.id == shown and i.distribution_id for found in incomes.values() for i in found):
            parts = await assets.get_distribution(user.principal, shown)
        owners = await assets.owners_registry_numbers(user.principal, asset_id) if detail.ownership else {}
        open_for_change = detail.status is not AssetStatus.disposed
        may_manage = can(role, "assets.manage") and open_for_change
        current = detail.ownership[0] if detail.ownership else None
        texts = texts_for(user)
        town = await places.get_town(detail.town_id)
        return await render(
            user,
            "asset.html",
            a=detail,
            town_name=town.name,
            agreements=agreements,
            incomes=incomes,
            parts=parts,
            whole_lines=distribution_lines(texts, parts.explanation) if parts else [],
            part_lines={s.household_id: distribution_lines(texts, s.explanation) for s in parts.shares}
            if parts
            else {},
            owners=owners,
            may_manage=may_manage,
            may_record=can(role, "assets.income") and open_for_change,
            bases=await _bases(user) if may_manage else [],
            base_names=await _base_names(user, {b for b in (detail.base_id, *(g.base_id for g in agreements)) if b}),
            owner_kinds=list(OwnerKind),
            forms=list(OperatingForm),
            methods=list(DistributionMethod),
            pay_methods=list(PayMethod),
            # the households an agreement lists, offered as the current owners when they are households
            owners_listed="\n".join(owners.get(h, "") for h in current.household_ids) if current else "",
            per_cent=per_cent,
            today=date.today().isoformat(),
            this_year=date.today().year,
            msg=msg,
            err=err,
        )

    @post("/{asset_id:int}/ownership", opt={"action": "assets.manage"})
    async def confirm(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], asset_id: PathId
    ) -> Redirect:
        form = await read_form(request, OwnershipForm)
        target = f"/console/assets/{asset_id}"
        texts = texts_for(user)
        try:
            numbers = _numbers(form.households)
            ids: list[int] = []
            if form.owner_kind is OwnerKind.households:
                if not numbers:
                    raise Invalid.of(N_("name the households by their registry numbers"), field="households")
                if len(set(numbers)) != len(numbers):
                    twice = next(n for n in numbers if numbers.count(n) > 1)
                    raise Invalid.of(N_("registry number {number} is listed twice"), field="households", number=twice)
                found = await _household_ids(user, asset_id, numbers)
                ids = [found[n] for n in numbers]
            elif numbers:
                raise Invalid.of(N_("names no household for the village collective"), field="households")
            data = OwnershipIn(
                owner_kind=form.owner_kind,
                confirmed_on=form.confirmed_on,
                document_no=_required("document_no", form.document_no),
                document_title=form.document_title,
                household_ids=ids,
                note=form.note,
            )
            await assets.confirm_ownership(user.principal, asset_id, data)
        except (DomainError, ValueError) as exc:
            return _back(target, "ownership-form", err=refusal(user, exc))
        return _back(
            target,
            "ownership",
            msg=said(
                user,
                "done",
                texts._("Ownership confirmed: %(owner)s.", owner=texts.term("owner kind", form.owner_kind)),
            ),
        )

    @post("/{asset_id:int}/agreements", opt={"action": "assets.manage"})
    async def sign(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], asset_id: PathId
    ) -> Redirect:
        form = await read_form(request, AgreementForm)
        target = f"/console/assets/{asset_id}"
        texts = texts_for(user)
        try:
            base = await links.get_base(user.principal, form.base_id)  # the operator is the base's enterprise
            listed = _listed(form.households, form.method is DistributionMethod.weighted)
            found = await _household_ids(user, asset_id, [n for n, _ in listed]) if listed else {}
            public = _per_cent("public_share", form.public_percent)
            data = AgreementCreate(
                operator_id=base.enterprise_id,
                base_id=base.id,
                form=form.form,
                starts_on=form.starts_on,
                ends_on=form.ends_on,
                signed_on=form.signed_on,
                document_no=form.document_no,
                yearly_rent=_amount("yearly_rent", form.yearly_rent),
                guaranteed_rate=_per_cent("guaranteed_rate", form.guaranteed_percent),
                profit_share=_per_cent("profit_share", form.profit_percent),
                public_share=public if public is not None else Decimal(0),
                method=form.method,
                households=[BeneficiaryIn(household_id=found[n], weight=w) for n, w in listed],
                note=form.note,
            )
            signed = await assets.sign_agreement(user.principal, asset_id, data)
        except (DomainError, ValueError) as exc:
            return _back(target, "agreement-form", err=refusal(user, exc))
        return _back(
            target,
            f"agreement-{signed.id}",
            msg=said(
                user,
                "done",
                texts._(
                    "Agreement signed with %(operator)s for %(households)s household(s).",
                    operator=signed.operator_name,
                    households=signed.households_listed,
                ),
            ),
        )

    @post("/{asset_id:int}/income", opt={"action": "assets.income"})
    async def record_income(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], asset_id: PathId
    ) -> Redirect:
        form = await read_form(request, IncomeForm)
        target = f"/console/assets/{asset_id}"
        texts = texts_for(user)
        try:
            agreement = await assets.get_agreement(user.principal, form.agreement_id)
            if agreement.asset_id != asset_id:
                raise Refused.of(
                    N_("agreement {agreement} is not of this asset"), agreement=form.agreement_id, field="agreement_id"
                )
            data = IncomeIn(
                received_on=form.received_on,
                period_year=form.period_year,
                amount=_required_amount("amount", form.amount),
                reference=_required("reference", form.reference),
                note=form.note,
            )
            recorded, created = await assets.record_income(user.principal, form.agreement_id, data)
        except (DomainError, ValueError) as exc:
            return _back(target, f"agreement-{form.agreement_id}", err=refusal(user, exc))
        done = (
            texts._("Income of %(amount)s recorded.", amount=str(recorded.amount))
            if created
            else texts._("This income was recorded already (reference %(reference)s).", reference=recorded.reference)
        )
        return _back(target, f"income-{recorded.id}", msg=said(user, "done", done))

    @post("/{asset_id:int}/distribution", opt={"action": "assets.income"})
    async def distribute(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], asset_id: PathId
    ) -> Redirect:
        form = await read_form(request, DistributionForm)
        target = f"/console/assets/{asset_id}"
        texts = texts_for(user)
        try:
            out, _ = await assets.distribute_income(
                user.principal, form.income_id, DistributionIn(paid_on=form.paid_on, method=form.method)
            )
        except (DomainError, ValueError) as exc:
            return _back(target, f"income-{form.income_id}", err=refusal(user, exc))
        return _back(
            f"/console/assets/{out.asset_id}",
            f"income-{form.income_id}",
            income=form.income_id,
            msg=said(
                user,
                "done",
                texts._(
                    "Distributed: %(amount)s to %(households)s household(s), %(public)s kept for public welfare.",
                    amount=str(out.distributed),
                    households=out.households_paid,
                    public=str(out.public_amount),
                ),
            ),
        )
