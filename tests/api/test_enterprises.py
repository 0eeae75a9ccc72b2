"""Enterprises: credit-code validation, uniqueness, nothing written on bad input."""

from __future__ import annotations

from tests.db import fetch
from tests.factories import credit_code


async def _town(client, admin, name="渔洋") -> int:
    return (await client.post("/api/v1/towns", json={"name": name}, headers=admin)).json()["id"]


async def _count(table: str) -> int:
    return (await fetch(f"SELECT count(*) AS n FROM {table}"))[0]["n"]


async def test_valid_enterprise_is_created_and_normalised(client, admin):
    town_id = await _town(client, admin)
    r = await client.post(
        "/api/v1/enterprises",
        json={
            "name": " 潜江市华山水产 ",
            "kind": "enterprise",
            "credit_code": "91350100m000100y43",
            "town_id": town_id,
            "industries": ["crayfish_rice"],
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["credit_code"] == "91350100M000100Y43" and body["name"] == "潜江市华山水产"
    got = await client.get(f"/api/v1/enterprises/{body['id']}", headers=admin)
    assert got.json() == body


async def test_invalid_credit_code_is_400_naming_the_field_and_writes_nothing(client, admin):
    town_id = await _town(client, admin)
    audit_before = await _count("audit_entry")
    for bad in ("91350100M000100Y44", "91350100M00010OY43", "9135", ""):
        r = await client.post(
            "/api/v1/enterprises",
            json={
                "name": "坏码公司",
                "kind": "enterprise",
                "credit_code": bad,
                "town_id": town_id,
                "industries": ["crayfish_rice"],
            },
            headers=admin,
        )
        assert r.status_code == 400, bad
        assert r.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in r.json()["errors"]] == ["credit_code"], r.json()
    assert await _count("enterprise") == 0
    assert await _count("audit_entry") == audit_before


async def test_duplicate_credit_code_is_409_naming_the_holder(client, admin):
    town_id = await _town(client, admin)
    body = {
        "name": "甲",
        "kind": "cooperative",
        "credit_code": "91350100M000100Y43",
        "town_id": town_id,
        "industries": ["crayfish_rice"],
    }
    first = (await client.post("/api/v1/enterprises", json=body, headers=admin)).json()
    r = await client.post("/api/v1/enterprises", json={**body, "name": "乙"}, headers=admin)
    assert r.status_code == 409
    assert r.json()["existing_id"] == first["id"]


async def test_unknown_town_is_422_and_unknown_kind_400(client, admin):
    r = await client.post(
        "/api/v1/enterprises",
        json={
            "name": "甲",
            "kind": "cooperative",
            "credit_code": "91350100M000100Y43",
            "town_id": 4242,
            "industries": ["crayfish_rice"],
        },
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "town_id"
    r = await client.post(
        "/api/v1/enterprises",
        json={
            "name": "甲",
            "kind": "startup",
            "credit_code": "91350100M000100Y43",
            "town_id": 1,
            "industries": ["crayfish_rice"],
        },
        headers=admin,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "kind"


async def test_list_filters_by_town(client, admin):
    a, b = await _town(client, admin, "周矶"), await _town(client, admin, "龙湾")
    codes = [credit_code(1), credit_code(2)]
    await client.post(
        "/api/v1/enterprises",
        json={
            "name": "甲",
            "kind": "enterprise",
            "credit_code": codes[0],
            "town_id": a,
            "industries": ["crayfish_rice"],
        },
        headers=admin,
    )
    await client.post(
        "/api/v1/enterprises",
        json={
            "name": "乙",
            "kind": "family_farm",
            "credit_code": codes[1],
            "town_id": b,
            "industries": ["crayfish_rice"],
        },
        headers=admin,
    )
    r = (await client.get(f"/api/v1/enterprises?town_id={b}", headers=admin)).json()
    assert r["total"] == 1 and r["items"][0]["name"] == "乙"
    r = (await client.get("/api/v1/enterprises?kind=enterprise", headers=admin)).json()
    assert [e["name"] for e in r["items"]] == ["甲"]


async def test_industries_are_checked_and_listed(client, admin):
    town_id = await _town(client, admin)
    body = {"name": "潜半夏合作社", "kind": "cooperative", "credit_code": credit_code(7), "town_id": town_id}
    r = await client.post("/api/v1/enterprises", json={**body, "industries": []}, headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "industries"
    r = await client.post("/api/v1/enterprises", json={**body, "industries": ["pinellia", "tea"]}, headers=admin)
    assert r.status_code == 422 and "tea" in r.json()["detail"]
    assert await _count("enterprise") == 0
    r = await client.post("/api/v1/enterprises", json={**body, "industries": ["vegetables", "pinellia"]}, headers=admin)
    assert r.status_code == 201 and r.json()["industries"] == ["pinellia", "vegetables"]
