"""One audit chain per county and one for the province: each entry lands in its county's chain, each chain
verifies (and is witnessed) on its own, and writes in different counties do not wait for each other."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from itertools import pairwise

from app.audit import service
from app.core.principal import system_principal
from app.core.settings import get_settings
from app.core.uow import AUDIT_CHAIN_LOCK, unit_of_work
from tests.db import connection, fetch
from tests.world import linked_household

A, B = "429005", "429006"


async def _region(client, admin, code: str, name: str) -> int:
    r = await client.post("/api/v1/regions", json={"code": code, "name": name}, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _two_counties(client, admin, towns: int = 2) -> dict[str, list[int]]:
    """Hubei with Qianjiang (A) and Tianmen (B), ``towns`` towns in each, a village in each town, all made
    over the API (the tests using it start from an empty directory); the town ids per county."""
    await _region(client, admin, "42", "湖北省")
    counties = {A: await _region(client, admin, A, "潜江市"), B: await _region(client, admin, B, "天门市")}
    made: dict[str, list[int]] = {A: [], B: []}
    for code, county_id in counties.items():
        for i in range(towns):
            r = await client.post("/api/v1/towns", json={"name": f"{code}镇{i}", "county_id": county_id}, headers=admin)
            assert r.status_code == 201, r.text
            made[code].append(r.json()["id"])
            r = await client.post("/api/v1/villages", json={"town_id": made[code][-1], "name": "一村"}, headers=admin)
            assert r.status_code == 201, r.text
    return made


async def _tamper(sql: str, *args) -> None:
    """What a database superuser can do: switch the append-only triggers off and change the trail."""
    async with connection() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(sql, *args)


async def _cli(*argv: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *argv,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _by_region(body: dict) -> dict[str, dict]:
    return {c["region"]: c for c in body["chains"]}


async def test_entries_of_two_counties_land_in_two_chains_each_verifying(client, admin, empty_directory):
    await _two_counties(client, admin)
    rows = await fetch("SELECT chain, entity, action, after FROM audit_entry ORDER BY id")
    chain_of = {(r["entity"], json.loads(r["after"]).get("name")): r["chain"] for r in rows}
    assert chain_of[("region", "湖北省")] == ""  # the province is no county's
    assert chain_of[("region", "潜江市")] == A and chain_of[("region", "天门市")] == B
    assert chain_of[("town", f"{A}镇0")] == A and chain_of[("town", f"{B}镇1")] == B
    villages = [r["chain"] for r in rows if r["entity"] == "village"]
    assert sorted(villages) == [A, A, B, B]
    assert {r["chain"] for r in rows if r["entity"] == "account"} == {""}  # accounts are the deployment's

    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is True and body["region"] is None
    chains = _by_region(body)
    assert list(chains) == ["province", A, B]
    assert (chains[A]["checked"], chains[B]["checked"]) == (5, 5)  # the county, 2 towns, 2 villages
    assert all(c["ok"] and c["first_broken_id"] is None for c in chains.values())
    assert body["checked"] == len(rows) == sum(c["checked"] for c in chains.values())

    # each chain links from GENESIS through its own entries only
    for code in (A, B):
        entries = await fetch("SELECT prev_hash, hash FROM audit_entry WHERE chain = $1 ORDER BY id", code)
        assert entries[0]["prev_hash"] == "0" * 64
        assert all(e["prev_hash"] == p["hash"] for p, e in pairwise(entries))

    listed = (await client.get("/api/v1/audit?entity=town&limit=10", headers=admin)).json()["items"]
    assert {i["chain"] for i in listed} == {A, B}


async def test_tampering_one_countys_entry_is_reported_for_that_chain_only(client, admin, empty_directory):
    towns = await _two_counties(client, admin)
    victim = (await fetch("SELECT id FROM audit_entry WHERE entity = 'town' AND entity_id = $1", str(towns[A][1])))[0]
    await _tamper(
        "UPDATE audit_entry SET after = jsonb_set(after, '{name}', '\"改过的镇\"') WHERE id = $1", victim["id"]
    )
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False and body["first_broken_id"] == victim["id"]
    assert body["reason"] == f"county {A}: content does not match its hash (the entry was edited)"
    chains = _by_region(body)
    assert chains[A]["ok"] is False and chains[A]["first_broken_id"] == victim["id"]
    assert chains[A]["checked"] == 3  # the county, its first town and village are intact before it
    assert chains[B]["ok"] is True and chains["province"]["ok"] is True
    assert chains[B]["checked"] == 5

    code, out, err = await _cli("audit", "verify")
    assert code == 1, out + err
    assert out.strip().splitlines() == [
        f"audit trail BROKEN at entry {victim['id']} in county {A}'s chain: "
        "content does not match its hash (the entry was edited) (3 entries before it are intact)"
    ]


async def test_verify_one_region(client, admin, empty_directory):
    await _two_counties(client, admin)
    victim = (await fetch("SELECT max(id) AS id FROM audit_entry WHERE chain = $1", A))[0]["id"]
    await _tamper("UPDATE audit_entry SET action = 'nothing' WHERE id = $1", victim)

    one = (await client.get("/api/v1/audit/verify", params={"region": B}, headers=admin)).json()
    assert one["ok"] is True and one["region"] == B and [c["region"] for c in one["chains"]] == [B]
    assert one["checked"] == 5
    province = (await client.get("/api/v1/audit/verify?region=province", headers=admin)).json()
    assert province["ok"] is True and [c["region"] for c in province["chains"]] == ["province"]
    broken = (await client.get("/api/v1/audit/verify", params={"region": A}, headers=admin)).json()
    assert broken["ok"] is False and broken["first_broken_id"] == victim
    city = (await client.get("/api/v1/audit/verify", params={"region": "4290"}, headers=admin)).json()
    assert [c["region"] for c in city["chains"]] == [A, B] and city["ok"] is False
    nothing = (await client.get("/api/v1/audit/verify", params={"region": "429007"}, headers=admin)).json()
    assert nothing["ok"] is True and nothing["checked"] == 0 and [c["region"] for c in nothing["chains"]] == ["429007"]
    r = await client.get("/api/v1/audit/verify", params={"region": "4290051"}, headers=admin)
    assert r.status_code == 400 and "region" in r.text

    code, out, err = await _cli("audit", "verify", "--region", B)
    assert code == 0, out + err
    assert out.startswith(f"audit trail ok (region {B}): 5 entries checked")
    code, out, err = await _cli("audit", "verify", "--region", "province")
    assert code == 0, out + err
    code, out, err = await _cli("audit", "verify", "--region", A)
    assert code == 1 and f"BROKEN at entry {victim} in county {A}'s chain" in out
    code, out, err = await _cli("audit", "verify", "--region", "hubei")
    assert code == 2 and err.startswith("error: region: ")


async def test_an_entry_moved_to_another_countys_chain_breaks_there(client, admin, empty_directory):
    await _two_counties(client, admin)
    moved = (await fetch("SELECT min(id) AS id FROM audit_entry WHERE chain = $1 AND entity = 'village'", A))[0]["id"]
    await _tamper("UPDATE audit_entry SET chain = $2 WHERE id = $1", moved, B)
    chains = _by_region((await client.get("/api/v1/audit/verify", headers=admin)).json())
    assert chains[A]["ok"] is False  # the entry after it links to a hash no longer in the chain
    assert chains[B]["ok"] is False and chains[B]["first_broken_id"] == moved


async def _checkpoint() -> list:
    key, _ = await service.ensure_audit_key()
    cps, written = await service.write_checkpoints(key, only_if_moved=False)
    assert cps == written
    return cps


async def test_each_chain_is_held_to_its_own_checkpoints(client, admin, empty_directory):
    towns = await _two_counties(client, admin)
    cps = await _checkpoint()
    assert [cp.chain for cp in cps] == ["", A, B]
    lines = [json.loads(line) for line in get_settings().audit_checkpoints_file.read_text().splitlines()]
    assert [(line["chain"], line["entry_id"]) for line in lines] == [(cp.chain, cp.entry_id) for cp in cps]
    head_a = cps[1].entry_id

    # the newest entry of A is cut; B goes on writing
    kept_a = (await fetch("SELECT max(id) AS id FROM audit_entry WHERE chain = $1 AND id < $2", A, head_a))[0]["id"]
    await _tamper("DELETE FROM audit_entry WHERE id = $1", head_a)
    r = await client.post("/api/v1/villages", json={"town_id": towns[B][0], "name": "二村"}, headers=admin)
    assert r.status_code == 201
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False and body["first_broken_id"] is None
    assert [(f["kind"], f["region"], f["entry_id"]) for f in body["findings"]] == [("cut", A, head_a)]
    assert body["reason"].startswith(f"county {A}: entries after id {kept_a}, witnessed at ")
    chains = _by_region(body)
    assert chains[A]["ok"] is False and chains[B]["ok"] is True and chains["province"]["ok"] is True
    assert chains[B]["checkpoints"] == 1 and chains[B]["newest_checkpoint"]["region"] == B
    assert (await client.get(f"/api/v1/audit/verify?region={B}", headers=admin)).json()["ok"] is True

    code, out, _ = await _cli("audit", "verify")
    assert code == 1 and out.strip().splitlines() == [f"audit trail CUT: {body['reason']}"]

    listed = (await client.get("/api/v1/audit/checkpoints", headers=admin)).json()["items"]
    assert [(i["region"], i["chain"]) for i in listed] == [(B, "witnessed"), (A, "cut"), ("province", "witnessed")]


async def test_a_county_chain_removed_whole_is_a_cut(client, admin, empty_directory):
    await _two_counties(client, admin)
    await _checkpoint()
    await _tamper("DELETE FROM audit_entry WHERE chain = $1", B)
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False
    assert [(f["kind"], f["region"]) for f in body["findings"]] == [("cut", B)]
    assert f"county {B}: entries after id 0" in body["reason"]
    assert _by_region(body)[B]["checked"] == 0


async def test_the_serving_task_checkpoints_only_the_chains_that_moved(client, admin, empty_directory):
    towns = await _two_counties(client, admin)
    path = get_settings().audit_checkpoints_file
    await service.start_checkpoints()
    try:
        for _ in range(200):  # the task checkpoints as it starts; wait for those lines (bounded)
            if path.exists() and len(path.read_text().splitlines()) == 3:
                break
            await asyncio.sleep(0.05)
        r = await client.post("/api/v1/villages", json={"town_id": towns[B][0], "name": "二村"}, headers=admin)
        assert r.status_code == 201
    finally:
        await service.stop_checkpoints()
    chains = [json.loads(line)["chain"] for line in path.read_text().splitlines()]
    assert chains == ["", A, B, B]  # at the stop only B had moved


async def _append(chain: str, action: str = "probe") -> None:
    async with unit_of_work() as uow:
        await uow.audit(system_principal("test"), action, "test", chain, chain=chain)


async def test_a_write_in_one_county_does_not_wait_for_another_countys_chain(client, admin):
    holder_started = asyncio.Event()
    release = asyncio.Event()

    async def hold_a() -> None:
        async with unit_of_work() as uow:
            await uow.audit(system_principal("test"), "hold", "test", A, chain=A)
            await uow.write_audit()  # A's entry appended: A's lock is held to the end of this transaction
            holder_started.set()
            await release.wait()

    holder = asyncio.create_task(hold_a())
    await asyncio.wait_for(holder_started.wait(), 5)
    try:
        await asyncio.wait_for(_append(B), 5)  # B does not wait for A
        await asyncio.wait_for(_append(""), 5)  # nor does the province's chain
        second_a = asyncio.create_task(_append(A, "second"))
        await asyncio.sleep(0.5)
        assert not second_a.done()  # a second write in A waits for A's lock
        waiting = await fetch(
            "SELECT count(*) AS n FROM pg_locks"
            " WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2 AND objsubid = 2",
            AUDIT_CHAIN_LOCK,
            int(A),
        )
        assert waiting[0]["n"] == 1
    finally:
        release.set()
        await asyncio.wait_for(holder, 5)
    await asyncio.wait_for(second_a, 5)
    rows = await fetch("SELECT chain, action FROM audit_entry WHERE entity = 'test' ORDER BY id")
    assert [(r["chain"], r["action"]) for r in rows] == [(A, "hold"), (B, "probe"), ("", "probe"), (A, "second")]
    assert (await service.verify_chain()).ok


async def test_writers_touching_the_same_chains_in_opposite_orders_do_not_deadlock(client, admin):
    async def both(first: str, second: str, i: int) -> None:
        async with unit_of_work() as uow:
            await uow.audit(system_principal("test"), f"first {i}", "test", first, chain=first)
            await asyncio.sleep(0)  # let the others take down their entries too
            await uow.audit(system_principal("test"), f"second {i}", "test", second, chain=second)

    # every pair takes A's and B's locks; half name B first. Taken in one order, none waits for the other
    # while holding what it waits for (PostgreSQL would abort one with a deadlock error otherwise)
    await asyncio.wait_for(
        asyncio.gather(*(both(A, B, i) if i % 2 else both(B, A, i) for i in range(16))),
        60,
    )
    counts = await fetch("SELECT chain, count(*) AS n FROM audit_entry WHERE entity = 'test' GROUP BY chain")
    assert {r["chain"]: r["n"] for r in counts} == {A: 16, B: 16}
    assert (await service.verify_chain()).ok


async def test_a_countys_policy_payouts_and_batches_go_to_its_chain(client, admin, auth):
    world = await linked_household(client, admin, auth)  # in the tests' home county, A
    r = await client.put(f"/api/v1/regions/{A}/policy", json={"notice_days": 7}, headers=admin)
    assert r.status_code == 200, r.text
    single = await client.post("/api/v1/payouts", json=_payout(world["link"], "S-1"), headers=world["operator"])
    assert single.status_code == 201, single.text
    batch = await client.post("/api/v1/payouts/batch", json=[_payout(world["link"], "B-1")], headers=world["operator"])
    assert batch.status_code in (200, 201), batch.text
    rows = await fetch("SELECT entity, action, chain FROM audit_entry ORDER BY id")
    chains = {(r["entity"], r["action"]): r["chain"] for r in rows}
    assert chains[("region", "set_policy")] == A
    assert chains[("payout", "create")] == A and chains[("payout_batch", "create_batch")] == A
    assert chains[("household", "create")] == A and chains[("link", "create")] == A
    assert chains[("account", "create")] == ""
    assert {r["chain"] for r in rows} == {"", A}
    assert (await client.get("/api/v1/audit/verify", headers=admin)).json()["ok"] is True


def _payout(link_id: int, reference: str) -> dict[str, str | int]:
    return {
        "link_id": link_id,
        "income_type": "wage",
        "amount": "400.00",
        "period_from": "2017-01-01",
        "period_to": "2017-12-31",
        "paid_on": "2017-12-20",
        "method": "bank",
        "reference": reference,
    }
