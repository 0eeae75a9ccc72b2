"""The audit chain's witness: signed checkpoints of its head, outside the database, catch what the hash chain
alone cannot (the newest entries cut off, the whole chain rewritten with recomputed hashes) and a checkpoint
that was itself tampered with."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import stat
import sys

from app.audit import service
from app.audit.queries import chain_entries_after
from app.core.audit_chain import GENESIS, entry_hash
from app.core.settings import get_settings
from tests.db import connection, fetchrow

# the towns written here are in the tests' home county: its chain is the one cut and rewritten below; the
# accounts are in the province's chain, witnessed alongside and left alone
COUNTY = "429005"


async def _towns(client, admin, n: int, tag: str) -> None:
    for i in range(n):
        r = await client.post("/api/v1/towns", json={"name": f"{tag}镇{i}"}, headers=admin)
        assert r.status_code == 201, r.text


async def _cli(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``chainaid`` in a child process on the test database (the variables of this run, plus ``env``)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *argv,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def _tamper(sql: str, *args) -> None:
    """What a database superuser can do: switch the append-only triggers off and change the trail."""
    async with connection() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(sql, *args)


async def _checkpoint() -> int:
    """Checkpoint every chain's head now; the county chain's entry id."""
    key, _ = await service.ensure_audit_key()
    cps, written = await service.write_checkpoints(key, only_if_moved=False)
    assert [cp.chain for cp in cps] == ["", COUNTY] and written == cps
    return cps[1].entry_id


def _lines() -> list[str]:
    return get_settings().audit_checkpoints_file.read_text().splitlines()


async def _head() -> int:
    return (await fetchrow("SELECT max(id) AS id FROM audit_entry"))["id"]


async def test_cutting_the_newest_entries_is_found_even_after_later_writes(client, admin, database_url):
    await _towns(client, admin, 4, "见证")
    code, out, err = await _cli("audit", "checkpoint")
    assert code == 0, out + err
    witnessed = await _head()
    assert f"checkpoint of entry {witnessed} (" in out and f"of county {COUNTY}'s chain" in out
    assert len(_lines()) == 2  # the province's chain (the admin's account) and the county's (the towns)

    # the superuser deletes the two newest entries with the triggers off, then the service writes on
    await _tamper("DELETE FROM audit_entry WHERE id > $1", witnessed - 2)
    await _towns(client, admin, 2, "之后")
    assert (await service.verify_chain()).ok  # the hash chain alone sees nothing: what is left links up

    code, out, err = await _cli("audit", "verify")
    assert code == 1, out + err
    assert out.startswith("audit trail CUT: ")
    assert f"entries after id {witnessed - 2}, witnessed at " in out and "are missing" in out
    assert len(out.strip().splitlines()) == 1  # one line

    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False and body["first_broken_id"] is None
    (finding,) = body["findings"]
    assert finding["kind"] == "cut" and finding["entry_id"] == witnessed and finding["region"] == COUNTY
    assert body["reason"].startswith(f"county {COUNTY}: entries after id {witnessed - 2}, witnessed at ")


async def test_a_chain_cut_back_before_the_checkpoint_is_found(client, admin):
    await _towns(client, admin, 3, "截断")
    witnessed = await _checkpoint()
    await _tamper("DELETE FROM audit_entry WHERE id > 1")  # the admin's account is kept: the county's chain is gone
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False and body["checked"] == 1
    assert [f["kind"] for f in body["findings"]] == ["cut"]
    assert body["findings"][0]["entry_id"] == witnessed
    assert f"county {COUNTY}: entries after id 0, witnessed at " in body["reason"]


async def test_a_whole_chain_rewritten_with_recomputed_hashes_is_found(client, admin):
    await _towns(client, admin, 4, "重写")
    witnessed = await _checkpoint()

    # rewrite: change the county chain's second entry, recompute every hash of the chain from its start
    # with the chain's own functions
    async with connection() as db:
        entries = await chain_entries_after(db, COUNTY, 0, 1000)
    prev, rewritten = GENESIS, []
    for e in entries:
        content = e.content
        if e.id == entries[1].id:
            content = dataclasses.replace(content, after={**content.after, "name": "改写的镇"})
        h = entry_hash(prev, content)
        rewritten.append((e.id, content.after, prev, h))
        prev = h
    for entry_id, after, prev_hash, h in rewritten:
        await _tamper(
            "UPDATE audit_entry SET after = $2::jsonb, prev_hash = $3, hash = $4 WHERE id = $1",
            entry_id,
            json.dumps(after, ensure_ascii=False),
            prev_hash,
            h,
        )
    assert (await service.verify_chain()).ok  # recomputed: the hash chain alone is satisfied

    code, out, err = await _cli("audit", "verify")
    assert code == 1, out + err
    assert out.startswith(
        f"audit trail REWRITTEN: county {COUNTY}: the chain was rewritten: entry {witnessed}'s hash differs"
    )

    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is False
    assert [(f["kind"], f["entry_id"]) for f in body["findings"]] == [("rewritten", witnessed)]


async def test_a_cut_refilled_under_the_same_ids_reads_as_a_rewrite(client, admin):
    await _towns(client, admin, 3, "重填")
    witnessed = await _checkpoint()
    await _tamper("DELETE FROM audit_entry WHERE id > $1", witnessed - 1)
    async with connection() as db:
        await db.execute("SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), $1)", witnessed - 1)
    await _towns(client, admin, 1, "冒名")  # takes the witnessed entry's id, with another hash
    assert await _head() == witnessed
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert [(f["kind"], f["entry_id"]) for f in body["findings"]] == [("rewritten", witnessed)]


async def test_a_tampered_checkpoint_line_is_reported_and_not_believed(client, admin):
    await _towns(client, admin, 2, "伪造")
    await _checkpoint()
    await _towns(client, admin, 1, "再")
    await _checkpoint()
    path = get_settings().audit_checkpoints_file
    *first, second = _lines()  # each checkpoint wrote the province's chain's line, then the county's
    assert len(first) == 3
    kept = "\n".join(first)
    # line 4 claims a head the chain never had (a false alarm planted, or a real cut hidden): its HMAC fails
    forged = json.loads(second)
    forged["entry_id"] += 5
    path.write_text(f"{kept}\n{json.dumps(forged)}\n")

    code, out, err = await _cli("audit", "verify")
    assert code == 1, out + err
    assert out.startswith("audit trail NOT WITNESSED: ")
    assert f"the checkpoint on line 4 of {path} fails its HMAC: forged or damaged" in out

    auditor = await _auditor(client, admin)
    body = (await client.get("/api/v1/audit/verify", headers=auditor)).json()
    assert body["ok"] is False and body["checkpoints"] == 3  # lines 1-3 are still held to the chains, and hold
    assert [(f["kind"], f["line"]) for f in body["findings"]] == [("forged", 4)]

    # a changed MAC is the same finding
    bad_mac = json.loads(second)
    bad_mac["mac"] = ("0" if bad_mac["mac"][0] != "0" else "1") + bad_mac["mac"][1:]
    path.write_text(f"{kept}\n{json.dumps(bad_mac)}\nnot a checkpoint\n")
    body = (await client.get("/api/v1/audit/verify", headers=auditor)).json()
    assert [(f["kind"], f["line"]) for f in body["findings"]] == [("forged", 4), ("unreadable", 5)]

    listed = (await client.get("/api/v1/audit/checkpoints", headers=auditor)).json()
    assert listed["total"] == 5
    assert [(i["line"], i["region"], i["mac_ok"], i["chain"]) for i in listed["items"]] == [
        (5, None, False, None),
        (4, COUNTY, False, None),
        (3, "province", True, "witnessed"),
        (2, COUNTY, True, "witnessed"),
        (1, "province", True, "witnessed"),
    ]
    assert "forged or damaged" in listed["items"][1]["problem"]


async def test_an_intact_witnessed_trail_verifies_and_its_checkpoints_are_listed(client, admin):
    await _towns(client, admin, 2, "完好")
    await _checkpoint()
    await _towns(client, admin, 2, "又")
    newest = await _checkpoint()
    code, out, err = await _cli("audit", "verify")
    assert code == 0, out + err
    assert "entries checked in 2 chains; held to 4 signed checkpoints, " in out  # 2 chains, twice
    assert f"the newest of entry {newest}" in out

    auditor = await _auditor(client, admin)
    body = (await client.get("/api/v1/audit/verify", headers=auditor)).json()
    assert body["ok"] is True and body["findings"] == [] and body["checkpoints"] == 4
    assert body["newest_checkpoint"]["entry_id"] == newest and body["newest_checkpoint"]["region"] == COUNTY
    chains = {c["region"]: c for c in body["chains"]}
    assert chains[COUNTY]["checkpoints"] == 2 and chains[COUNTY]["newest_checkpoint"]["entry_id"] == newest

    page = (await client.get("/api/v1/audit/checkpoints?limit=1", headers=auditor)).json()
    assert page["total"] == 4 and page["limit"] == 1
    (item,) = page["items"]
    assert (item["line"], item["region"], item["entry_id"], item["mac_ok"], item["chain"], item["problem"]) == (
        4,
        COUNTY,
        newest,
        True,
        "witnessed",
        None,
    )
    older = (await client.get("/api/v1/audit/checkpoints?limit=1&offset=1", headers=auditor)).json()
    assert [i["line"] for i in older["items"]] == [3]
    assert (await client.get("/api/v1/audit/checkpoints", headers=await _finance(client, admin))).status_code == 403


async def test_without_checkpoints_verify_passes_and_says_a_cut_could_not_be_seen(client, admin):
    await _towns(client, admin, 1, "无")
    body = (await client.get("/api/v1/audit/verify", headers=admin)).json()
    assert body["ok"] is True and body["checkpoints"] == 0 and body["newest_checkpoint"] is None
    assert "no checkpoint" in body["note"]
    listed = (await client.get("/api/v1/audit/checkpoints", headers=admin)).json()
    assert listed == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_the_checkpoint_command_makes_the_key_once_with_mode_0600_and_says_where(client, admin, tmp_path):
    await _towns(client, admin, 1, "钥匙")
    key_file = tmp_path / "keys" / "audit.key"
    checkpoints = tmp_path / "witness" / "checkpoints.jsonl"
    env = {"CHAINAID_AUDIT_KEY_FILE": str(key_file), "CHAINAID_AUDIT_CHECKPOINTS": str(checkpoints)}
    code, out, err = await _cli("audit", "checkpoint", env=env)
    assert code == 0, out + err
    assert f"WARNING: made the audit key {key_file} (mode 0600)" in err
    assert "Back it up apart from the database" in err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert len(checkpoints.read_text().splitlines()) == 2  # one per chain
    assert out.strip().endswith(f"appended 2 lines to {checkpoints}")

    code, out, err = await _cli("audit", "checkpoint", env=env)
    assert code == 0 and "WARNING" not in err and key_file.read_text() == key
    assert len(checkpoints.read_text().splitlines()) == 4

    # verify never makes a key: without the one that signed them, the checkpoints cannot be believed
    key_file.unlink()
    code, out, err = await _cli("audit", "verify", env=env)
    assert code == 1 and "the audit key is missing" in out and not key_file.exists()

    # a key from the environment works without any file
    code, out, err = await _cli("audit", "checkpoint", env={**env, "CHAINAID_AUDIT_KEY": "k" * 40})
    assert code == 0 and not key_file.exists()


async def test_a_wrong_key_makes_every_checkpoint_unbelieved(client, admin, tmp_path):
    await _towns(client, admin, 1, "换钥")
    env = {"CHAINAID_AUDIT_CHECKPOINTS": str(tmp_path / "c.jsonl"), "CHAINAID_AUDIT_KEY": "a" * 40}
    for _ in range(2):
        assert (await _cli("audit", "checkpoint", env=env))[0] == 0
    code, out, _ = await _cli("audit", "verify", env={**env, "CHAINAID_AUDIT_KEY": "b" * 40})
    assert code == 1 and "no checkpoint in" in out and "valid HMAC under this key" in out


async def test_a_short_audit_key_stops_the_command_in_one_line_without_echoing_it(client, admin):
    code, _, err = await _cli("audit", "checkpoint", env={"CHAINAID_AUDIT_KEY": "secret-but-short"})
    assert code == 2
    assert err.strip().splitlines() == ["invalid setting: CHAINAID_AUDIT_KEY=(hidden): Expected `str` of length >= 32"]


async def test_the_serving_task_checkpoints_at_start_when_the_head_moves_and_at_stop(client, admin):
    await _towns(client, admin, 1, "服务")
    path = get_settings().audit_checkpoints_file
    await service.start_checkpoints()
    try:
        for _ in range(200):  # the task checkpoints as it starts; wait for that line (bounded)
            if path.exists() and path.read_text():
                break
            await asyncio.sleep(0.05)
        heads = [(json.loads(line)["chain"], json.loads(line)["entry_id"]) for line in _lines()]
        assert heads == [("", 1), (COUNTY, await _head())]  # the admin's account; the town
        await _towns(client, admin, 2, "停前")
    finally:
        await service.stop_checkpoints()
    heads = [(json.loads(line)["chain"], json.loads(line)["entry_id"]) for line in _lines()]
    assert heads[-1] == (COUNTY, await _head()) and len(heads) == 3  # the stop witnessed the moved head only

    await service.start_checkpoints()  # no head has moved since: no line is added, at start or stop
    await asyncio.sleep(0)
    await service.stop_checkpoints()
    assert len(_lines()) == 3
    assert (await client.get("/api/v1/audit/verify", headers=admin)).json()["ok"] is True


async def _auditor(client, admin) -> dict[str, str]:
    r = await client.post("/api/v1/accounts", json={"name": "纪委 审计", "role": "auditor"}, headers=admin)
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def _finance(client, admin) -> dict[str, str]:
    r = await client.post("/api/v1/accounts", json={"name": "财政", "role": "finance"}, headers=admin)
    return {"Authorization": f"Bearer {r.json()['token']}"}
