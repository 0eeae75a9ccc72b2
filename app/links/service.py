"""Production bases and benefit links."""

from __future__ import annotations

from datetime import date
from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.core.principal import Principal, Role, ensure_enterprise_scope, ensure_town_scope
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.links.rules import link_refusal
from app.links.schemas import (
    BaseCreate,
    BaseOut,
    LinkCreate,
    LinkEnd,
    LinkFilter,
    LinkOut,
)
from app.core.pagination import Page, PageParams, fetch_page
from app.core.settings import get_settings

_BASE = """
SELECT b.id, b.enterprise AS enterprise_id, i.code AS industry, b.village AS village_id, b.name, b.area, b.created_at
FROM base b JOIN industry i ON i.id = b.industry
"""

_LINK = """
SELECT l.*, l.enterprise AS enterprise_id, e.name AS enterprise_name, l.base AS base_id, b.name AS base_name,
       i.code AS industry, b.village AS village_id, l.household AS household_id, h.registry_no,
       v.town AS household_town_id
FROM link l
JOIN enterprise e ON e.id = l.enterprise
JOIN base b ON b.id = l.base
JOIN industry i ON i.id = b.industry
JOIN household h ON h.id = l.household
JOIN village v ON v.id = h.village
"""

# the columns each kind's terms live in
_TERM_COLUMNS = {
    "share": ("share_capital", "dividend_rate", "dividend_period"),
    "wage": ("wage_basis", "wage_rate"),
    "cooperation": ("contract_price", "contract_unit", "contracted_quantity"),
    "franchise": ("franchise_terms", "franchise_fee", "franchise_split"),
}


def _base(row: Any) -> BaseOut:
    return to_struct(BaseOut, row)


def _link(row: Any) -> LinkOut:
    kind = row["kind"]
    terms = {"kind": kind, **{c: row[c] for c in _TERM_COLUMNS[kind]}}
    return to_struct(LinkOut, {**dict(row), "terms": terms})


async def create_base(actor: Principal, data: BaseCreate) -> BaseOut:
    ensure_enterprise_scope(actor, data.enterprise_id)
    async with transaction():
        enterprise = await fetchrow("SELECT id FROM enterprise WHERE id = $1", data.enterprise_id)
        if enterprise is None:
            raise Refused(f"enterprise {data.enterprise_id} does not exist", extra={"field": "enterprise_id"})
        industry = await fetchrow(
            "SELECT i.id, ei.enterprise IS NOT NULL AS works_in FROM industry i"
            " LEFT JOIN enterprise_industry ei ON ei.industry = i.id AND ei.enterprise = $2 WHERE i.code = $1",
            data.industry, data.enterprise_id,
        )
        if industry is None:
            raise Refused(f"unknown industry {data.industry}", extra={"field": "industry"})
        if not industry["works_in"]:
            raise Refused(
                f"enterprise {data.enterprise_id} is not registered in the {data.industry} industry",
                extra={"field": "industry"},
            )
        if not await fetchrow("SELECT 1 FROM village WHERE id = $1", data.village_id):
            raise Refused(f"village {data.village_id} does not exist", extra={"field": "village_id"})
        if await fetchrow("SELECT 1 FROM base WHERE enterprise = $1 AND name = $2", data.enterprise_id, data.name):
            raise Conflict(f"the enterprise already has a base named {data.name}", extra={"field": "name"})
        row = await fetchrow(
            "INSERT INTO base (enterprise, industry, village, name, area, created_at)"
            " VALUES ($1, $2, $3, $4, $5, now()) RETURNING id",
            data.enterprise_id, industry["id"], data.village_id, data.name, data.area,
        )
        base = _base(await fetchrow(_BASE + " WHERE b.id = $1", row["id"]))
        await audit.record(actor, "create", "base", base.id, after=base)
    return base


async def get_base(principal: Principal, base_id: int) -> BaseOut:
    row = await fetchrow(_BASE + " WHERE b.id = $1", base_id)
    if row is None:
        raise NotFound(f"base {base_id} does not exist")
    ensure_enterprise_scope(principal, row["enterprise_id"])
    return _base(row)


async def list_bases(principal: Principal, page: PageParams, *, enterprise_id: int | None,
                     village_id: int | None) -> Page[BaseOut]:
    if principal.role is Role.operator:
        enterprise_id = principal.enterprise_id
    return await fetch_page(
        _BASE + " WHERE ($1::int IS NULL OR b.enterprise = $1) AND ($2::int IS NULL OR b.village = $2)",
        [enterprise_id, village_id], page, "id", _base,
    )


async def create_link(actor: Principal, data: LinkCreate) -> LinkOut:
    ensure_enterprise_scope(actor, data.enterprise_id)
    kind = data.kind.value
    async with transaction():
        base = await fetchrow(
            "SELECT b.enterprise, b.industry, i.code, bv.town AS town,"
            " EXISTS (SELECT 1 FROM enterprise_industry ei WHERE ei.enterprise = $2 AND ei.industry = b.industry) AS works_in"
            " FROM base b JOIN industry i ON i.id = b.industry JOIN village bv ON bv.id = b.village WHERE b.id = $1",
            data.base_id, data.enterprise_id,
        )
        if base is None:
            raise Refused(f"base {data.base_id} does not exist", extra={"field": "base_id"})
        if base["enterprise"] != data.enterprise_id:
            raise Refused(
                f"base {data.base_id} belongs to another enterprise", extra={"field": "base_id"}
            )
        if not base["works_in"]:
            raise Refused(
                f"the enterprise is not registered in the base's industry ({base['code']})", extra={"field": "base_id"}
            )
        # FOR SHARE: the household's status cannot change under us (transitions lock FOR UPDATE)
        household = await fetchrow(
            "SELECT h.status, h.exited_year, v.town FROM household h JOIN village v ON v.id = h.village"
            " WHERE h.id = $1 FOR SHARE OF h", data.household_id,
        )
        # a base links households of its own town: an enterprise cannot reach into any household of the city
        if household is None or household["town"] != base["town"]:
            raise Refused(f"household {data.household_id} is not a household of the base's town",
                                extra={"field": "household_id"})
        refusal = link_refusal(
            household["status"], household["exited_year"], data.start_date, get_settings().continuation_years
        )
        if refusal:
            raise Refused(refusal, extra={"field": "household_id"})
        overlapping = await fetchrow(
            "SELECT id, start_date, end_date FROM link WHERE base = $1 AND household = $2 AND kind = $3"
            " AND daterange(start_date, end_date, '[]') && daterange($4::date, $5::date, '[]') LIMIT 1",
            data.base_id, data.household_id, kind, data.start_date, data.end_date,
        )
        if overlapping:
            raise Conflict(
                f"link {overlapping['id']} already links this household to this base as {kind}"
                f" from {overlapping['start_date']} to {overlapping['end_date'] or 'open end'}",
                extra={"existing_link_id": overlapping["id"]},
            )
        terms = {c: getattr(data.terms, c) for c in _TERM_COLUMNS[kind]}
        terms = {c: (v.value if hasattr(v, "value") else v) for c, v in terms.items()}
        columns = ["enterprise", "base", "household", "kind", "start_date", "end_date", "note", *terms]
        values = [data.enterprise_id, data.base_id, data.household_id, kind, data.start_date, data.end_date,
                  data.note, *terms.values()]
        placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        row = await fetchrow(
            f"INSERT INTO link ({', '.join(columns)}, created_at) VALUES ({placeholders}, now()) RETURNING id", *values
        )
        link = _link(await fetchrow(_LINK + " WHERE l.id = $1", row["id"]))
        await audit.record(actor, "create", "link", link.id, after=link)
    return link


async def get_link(principal: Principal, link_id: int) -> LinkOut:
    row = await fetchrow(_LINK + " WHERE l.id = $1", link_id)
    if row is None:
        raise NotFound(f"link {link_id} does not exist")
    ensure_enterprise_scope(principal, row["enterprise_id"])
    ensure_town_scope(principal, row["household_town_id"])
    return _link(row)


async def list_links(principal: Principal, page: PageParams, f: LinkFilter) -> Page[LinkOut]:
    enterprise_id = principal.enterprise_id if principal.role is Role.operator else f.enterprise_id
    town_id = principal.town_id if principal.role is Role.town_officer else None
    return await fetch_page(
        _LINK + " WHERE ($1::int IS NULL OR l.enterprise = $1) AND ($2::int IS NULL OR l.base = $2)"
        " AND ($3::int IS NULL OR l.household = $3) AND ($4::text IS NULL OR l.kind = $4)"
        " AND ($5::date IS NULL OR daterange(l.start_date, l.end_date, '[]') @> $5::date)"
        " AND ($6::int IS NULL OR v.town = $6)",
        [enterprise_id, f.base_id, f.household_id, f.kind and f.kind.value, f.active_on, town_id],
        page, "id", _link,
    )


async def end_link(actor: Principal, link_id: int, data: LinkEnd) -> LinkOut:
    async with transaction():
        row = await fetchrow(_LINK + " WHERE l.id = $1 FOR UPDATE OF l", link_id)
        if row is None:
            raise NotFound(f"link {link_id} does not exist")
        ensure_enterprise_scope(actor, row["enterprise_id"])
        before = _link(row)
        if data.end_date < before.start_date:
            raise Refused(f"the link started on {before.start_date}", extra={"field": "end_date"})
        if before.end_date is not None and data.end_date > before.end_date:
            raise Conflict(f"the link already ends on {before.end_date}; an end is only ever brought forward")
        paid_until = (await fetchrow("SELECT max(period_to) AS d FROM payout WHERE link = $1", link_id))["d"]
        if paid_until is not None and paid_until > data.end_date:
            raise Conflict(f"payouts under this link cover periods up to {paid_until}; it cannot end before that",
                           extra={"field": "end_date"})
        await fetch("UPDATE link SET end_date = $2 WHERE id = $1", link_id, data.end_date)
        after = _link(await fetchrow(_LINK + " WHERE l.id = $1", link_id))
        await audit.record(actor, "end", "link", link_id, before=before, after={"end_date": after.end_date,
                                                                               "note": data.note})
    return after


async def end_links_of_household(actor: Principal, household_id: int, on: date) -> None:
    """End a removed household's running links on the day of removal (in the caller's transaction)."""
    ended = await fetch(
        "UPDATE link SET end_date = $2::date WHERE household = $1 AND start_date <= $2::date"
        " AND (end_date IS NULL OR end_date > $2::date) RETURNING id",
        household_id, on,
    )
    if ended:
        await audit.record(actor, "end_on_removal", "household_links", household_id,
                           after={"end_date": on, "link_ids": [r["id"] for r in ended]})
