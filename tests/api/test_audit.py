"""The audit trail: recorded with each change, append-only, tamper-evident."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
import pytest

from tests.db import connection, fetch


async def _make_history(client, admin, n: int = 3) -> None:
    for i in range(n):
        assert (await client.post("/api/v1/towns", json={"name": f"审计镇{i}"}, headers=admin)).status_code == 201


async def _tamper(sql: str, *args) -> None:
    """What someone with superuser rights could do: switch triggers off and edit."""
    async with connection() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(sql, *args)


async def _cli(database_url: str, *argv: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *argv,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()


async def test_every_write_lands_in_the_trail_with_actor_and_after(client, admin):
    await _make_history(client, admin, 2)
    auditor = await _auditor(client, admin)
    trail = (await client.get("/api/v1/audit?entity=town", headers=auditor)).json()
    assert trail["total"] == 2
    newest = trail["items"][0]
    assert newest["action"] == "create" and newest["after"]["name"] == "审计镇1"
    assert newest["actor_label"].startswith("account:") and newest["actor_id"] is not None


async def test_chain_verifies_over_the_api(client, admin):
    await _make_history(client, admin)
    r = await client.get("/api/v1/audit/verify", headers=await _auditor(client, admin))
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["checked"] >= 4 and body["first_broken_id"] is None


async def test_the_database_refuses_edits_and_deletes_of_audit_rows(client, admin):
    await _make_history(client, admin, 1)
    async with connection() as conn:
        with pytest.raises(asyncpg.RestrictViolationError):
            await conn.execute("UPDATE audit_entry SET action = 'nothing' WHERE id = 1")
        with pytest.raises(asyncpg.RestrictViolationError):
            await conn.execute("DELETE FROM audit_entry WHERE id = 1")
        with pytest.raises(asyncpg.RestrictViolationError):
            await conn.execute("TRUNCATE audit_entry")


async def test_an_edited_row_makes_verify_fail_and_name_it(client, admin, database_url):
    await _make_history(client, admin, 4)
    rows = await fetch("SELECT id FROM audit_entry WHERE entity = 'town' ORDER BY id")
    victim = rows[1]["id"]
    await _tamper("UPDATE audit_entry SET after = jsonb_set(after, '{name}', '\"改过的镇\"') WHERE id = $1", victim)
    body = (await client.get("/api/v1/audit/verify", headers=await _auditor(client, admin))).json()
    assert body["ok"] is False
    assert body["first_broken_id"] == victim
    assert "edited" in body["reason"]
    # the towns are the home county's chain, the accounts the province's: each checked on its own
    chains = {c["region"]: c for c in body["chains"]}
    assert chains["429005"]["checked"] == 1 and chains["429005"]["first_broken_id"] == victim  # the first town
    assert chains["province"]["ok"] is True and chains["province"]["checked"] == 2  # the admin, the auditor
    assert body["checked"] == 3

    code, out = await _cli(database_url, "audit", "verify")
    assert code == 1
    assert f"entry {victim}" in out


async def test_a_deleted_row_breaks_the_next_link(client, admin, database_url):
    await _make_history(client, admin, 4)
    rows = await fetch("SELECT id FROM audit_entry ORDER BY id")
    victim = rows[2]["id"]
    await _tamper("DELETE FROM audit_entry WHERE id = $1", victim)
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False and body["first_broken_id"] == rows[3]["id"]
    assert "removed" in body["reason"]


async def test_cli_verify_passes_on_an_intact_trail(client, admin, database_url):
    await _make_history(client, admin, 2)
    code, out = await _cli(database_url, "audit", "verify")
    assert code == 0, out
    assert "3 entries checked" in out  # the admin's account + two towns


async def test_filters_by_actor_and_time(client, admin, auth):
    await _make_history(client, admin, 2)
    other = await auth("admin", name="second admin")
    await client.post("/api/v1/towns", json={"name": "另一个镇"}, headers=other)
    me = (await client.get("/api/v1/me", headers=other)).json()
    mine = (await client.get(f"/api/v1/audit?actor_id={me['account_id']}", headers=admin)).json()
    assert [e["after"]["name"] for e in mine["items"]] == ["另一个镇"]
    everything = (await client.get("/api/v1/audit?limit=500", headers=admin)).json()["items"]
    cutoff = everything[1]["at"]  # second newest
    since = (await client.get("/api/v1/audit", params={"since": cutoff}, headers=admin)).json()
    assert since["total"] == 2
    until = (await client.get("/api/v1/audit", params={"until": cutoff}, headers=admin)).json()
    assert until["total"] == len(everything) - 2


async def test_concurrent_writes_keep_one_unbroken_chain(client, admin):
    results = await asyncio.gather(
        *(client.post("/api/v1/towns", json={"name": f"并发镇{i}"}, headers=admin) for i in range(30))
    )
    assert all(r.status_code == 201 for r in results)
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert (body["ok"], body["checked"], body["first_broken_id"], body["reason"]) == (True, 31, None, None)


async def test_finance_cannot_read_the_trail(client, auth):
    r = await client.get("/api/v1/audit", headers=await auth("finance"))
    assert r.status_code == 403


async def _auditor(client, admin) -> dict[str, str]:
    r = await client.post("/api/v1/accounts", json={"name": "纪委 审计", "role": "auditor"}, headers=admin)
    return {"Authorization": f"Bearer {r.json()['token']}"}
