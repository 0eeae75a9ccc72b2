"""The region directory: national division codes, levels by length, parents by prefix."""

from __future__ import annotations

import pytest

from tests.db import fetch

# the directory as a new deployment finds it, empty
pytestmark = pytest.mark.usefixtures("empty_directory")


def _field(r) -> str | None:
    """The field a refusal names: a 400 lists its errors, a 409 or 422 names one."""
    body = r.json()
    return body["errors"][0]["field"] if "errors" in body else body.get("field")


async def _add(client, admin, code, name, **extra):
    return await client.post("/api/v1/regions", json={"code": code, "name": name, **extra}, headers=admin)


async def test_a_province_and_its_county_level_city_directly_under_it(client, admin, auth):
    r = await _add(client, admin, "42", "湖北省")
    assert r.status_code == 201, r.text
    assert r.json()["level"] == "province" and r.json()["parent_code"] is None
    r = await _add(client, admin, "429005", "潜江市")
    assert r.status_code == 201, r.text
    county = r.json()
    assert (county["level"], county["parent_code"], county["name"]) == ("county", "42", "潜江市")
    r = await _add(client, admin, "429005001", "园林街道")  # a town is the registry's: POST /api/v1/towns
    assert r.status_code == 400 and _field(r) == "code"
    r = await client.get("/api/v1/regions/429005", headers=await auth("finance"))
    assert r.status_code == 200 and r.json() == county
    entries = await fetch("SELECT entity, action FROM audit_entry WHERE entity = 'region' ORDER BY id")
    assert [(e["entity"], e["action"]) for e in entries] == [("region", "create")] * 2


async def test_a_county_hangs_from_its_city_when_the_city_is_listed(client, admin):
    await _add(client, admin, "42", "湖北省")
    await _add(client, admin, "4201", "武汉市")
    r = await _add(client, admin, "420102", "江岸区")
    assert r.status_code == 201 and r.json()["parent_code"] == "4201"
    r = await _add(client, admin, "420103", "江汉区", parent_code="42")
    assert r.status_code == 400 and _field(r) == "parent_code"


async def test_codes_are_validated_naming_the_field(client, admin):
    await _add(client, admin, "42", "湖北省")
    for code in ("4a", "429", "4200", "429005001001x", "  "):
        r = await _add(client, admin, code, "x")
        assert r.status_code == 400, (code, r.text)
        assert _field(r) == "code", code
    r = await _add(client, admin, "429005", "潜江市", parent_code="43")  # not a prefix
    assert r.status_code == 400 and _field(r) == "parent_code"
    assert "prefix" in r.json()["errors"][0]["message"]
    r = await _add(client, admin, "429005001001", "村")
    assert r.status_code == 400 and _field(r) == "code"
    r = await _add(client, admin, "43", "湖南省", parent_code="42")
    assert r.status_code == 400 and _field(r) == "parent_code"
    assert (await fetch("SELECT count(*) AS n FROM region"))[0]["n"] == 1


async def test_a_missing_parent_or_a_duplicate_is_refused(client, admin):
    r = await _add(client, admin, "429005", "潜江市")
    assert r.status_code == 422 and _field(r) == "code"
    await _add(client, admin, "42", "湖北省")
    r = await _add(client, admin, "4201", "武汉市", parent_code="42")
    assert r.status_code == 201  # a city under its province
    r = await _add(client, admin, "429005", "潜江市", parent_code="4290")
    assert r.status_code == 422 and _field(r) == "parent_code"
    assert (await _add(client, admin, "42", "湖北省")).status_code == 409


async def test_list_by_level_parent_and_prefix(client, admin, auth):
    for code, name in (
        ("42", "湖北省"),
        ("43", "湖南省"),
        ("4201", "武汉市"),
        ("420102", "江岸区"),
        ("429005", "潜江市"),
        ("429006", "天门市"),
    ):
        assert (await _add(client, admin, code, name)).status_code == 201, code
    operator = await auth("auditor")

    async def codes(query: str) -> list[str]:
        r = await client.get(f"/api/v1/regions{query}", headers=operator)
        assert r.status_code == 200, r.text
        return [i["code"] for i in r.json()["items"]]

    assert await codes("") == ["42", "4201", "420102", "429005", "429006", "43"]
    assert await codes("?level=county") == ["420102", "429005", "429006"]
    assert await codes("?parent=42") == ["4201", "429005", "429006"]
    assert await codes("?prefix=4290") == ["429005", "429006"]
    assert await codes("?prefix=42&level=city") == ["4201"]
    r = await client.get("/api/v1/regions?limit=2", headers=operator)
    assert r.json()["total"] == 6 and len(r.json()["items"]) == 2
    for query, field in (("?prefix=42x", "prefix"), ("?parent=4", "parent"), ("?prefix=1234567890123", "prefix")):
        r = await client.get(f"/api/v1/regions{query}", headers=operator)
        assert r.status_code == 400 and _field(r) == field, (query, r.text)
    assert (await client.get("/api/v1/regions?level=state", headers=operator)).status_code == 400


async def test_get_an_unknown_or_malformed_code(client, admin):
    assert (await client.get("/api/v1/regions/44", headers=admin)).status_code == 404
    r = await client.get("/api/v1/regions/abc", headers=admin)
    assert r.status_code == 400 and _field(r) == "code"


async def test_only_an_admin_adds_a_region(client, auth):
    for role in ("finance", "auditor"):
        r = await client.post("/api/v1/regions", json={"code": "42", "name": "湖北省"}, headers=await auth(role))
        assert r.status_code == 403, role
