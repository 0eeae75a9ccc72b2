"""Odd requests found by fuzzing get a 4xx problem answer, never a 500 (regression tests)."""

from __future__ import annotations


async def test_invalid_json_is_400_naming_the_body(client, admin):
    for raw in (b"MrnU\xff\xfe\x00f.", b"{not json", b"\xc6\x83\xff"):
        r = await client.post("/api/v1/towns", content=raw, headers={**admin, "Content-Type": "application/json"})
        assert r.status_code == 400, raw
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == "body"


async def test_options_is_answered_not_crashed(client, admin):
    for path in ("/api/v1/accounts", "/api/v1/audit/verify", "/api/v1/households/1"):
        r = await client.options(path, headers=admin)
        assert r.status_code == 204, (path, r.status_code, r.text)
        assert "OPTIONS" in r.headers["allow"]


async def test_multipart_without_the_file_field_is_400(client, admin, auth):
    files = {"not_file": ("x.csv", b"a,b\n1,2\n", "text/csv")}
    for path, headers in (
        ("/api/v1/payouts/import?enterprise_id=1", admin),
        ("/api/v1/cross-check/records/import", admin),
        ("/api/v1/payment-batches/1/reconcile", await auth("finance")),
    ):
        r = await client.post(path, files=files, headers=headers)
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert r.json()["errors"][0]["field"] == "file"
    r = await client.post("/api/v1/payouts/import", data={"x": "{}"}, headers=admin)
    assert r.status_code == 400


async def test_non_integer_query_ids_are_400(client, admin):
    r = await client.get("/api/v1/bases?village_id=4.2e-87", headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "village_id"
    assert r.json()["errors"][0]["source"] == "query"


async def test_numbers_that_overflow_or_are_not_numbers_are_400(client, admin, auth):
    finance = await auth("finance")
    r = await client.put("/api/v1/poverty-lines/2021", json={"amount": "1e999999999"}, headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "amount"
    r = await client.put("/api/v1/poverty-lines/2021", json={"amount": "1e3"}, headers=admin)
    assert r.status_code == 400 and "exponent" in r.json()["errors"][0]["message"]
    for bad in ("NaN", "sNaN", "Infinity", "1e20", "0.001"):
        r = await client.put(
            "/api/v1/cross-check/rules",
            json={"department": "x", "item": "y", "description": "z", "min_value": bad},
            headers=admin,
        )
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "min_value", (bad, r.text)
    r = await client.post(
        "/api/v1/subsidy-schemes",
        json={"year": 2017, "name": "x", "budget": "1e999999999", "rates": []},
        headers=finance,
    )
    assert r.status_code == 400


async def test_broken_json_bodies_are_400(client, admin):
    for raw in (b'{"name":"\xff"}', b"[" * 100_000 + b"]" * 100_000):
        r = await client.post("/api/v1/towns", content=raw, headers={**admin, "Content-Type": "application/json"})
        assert r.status_code == 400, r.text[:200]
        r = await client.post(
            "/api/v1/payouts/batch", content=raw, headers={**admin, "Content-Type": "application/json"}
        )
        assert r.status_code == 400, r.text[:200]


async def test_ids_beyond_the_key_range_and_nul_characters_are_400(client, admin):
    assert (await client.get(f"/api/v1/towns/{2**40}", headers=admin)).status_code == 400
    assert (await client.get(f"/api/v1/households?village_id={2**40}", headers=admin)).status_code == 400
    assert (await client.get(f"/api/v1/towns?offset={2**63}", headers=admin)).status_code == 400
    assert (
        await client.put(f"/api/v1/poverty-lines/{2**40}", json={"amount": "1.00"}, headers=admin)
    ).status_code == 400
    r = await client.post("/api/v1/villages", json={"town_id": 2**40, "name": "x"}, headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "town_id"
    r = await client.post("/api/v1/towns", json={"name": "a\u0000b"}, headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "name"


async def test_odd_csv_uploads_are_400(client, admin):
    huge = b"department,item,id_number,as_of\n" + b"x," * 1 + b"y" * 200_000 + b",1,2017-01-01\n"
    r = await client.post(
        "/api/v1/cross-check/records/import", files={"file": ("x.csv", huge, "text/csv")}, headers=admin
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"
    two = [
        ("file", ("a.csv", b"department,item,id_number,as_of\n", "text/csv")),
        ("file", ("b.csv", b"department,item,id_number,as_of\n", "text/csv")),
    ]
    r = await client.post("/api/v1/cross-check/records/import", files=two, headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"
