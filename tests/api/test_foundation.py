"""The service skeleton: health, docs, problem details, paging."""

from __future__ import annotations

import re


async def test_health_checks_the_database(client):
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


async def test_openapi_document_and_docs_page_are_public(client):
    doc = await client.get("/schema/openapi.json")
    assert doc.status_code == 200
    paths = doc.json()["paths"]
    assert "/api/v1/me" in paths and "/api/v1/audit/verify" in paths
    # every operation has an id and a description a reader can use
    for path, ops in paths.items():
        for method, op in ops.items():
            assert op.get("operationId"), f"{method} {path} has no operationId"
    page = await client.get("/schema")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


async def test_every_api_route_needs_a_token(client):
    doc = (await client.get("/schema/openapi.json")).json()
    for path, ops in doc["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in ops:
            r = await client.request(method.upper(), concrete)
            assert r.status_code == 401, f"{method} {path} answered {r.status_code} without a token"
            assert r.headers["content-type"].startswith("application/problem+json")


async def test_unknown_route_is_a_problem_document(client, admin):
    r = await client.get("/api/v1/nothing-here", headers=admin)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 404


async def test_paging_limits_are_checked_and_name_the_parameter(client, admin):
    r = await client.get("/api/v1/towns?limit=0", headers=admin)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "limit"
    r = await client.get("/api/v1/towns?limit=501", headers=admin)
    assert r.status_code == 400
    r = await client.get("/api/v1/towns?offset=-1", headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "offset"


async def test_paging_reports_the_total(client, admin):
    for i in range(7):
        assert (await client.post("/api/v1/towns", json={"name": f"镇{i}"}, headers=admin)).status_code == 201
    r = await client.get("/api/v1/towns?limit=3&offset=3", headers=admin)
    body = r.json()
    assert body["total"] == 7 and body["limit"] == 3 and body["offset"] == 3
    assert [t["name"] for t in body["items"]] == ["镇3", "镇4", "镇5"]
    past_the_end = (await client.get("/api/v1/towns?offset=50", headers=admin)).json()
    assert past_the_end["items"] == [] and past_the_end["total"] == 7


async def test_unique_violation_is_409_not_500(client, admin):
    assert (await client.post("/api/v1/towns", json={"name": "园林"}, headers=admin)).status_code == 201
    r = await client.post("/api/v1/towns", json={"name": "园林"}, headers=admin)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_unknown_body_field_is_refused_by_name(client, admin):
    r = await client.post("/api/v1/towns", json={"name": "熊口", "mayor": "x"}, headers=admin)
    assert r.status_code == 400
    assert "mayor" in r.text


async def test_api_answers_are_neither_cached_nor_sniffed_nor_framed(client, auth):
    auditor = await auth("auditor")
    for path in ("/api/v1/households", "/api/v1/me", "/api/v1/households/999999"):
        r = await client.get(path, headers=auditor)
        assert r.headers.get("cache-control") == "no-store", (path, r.status_code, dict(r.headers))
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
