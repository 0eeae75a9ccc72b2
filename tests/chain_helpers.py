"""Enterprises, bases and links over the API, for the tests."""

from __future__ import annotations

from typing import Any

from tests.factories import credit_code

SHARE = {"kind": "share", "share_capital": "5000.00", "dividend_rate": "0.08", "dividend_period": "yearly"}
WAGE = {"kind": "wage", "wage_basis": "day", "wage_rate": "120.00"}
COOPERATION = {"kind": "cooperation", "contract_price": "14.00", "contract_unit": "jin", "contracted_quantity": "800"}
FRANCHISE = {
    "kind": "franchise",
    "franchise_terms": "统一品牌 统一种苗 统一收购",
    "franchise_fee": "0",
    "franchise_split": "0.7",
}


async def make_enterprise(client, admin, town_id: int, n: int = 1, industries=("crayfish_rice",)) -> int:
    r = await client.post(
        "/api/v1/enterprises",
        json={
            "name": f"潜江虾稻合作社{n}",
            "kind": "cooperative",
            "credit_code": credit_code(n),
            "town_id": town_id,
            "industries": list(industries),
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def make_base(
    client,
    headers,
    enterprise_id: int,
    village_id: int,
    name: str = "虾稻共作基地",
    industry: str = "crayfish_rice",
    area: str = "320.5",
) -> int:
    r = await client.post(
        "/api/v1/bases",
        json={
            "enterprise_id": enterprise_id,
            "industry": industry,
            "village_id": village_id,
            "name": name,
            "area": area,
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def link(
    client,
    headers,
    enterprise_id: int,
    base_id: int,
    household_id: int,
    terms: dict[str, Any],
    start: str = "2017-01-01",
    end: str | None = None,
):
    body: dict[str, Any] = {
        "enterprise_id": enterprise_id,
        "base_id": base_id,
        "household_id": household_id,
        "start_date": start,
        "terms": terms,
    }
    if end:
        body["end_date"] = end
    return await client.post("/api/v1/links", json=body, headers=headers)
