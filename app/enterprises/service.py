"""Enterprises, cooperatives and family farms."""

from __future__ import annotations

from typing import Any


from app import audit
from app.core.errors import Conflict, NotFound, Refused
from app.core.principal import Principal
from app.core.database import fetch, fetchrow, to_struct, transaction
from app.enterprises.schemas import EnterpriseCreate, EnterpriseOut
from app.core.pagination import Page, PageParams, fetch_page

_COLUMNS = (
    "id, name, kind, credit_code, town AS town_id, contact_name, contact_phone, created_at,"
    " ARRAY(SELECT i.code FROM enterprise_industry ei JOIN industry i ON i.id = ei.industry"
    "       WHERE ei.enterprise = enterprise.id ORDER BY i.code) AS industries"
)


def _out(row: Any) -> EnterpriseOut:
    return to_struct(EnterpriseOut, row)


async def create_enterprise(actor: Principal, data: EnterpriseCreate) -> EnterpriseOut:
    async with transaction():
        if not await fetchrow("SELECT 1 FROM town WHERE id = $1", data.town_id):
            raise Refused(f"town {data.town_id} does not exist", extra={"field": "town_id"})
        existing = await fetchrow("SELECT id, name FROM enterprise WHERE credit_code = $1", data.credit_code)
        if existing:
            raise Conflict(
                f"credit code {data.credit_code} is already registered to enterprise {existing['id']} ({existing['name']})",
                extra={"field": "credit_code", "existing_id": existing["id"]},
            )
        industries = await fetch("SELECT id, code FROM industry WHERE code = ANY ($1::text[])", data.industries)
        unknown = sorted(set(data.industries) - {r["code"] for r in industries})
        if unknown:
            raise Refused(f"unknown industry: {', '.join(unknown)}", extra={"field": "industries"})
        created = await fetchrow(
            "INSERT INTO enterprise (name, kind, credit_code, town, contact_name, contact_phone, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING id",
            data.name, data.kind.value, data.credit_code, data.town_id, data.contact_name, data.contact_phone,
        )
        await fetch(
            "INSERT INTO enterprise_industry (enterprise, industry) SELECT $1, unnest($2::int[])",
            created["id"], [r["id"] for r in industries],
        )
        enterprise = _out(await fetchrow(f"SELECT {_COLUMNS} FROM enterprise WHERE id = $1", created["id"]))
        await audit.record(actor, "create", "enterprise", enterprise.id, after=enterprise)
    return enterprise


async def get_enterprise(enterprise_id: int) -> EnterpriseOut:
    row = await fetchrow(f"SELECT {_COLUMNS} FROM enterprise WHERE id = $1", enterprise_id)
    if row is None:
        raise NotFound(f"enterprise {enterprise_id} does not exist")
    return _out(row)


async def list_enterprises(page: PageParams, *, town_id: int | None = None, kind: str | None = None) -> Page[EnterpriseOut]:
    return await fetch_page(
        f"SELECT {_COLUMNS} FROM enterprise WHERE ($1::int IS NULL OR town = $1) AND ($2::text IS NULL OR kind = $2)",
        [town_id, kind], page, "id", _out,
    )
