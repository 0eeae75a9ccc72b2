"""The enterprises app's SQL (``enterprise``, ``enterprise_industry``), returning typed values."""

from __future__ import annotations

from typing import Any

import msgspec

from app.core.pagination import Page, PageParams, fetch_page
from app.core.uow import Db
from app.enterprises.schemas import EnterpriseOut

_ENTERPRISE = (
    "SELECT id, name, kind, credit_code, town AS town_id, contact_name, contact_phone, created_at,"
    " ARRAY(SELECT i.code FROM enterprise_industry ei JOIN industry i ON i.id = ei.industry"
    "       WHERE ei.enterprise = enterprise.id ORDER BY i.code) AS industries"
    " FROM enterprise"
)


class EnterpriseRef(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str


def _out(row: Any) -> EnterpriseOut:
    return msgspec.convert(dict(row), EnterpriseOut)


async def exists(db: Db, enterprise_id: int, *, lock: bool = False) -> bool:
    """``lock`` holds the row (FOR UPDATE) to the end of the transaction, to order writes that hang on it."""
    sql = "SELECT 1 FROM enterprise WHERE id = $1"
    return await db.fetchval(sql + " FOR UPDATE" if lock else sql, enterprise_id) is not None


async def county_of(db: Db, enterprise_id: int) -> str | None:
    return await db.fetchval("SELECT county_code FROM enterprise WHERE id = $1", enterprise_id)


async def by_credit_code(db: Db, credit_code: str) -> EnterpriseRef | None:
    row = await db.fetchrow("SELECT id, name FROM enterprise WHERE credit_code = $1", credit_code)
    return None if row is None else EnterpriseRef(id=row["id"], name=row["name"])


async def insert(
    db: Db,
    name: str,
    kind: str,
    credit_code: str,
    town_id: int,
    contact_name: str | None,
    contact_phone: str | None,
    industry_ids: list[int],
) -> int:
    """The enterprise and the industries it works in; its id."""
    enterprise_id = int(
        await db.fetchval(
            "INSERT INTO enterprise (name, kind, credit_code, town, contact_name, contact_phone, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING id",
            name,
            kind,
            credit_code,
            town_id,
            contact_name,
            contact_phone,
        )
    )
    await db.execute(
        "INSERT INTO enterprise_industry (enterprise, industry) SELECT $1, unnest($2::int[])",
        enterprise_id,
        industry_ids,
    )
    return enterprise_id


async def by_id(db: Db, enterprise_id: int) -> EnterpriseOut | None:
    row = await db.fetchrow(_ENTERPRISE + " WHERE id = $1", enterprise_id)
    return None if row is None else _out(row)


async def page_of(db: Db, page: PageParams, *, town_id: int | None, kind: str | None) -> Page[EnterpriseOut]:
    return await fetch_page(
        _ENTERPRISE + " WHERE ($1::int IS NULL OR town = $1) AND ($2::text IS NULL OR kind = $2)",
        [town_id, kind],
        page,
        "id",
        _out,
        db=db,
    )
