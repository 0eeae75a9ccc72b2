"""Accounts, bearer tokens and role guards."""

from __future__ import annotations

import hashlib

from tests.db import fetch


async def test_admin_creates_an_account_and_only_the_token_hash_is_stored(client, admin):
    r = await client.post("/api/v1/accounts", json={"name": "财政局 王", "role": "finance"}, headers=admin)
    assert r.status_code == 201
    body = r.json()
    token = body["token"]
    assert token.startswith("ca_") and len(token) > 40
    rows = await fetch("SELECT * FROM account WHERE id = $1", body["account"]["id"])
    stored = dict(rows[0])
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    # the listing never shows tokens either
    listing = await client.get("/api/v1/accounts", headers=admin)
    assert token not in listing.text and "token_hash" not in listing.text
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json() == {
        "account_id": body["account"]["id"],
        "name": "财政局 王",
        "role": "finance",
        "enterprise_id": None,
        "town_id": None,
        "region_code": None,
    }


async def test_missing_malformed_and_unknown_tokens_get_401(client):
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer ca_nope"},
    ):
        r = await client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Bearer" in r.headers["www-authenticate"]


async def test_revoked_token_gets_401_at_once(client, admin, auth):
    finance = await auth("finance")
    assert (await client.get("/api/v1/me", headers=finance)).status_code == 200
    me = (await client.get("/api/v1/me", headers=finance)).json()
    r = await client.post(f"/api/v1/accounts/{me['account_id']}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert (await client.get("/api/v1/me", headers=finance)).status_code == 401
    again = await client.post(f"/api/v1/accounts/{me['account_id']}/revoke", headers=admin)
    assert again.status_code == 409


async def test_operator_gets_403_on_admin_routes(client, admin, auth):
    town = (await client.post("/api/v1/towns", json={"name": "积玉口"}, headers=admin)).json()
    ent = (
        await client.post(
            "/api/v1/enterprises",
            json={
                "name": "潜江虾稻合作社",
                "kind": "cooperative",
                "credit_code": "91350100M000100Y43",
                "town_id": town["id"],
                "industries": ["crayfish_rice"],
            },
            headers=admin,
        )
    ).json()
    operator = await auth("operator", enterprise_id=ent["id"])
    for method, path, body in (
        ("POST", "/api/v1/accounts", {"name": "x", "role": "admin"}),
        ("GET", "/api/v1/accounts", None),
        ("POST", "/api/v1/towns", {"name": "新镇"}),
        ("GET", "/api/v1/audit", None),
    ):
        r = await client.request(method, path, json=body, headers=operator)
        assert r.status_code == 403, (method, path)
        assert r.headers["content-type"].startswith("application/problem+json")
    me = (await client.get("/api/v1/me", headers=operator)).json()
    assert me["role"] == "operator" and me["enterprise_id"] == ent["id"]


async def test_scope_must_match_the_role(client, admin):
    cases = [
        ({"name": "o", "role": "operator"}, "enterprise_id"),
        ({"name": "t", "role": "town_officer"}, "town_id"),
        ({"name": "f", "role": "finance", "town_id": 1}, "town_id"),
        ({"name": "a", "role": "auditor", "enterprise_id": 1}, "enterprise_id"),
        ({"name": "", "role": "admin"}, "name"),
        ({"name": "x", "role": "mayor"}, "role"),
    ]
    for body, field in cases:
        r = await client.post("/api/v1/accounts", json=body, headers=admin)
        assert r.status_code == 400, body
        assert [e["field"] for e in r.json()["errors"]] == [field], r.json()
    assert (await fetch("SELECT count(*) AS n FROM account"))[0]["n"] == 1  # only the admin


async def test_binding_to_a_missing_enterprise_is_422_and_writes_nothing(client, admin):
    r = await client.post(
        "/api/v1/accounts", json={"name": "o", "role": "operator", "enterprise_id": 999}, headers=admin
    )
    assert r.status_code == 422
    assert r.json()["field"] == "enterprise_id"
    assert (await fetch("SELECT count(*) AS n FROM account"))[0]["n"] == 1


async def test_account_creation_and_revocation_are_audited(client, admin):
    created = (await client.post("/api/v1/accounts", json={"name": "审计 李", "role": "auditor"}, headers=admin)).json()
    await client.post(f"/api/v1/accounts/{created['account']['id']}/revoke", headers=admin)
    auditor = await client.post("/api/v1/accounts", json={"name": "审计 赵", "role": "auditor"}, headers=admin)
    headers = {"Authorization": f"Bearer {auditor.json()['token']}"}
    trail = (
        await client.get(f"/api/v1/audit?entity=account&entity_id={created['account']['id']}", headers=headers)
    ).json()
    assert [e["action"] for e in trail["items"]] == ["revoke", "create"]
    revoke = trail["items"][0]
    assert revoke["before"]["revoked_at"] is None and revoke["after"]["revoked_at"] is not None
    assert revoke["actor_label"].startswith("account:")
    assert created["account"]["token_prefix"] in str(trail)
    assert created["token"] not in str(trail)
