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
    for path, headers in (("/api/v1/payouts/import?enterprise_id=1", admin),
                          ("/api/v1/cross-check/records/import", admin),
                          ("/api/v1/payment-batches/1/reconcile", await auth("finance"))):
        r = await client.post(path, files=files, headers=headers)
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert r.json()["errors"][0]["field"] == "file"
    r = await client.post("/api/v1/payouts/import", data={"x": "{}"}, headers=admin)
    assert r.status_code == 400


async def test_non_integer_query_ids_are_400(client, admin):
    r = await client.get("/api/v1/bases?village_id=4.2e-87", headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "village_id"
    assert r.json()["errors"][0]["source"] == "query"
