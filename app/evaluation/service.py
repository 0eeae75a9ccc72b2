"""联农带农: the linkage evaluation of a year. One query measures every operator's year in each county and
industry; the pure rules score and rank them; a page of the ranked rows is the answer.

Who reads what: an account of a region reads the operators' work in the counties under it (a region asked
for must lie within its own: 403 otherwise); an operator reads its own enterprise's rows, each ranked among
all the operators of its county and industry. Writes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from app.core.errors import Invalid
from app.core.messages import N_, message
from app.core.money import round_fen
from app.core.pagination import PageParams
from app.core.principal import Principal, Role, ensure_region_scope, list_region
from app.core.uow import reading_replica
from app.core.validation import check_year
from app.enterprises.model import EnterpriseKind
from app.evaluation import queries, rules
from app.evaluation.schemas import LinkageEvaluation, LinkageRow
from app.industries import service as industries
from app.links.model import LinkKind
from app.regions import service as regions
from app.regions.rules import CountyPolicies

_INDUSTRY_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
SHARE_PLACES = Decimal("0.0001")


def check_region(code: str | None) -> str | None:
    """A region as the evaluation takes it: a province's (2 digits), a city's (4) or a county's (6) code."""
    if code is None:
        return None
    if not code.isascii() or not code.isdigit() or len(code) not in (2, 4, 6):
        raise Invalid("region", message(N_("must be a province's (2 digits), a city's (4) or a county's (6) code")))
    return code


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES) if whole else Decimal("0.0000")


def _rows(year: int, measured: list[queries.MeasuredRow], policies: CountyPolicies) -> list[LinkageRow]:
    minimum = [policies.of(m.county_id).min_linked_households for m in measured]
    scored = rules.evaluate(
        [
            rules.Measures(
                group=(m.county_code, m.industry),
                households=m.households_linked,
                median_income=m.income_median,
                continuing=m.households_continuing,
                monitored=m.households_monitored,
                minimum=least,
            )
            for m, least in zip(measured, minimum, strict=True)
        ]
    )
    rows = [
        LinkageRow(
            enterprise_id=m.enterprise_id,
            enterprise_name=m.enterprise_name,
            enterprise_kind=EnterpriseKind(m.enterprise_kind),
            county_code=m.county_code,
            county_name=m.county_name,
            industry=m.industry,
            industry_name_zh=m.industry_name_zh,
            industry_name_en=m.industry_name_en,
            year=year,
            households_linked=m.households_linked,
            households_by_kind={k.value: m.households_by_kind.get(k.value, 0) for k in LinkKind},
            households_registered=m.households_registered,
            households_monitored=m.households_monitored,
            households_paid=m.households_paid,
            income_total=round_fen(m.income_total),
            income_mean=round_fen(m.income_total / m.households_linked) if m.households_linked else Decimal("0.00"),
            income_median=round_fen(m.income_median),
            asset_income=round_fen(m.asset_income),
            assets_operated=m.assets_operated,
            households_continuing=m.households_continuing,
            continuing_share=_share(m.households_continuing, m.households_linked),
            points=s.points,
            score=s.score,
            rank=s.rank,
            ranked=s.ranked,
            min_households=least,
            below_minimum=s.below_minimum,
        )
        for m, s, least in zip(measured, scored, minimum, strict=True)
    ]
    # by county, industry and rank; within a rank, the operator that linked more first
    return sorted(rows, key=lambda r: (r.county_code, r.industry, r.rank, -r.households_linked, r.enterprise_id))


async def evaluate(
    principal: Principal, year: int, *, region: str | None = None, industry: str | None = None
) -> tuple[str | None, list[LinkageRow]]:
    """The whole evaluation of ``year`` the principal reads (every row, ranked): the region it covers and the
    rows. ``region`` narrows it to the counties under a code (within the principal's region: 403 otherwise),
    ``industry`` to one industry's code; a bad one is a 400 naming it."""
    check_year("year", year)
    region = check_region(region)
    if region is None:
        region = list_region(principal)
    else:
        ensure_region_scope(principal, region)
    if industry is not None and not _INDUSTRY_CODE.match(industry):
        raise Invalid("industry", message(N_("must be an industry's code, such as crayfish_rice")))
    enterprise_id = principal.enterprise_id if principal.role is Role.operator else None
    if principal.role is Role.operator and enterprise_id is None:
        return region, []  # an operator bound to no enterprise reads nothing
    async with reading_replica() as db:
        industry_id = None
        if industry is not None:
            found = await industries.industries_by_code(db, [industry])
            if not found:
                raise Invalid("industry", message(N_("no industry has the code {code}"), code=industry))
            industry_id = found[0].id
        policies = await regions.county_policies(db)
        measured = await queries.measures(
            db,
            year,
            region=region,
            industry_id=industry_id,
            counties_of=enterprise_id,  # an operator's rows, ranked among every operator of their counties
            continuation_years=policies.defaults.continuation_years,
        )
    rows = _rows(year, measured, policies)
    if enterprise_id is not None:
        rows = [r for r in rows if r.enterprise_id == enterprise_id]
    return region, rows


async def linkage_evaluation(
    principal: Principal, year: int, page: PageParams, *, region: str | None = None, industry: str | None = None
) -> LinkageEvaluation:
    """A page of the evaluation of ``year``, by county, industry and rank, with the formula it scores by."""
    covered, rows = await evaluate(principal, year, region=region, industry=industry)
    return LinkageEvaluation(
        year=year,
        region=covered,
        industry=industry,
        formula=rules.FORMULA,
        weights=rules.WEIGHTS,
        items=rows[page.offset : page.offset + page.limit],
        total=len(rows),
        limit=page.limit,
        offset=page.offset,
    )
