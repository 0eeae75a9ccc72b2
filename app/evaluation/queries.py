"""The linkage evaluation's SQL: one statement measures every operator's year in each county and industry.

It reads other domains' tables (links and their bases, payouts, households and their events, monitoring
cases, project assets and their operating agreements, enterprises, industries, regions and county policies)
in one set-based statement, as the overview does; it writes nothing. The statement's size is the number of operator × county × industry groups it
answers, whatever the number of households and payouts under them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from app.core.counties import county_clause
from app.core.uow import Db


class MeasuredRow(msgspec.Struct, frozen=True, kw_only=True):
    """One operator's year in one county and one industry, as measured (not yet scored)."""

    enterprise_id: int
    enterprise_name: str
    enterprise_kind: str
    county_code: str
    county_id: int | None
    county_name: str
    industry: str
    industry_name_zh: str
    industry_name_en: str
    households_linked: int
    households_by_kind: dict[str, int]
    households_registered: int
    households_monitored: int
    households_paid: int
    households_continuing: int
    income_total: Decimal
    asset_income: Decimal
    assets_operated: int
    income_median: Decimal


# $1, $2: the year's first and last day; $3, $4: the year before's; $5: an industry id (null: every one);
# $6: an enterprise whose counties alone are measured (those of its links and of the assets it runs; null: every
# county); $7: the continuation years of a county that set none; $8: the day after the year (a household's
# status is its last event before it). A link is in force on a day from
# its start to its effective end: its own end, or for an exited household the end of its policy
# continuation (links.rules.effective_end, written as links/queries.py's _EFFECTIVE_END writes it).
_MEASURES = """
WITH counties_of AS (
    SELECT o.county_code FROM link o WHERE o.enterprise = $6
    UNION SELECT o.county_code FROM asset_agreement o WHERE o.operator = $6
), policy AS (
    SELECT r.code, cp.continuation_years FROM county_policy cp JOIN region r ON r.id = cp.county
), spans AS (
    -- the operators' links that may be in force in the year or the one before
    SELECT l.enterprise, l.county_code, l.base, l.household, l.kind, l.start_date,
           CASE WHEN h.status = 'exited' AND h.exited_year IS NOT NULL
                THEN least(l.end_date, make_date(h.exited_year + coalesce(p.continuation_years, $7::int), 12, 31))
                ELSE l.end_date END AS end_date
    FROM link l JOIN household h ON h.id = l.household LEFT JOIN policy p ON p.code = l.county_code
    WHERE l.start_date <= $2::date AND (l.end_date IS NULL OR l.end_date >= $3::date)
        AND ($6::int IS NULL OR l.county_code IN (SELECT county_code FROM counties_of)){links_in}
), linked AS (
    -- each operator's households linked in the year, per county and industry, with the kinds of their links
    SELECT s.enterprise, s.county_code, b.industry, s.household, array_agg(DISTINCT s.kind) AS kinds
    FROM spans s JOIN base b ON b.id = s.base
    WHERE (s.end_date IS NULL OR s.end_date >= $1::date) AND ($5::int IS NULL OR b.industry = $5)
    GROUP BY s.enterprise, s.county_code, b.industry, s.household
), before AS (
    -- each operator's households linked the year before, through any of its bases
    SELECT DISTINCT s.enterprise, s.household FROM spans s
    WHERE s.start_date <= $4::date AND (s.end_date IS NULL OR s.end_date >= $3::date)
), paid AS (
    -- what each operator paid each household in the year, per county and industry (reversals net out)
    SELECT p.enterprise, p.county_code, b.industry, p.household, sum(p.amount) AS amount,
           coalesce(sum(p.amount) FILTER (WHERE p.income_type = 'asset_income'), 0) AS asset_amount
    FROM payout p JOIN link l ON l.id = p.link JOIN base b ON b.id = l.base
    WHERE p.paid_on BETWEEN $1::date AND $2::date AND ($5::int IS NULL OR b.industry = $5)
        AND ($6::int IS NULL OR p.county_code IN (SELECT county_code FROM counties_of)){paid_in}
    GROUP BY p.enterprise, p.county_code, b.industry, p.household
), hh AS (
    -- the households of each group: linked in the year, paid in it, or both
    SELECT enterprise, county_code, industry, household, k.household IS NOT NULL AS linked,
           coalesce(p.amount, 0) AS amount, coalesce(p.asset_amount, 0) AS asset_amount
    FROM linked k FULL JOIN paid p USING (enterprise, county_code, industry, household)
), households AS (
    SELECT DISTINCT household FROM linked
), status AS (
    -- each linked household's status at the end of the year: its last event before the day after
    SELECT DISTINCT ON (e.household) e.household, e.to_status
    FROM household_event e JOIN households x ON x.household = e.household
    WHERE e.to_status IS NOT NULL AND e.at < $8::date
    ORDER BY e.household, e.at DESC, e.id DESC
), monitored AS (
    -- the linked households with a monitoring case open on some day of the year
    SELECT DISTINCT c.household FROM monitoring_case c JOIN households x ON x.household = c.household
    WHERE c.applied_on <= $2::date AND (c.eliminated_on IS NULL OR c.eliminated_on >= $1::date)
), g AS (
    -- each household's facts: on the register at the end of the year, monitored in it, linked the year before
    -- (joins, not a subquery per household: the plan's cost stays under the JIT's thresholds)
    SELECT hh.*, hh.linked AND coalesce(household_on_register(st.to_status), false) AS registered,
           hh.linked AND m.household IS NOT NULL AS monitored, hh.linked AND b.household IS NOT NULL AS continuing
    FROM hh
    LEFT JOIN status st ON st.household = hh.household
    LEFT JOIN monitored m ON m.household = hh.household
    LEFT JOIN before b ON b.enterprise = hh.enterprise AND b.household = hh.household
), measured AS (
    SELECT enterprise, county_code, industry,
           count(*) FILTER (WHERE linked) AS households_linked,
           count(*) FILTER (WHERE registered) AS households_registered,
           count(*) FILTER (WHERE monitored) AS households_monitored,
           count(*) FILTER (WHERE amount > 0) AS households_paid,
           count(*) FILTER (WHERE continuing) AS households_continuing,
           sum(amount) AS income_total, sum(asset_amount) AS asset_income,
           -- the median of a numeric, exactly: the middle value, or the mean of the two middle ones
           round((percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) FILTER (WHERE linked)
                  + percentile_disc(0.5) WITHIN GROUP (ORDER BY amount DESC) FILTER (WHERE linked)) / 2, 2)
               AS income_median
    FROM g GROUP BY enterprise, county_code, industry
), operated AS (
    -- the project assets each operator ran in the year: an operating agreement of the asset naming it in force
    -- on some day of the year, the asset not disposed of before the year began; per the county and the
    -- industry of the agreement's base (the base its distributions' links and payouts run through)
    SELECT g.operator AS enterprise, g.county_code, b.industry, count(DISTINCT g.asset) AS assets_operated
    FROM asset_agreement g JOIN base b ON b.id = g.base JOIN asset a ON a.id = g.asset
    WHERE g.starts_on <= $2::date AND (g.ends_on IS NULL OR g.ends_on >= $1::date)
        AND (a.disposed_on IS NULL OR a.disposed_on >= $1::date) AND ($5::int IS NULL OR b.industry = $5)
        AND ($6::int IS NULL OR g.county_code IN (SELECT county_code FROM counties_of)){assets_in}
    GROUP BY g.operator, g.county_code, b.industry
), groups AS (
    -- an operator's group: households linked or paid in it, or an asset run in it (with no household, it is
    -- ranked with nothing brought along)
    SELECT * FROM measured FULL JOIN operated USING (enterprise, county_code, industry)
), by_kind AS (
    SELECT enterprise, county_code, industry, jsonb_object_agg(kind, households) AS households_by_kind FROM (
        SELECT k.enterprise, k.county_code, k.industry, kind, count(*) AS households
        FROM linked k CROSS JOIN LATERAL unnest(k.kinds) AS kind
        GROUP BY k.enterprise, k.county_code, k.industry, kind
    ) x GROUP BY enterprise, county_code, industry
)
SELECT m.enterprise AS enterprise_id, e.name AS enterprise_name, e.kind AS enterprise_kind, m.county_code,
       rg.id AS county_id, coalesce(rg.name, m.county_code) AS county_name, i.code AS industry,
       i.name_zh AS industry_name_zh, i.name_en AS industry_name_en,
       coalesce(m.households_linked, 0) AS households_linked, coalesce(k.households_by_kind, '{{}}'::jsonb) AS households_by_kind,
       coalesce(m.households_registered, 0) AS households_registered,
       coalesce(m.households_monitored, 0) AS households_monitored,
       coalesce(m.households_paid, 0) AS households_paid,
       coalesce(m.households_continuing, 0) AS households_continuing,
       coalesce(m.income_total, 0) AS income_total, coalesce(m.asset_income, 0) AS asset_income,
       coalesce(m.assets_operated, 0) AS assets_operated, coalesce(m.income_median, 0) AS income_median
FROM groups m
JOIN enterprise e ON e.id = m.enterprise
JOIN industry i ON i.id = m.industry
LEFT JOIN region rg ON rg.code = m.county_code AND rg.level = 'county'
LEFT JOIN by_kind k ON k.enterprise = m.enterprise AND k.county_code = m.county_code AND k.industry = m.industry
"""


async def measures(
    db: Db,
    year: int,
    *,
    region: str | None,
    industry_id: int | None,
    counties_of: int | None,
    continuation_years: int,
) -> list[MeasuredRow]:
    """Every operator's year in each county and industry (``region``: of the counties under it;
    ``counties_of``: of the counties where that enterprise has links), in one statement, in no particular
    order."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    args: list[Any] = [
        first,
        last,
        date(year - 1, 1, 1),
        date(year - 1, 12, 31),
        industry_id,
        counties_of,
        continuation_years,
        last + timedelta(days=1),
    ]
    sql = _MEASURES.format(
        links_in=county_clause("l.county_code", region, args),
        paid_in=county_clause("p.county_code", region, args),
        assets_in=county_clause("g.county_code", region, args),
    )
    rows = await db.fetch(sql, *args)
    out = []
    for r in rows:
        values = dict(r)
        kinds = values["households_by_kind"]
        values["households_by_kind"] = json.loads(kinds) if isinstance(kinds, str) else kinds
        out.append(msgspec.convert(values, MeasuredRow))
    return out
