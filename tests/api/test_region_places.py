"""Towns and villages in the region tree: their national codes and county in the answers, how a new one
is placed, and `chainaid regions adopt` putting the towns and villages there before under a county."""

from __future__ import annotations

import asyncio
import os
import sys

from app.core.principal import system_principal
from app.registry.adoption import adopt
from tests.db import fetch


def _field(r) -> str | None:
    body = r.json()
    return body["errors"][0]["field"] if "errors" in body else body.get("field")


async def _region(client, admin, code: str, name: str) -> dict:
    r = await client.post("/api/v1/regions", json={"code": code, "name": name}, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()


async def _town(client, admin, **body):
    return await client.post("/api/v1/towns", json={"name": "熊口镇", **body}, headers=admin)


async def _village(client, admin, town_id: int, **body):
    return await client.post("/api/v1/villages", json={"town_id": town_id, "name": "赵脑村", **body}, headers=admin)


async def test_with_one_county_a_new_town_and_village_are_placed_and_numbered(client, admin, auth):
    await _region(client, admin, "42", "湖北省")
    county = await _region(client, admin, "429005", "潜江市")
    r = await _town(client, admin)
    assert r.status_code == 201, r.text
    town = r.json()
    assert (town["code"], town["county_id"]) == ("429005001", county["id"])
    r = await _village(client, admin, town["id"])
    assert r.status_code == 201, r.text
    village = r.json()
    assert (village["code"], village["county_id"]) == ("429005001001", county["id"])
    assert (await _village(client, admin, town["id"], name="二村")).json()["code"] == "429005001002"
    r = await _town(client, admin, name="园林街道", code="429005010")
    assert r.status_code == 201 and r.json()["code"] == "429005010"
    assert (await _town(client, admin, name="高场", county_id=county["id"])).json()["code"] == "429005002"
    # the answers of the reads carry them too
    reader = await auth("auditor")
    got = (await client.get(f"/api/v1/towns/{town['id']}", headers=reader)).json()
    assert (got["code"], got["county_id"]) == ("429005001", county["id"])
    got = (await client.get(f"/api/v1/villages/{village['id']}", headers=reader)).json()
    assert (got["code"], got["county_id"]) == ("429005001001", county["id"])
    listed = (await client.get("/api/v1/villages", headers=reader)).json()["items"]
    assert {v["code"] for v in listed} == {"429005001001", "429005001002"}


async def test_codes_of_towns_and_villages_are_checked(client, admin):
    await _region(client, admin, "42", "湖北省")
    county = await _region(client, admin, "429005", "潜江市")
    for code in ("42900500", "4290050011", "42900500a", "429005000"):
        r = await _town(client, admin, code=code)
        assert r.status_code == 400 and _field(r) == "code", (code, r.text)
    r = await _town(client, admin, code="429006001")  # not under its county
    assert r.status_code == 400 and _field(r) == "code"
    town = (await _town(client, admin)).json()
    assert (await _town(client, admin, name="另一镇", code=town["code"])).status_code == 409
    r = await _village(client, admin, town["id"], code="429005002001")  # not under its town
    assert r.status_code == 400 and _field(r) == "code"
    r = await _village(client, admin, town["id"], code="429005001")
    assert r.status_code == 400 and _field(r) == "code"
    assert (await _village(client, admin, town["id"], code="429005001007")).json()["code"] == "429005001007"
    r = await _village(client, admin, town["id"], name="重号村", code="429005001007")
    assert r.status_code == 409
    r = await _town(
        client, admin, name="错镇", county_id=(await fetch("SELECT id FROM region WHERE code = '42'"))[0]["id"]
    )
    assert r.status_code == 422 and _field(r) == "county_id"
    await _region(client, admin, "429006", "天门市")
    r = await _town(client, admin, name="两县之间")  # two counties: the town must name its own
    assert r.status_code == 400 and _field(r) == "county_id"
    assert (await _town(client, admin, name="两县之间", county_id=county["id"])).status_code == 201


async def test_before_any_county_towns_wait_unplaced(client, admin):
    r = await _town(client, admin)
    assert r.status_code == 201 and (r.json()["code"], r.json()["county_id"]) == (None, None)
    r = await _village(client, admin, r.json()["id"], code="429005001001")
    assert r.status_code == 422 and _field(r) == "code"


async def _unplaced_deployment(client, admin) -> dict[str, int]:
    """Towns and villages as an older deployment holds them: no county, a town code of its own or none."""
    ids = {}
    for name, code in (("园林街道", None), ("杨市街道", "429005007"), ("周矶", "420102001"), ("广华", None)):
        body = {"code": code} if code else {}
        r = await _town(client, admin, name=name, **body)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    for town, villages in (("园林街道", 2), ("杨市街道", 1), ("广华", 0), ("周矶", 1)):
        for n in range(villages):
            assert (await _village(client, admin, ids[town], name=f"{n + 1}村")).status_code == 201
    return ids


async def test_adopt_places_every_town_and_village_once(client, admin, auth):
    ids = await _unplaced_deployment(client, admin)
    cli = system_principal("tests")
    done = await adopt(cli, county="429005", name="潜江市", province="42", province_name="湖北省")
    assert done.created == ["42", "429005"] and (done.towns, done.villages) == (4, 4)
    assert done.replaced == {"420102001": "429005002"}  # a code under another county is replaced
    assert done.summary().startswith("adopted into county 429005 潜江市 in province 42 湖北省")
    reader = await auth("auditor")
    towns = {t["name"]: t for t in (await client.get("/api/v1/towns", headers=reader)).json()["items"]}
    assert {n: t["code"] for n, t in towns.items()} == {
        "园林街道": "429005001",
        "杨市街道": "429005007",  # its own code, under the county, kept
        "周矶": "429005002",
        "广华": "429005003",
    }
    assert {t["county_id"] for t in towns.values()} == {done.county.id}
    villages = (await client.get("/api/v1/villages", headers=reader)).json()["items"]
    assert sorted((v["town_id"], v["code"]) for v in villages) == [
        (ids["园林街道"], "429005001001"),
        (ids["园林街道"], "429005001002"),
        (ids["杨市街道"], "429005007001"),
        (ids["周矶"], "429005002001"),
    ]
    assert {v["county_id"] for v in villages} == {done.county.id}
    county = (await client.get("/api/v1/regions/429005", headers=reader)).json()
    assert county["parent_code"] == "42" and county["level"] == "county"
    adopted = await fetch("SELECT after FROM audit_entry WHERE action = 'adopt' AND entity = 'region'")
    assert len(adopted) == 1
    # idempotent: a second run places nothing, writes nothing, and says so
    entries = (await fetch("SELECT count(*) AS n FROM audit_entry"))[0]["n"]
    again = await adopt(cli, county="429005", name="潜江市", province="42", province_name="湖北省")
    assert (again.created, again.towns, again.villages, again.changed) == ([], 0, 0, False)
    assert again.summary().startswith("nothing to adopt")
    assert (await fetch("SELECT count(*) AS n FROM audit_entry"))[0]["n"] == entries
    # a town added afterwards goes to the only county by itself
    assert (await _town(client, admin, name="新镇")).json()["code"] == "429005004"  # the first free number


async def test_adopt_refuses_a_bad_code_or_another_name_and_writes_nothing(client, admin):
    await _unplaced_deployment(client, admin)
    cli = system_principal("tests")
    for args, field in (
        ({"county": "4290", "province": "42"}, "county"),
        ({"county": "429005", "province": "4"}, "province"),
        ({"county": "439005", "province": "42"}, "county"),
    ):
        try:
            await adopt(cli, name="潜江市", province_name="湖北省", **args)
        except Exception as exc:
            assert getattr(exc, "field", None) == field, (args, exc)
        else:
            raise AssertionError(args)
    await adopt(cli, county="429005", name="潜江市", province="42", province_name="湖北省")
    try:
        await adopt(cli, county="429005", name="潜江", province="42", province_name="湖北省")
    except Exception as exc:
        assert getattr(exc, "field", None) == "name"
    else:
        raise AssertionError("another name for the county")


async def test_the_adopt_command(client, admin, database_url):
    await _unplaced_deployment(client, admin)
    argv = ["regions", "adopt", "--county", "429005", "--name", "潜江市", "--province", "42"]
    outs = []
    for _ in range(2):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            *argv,
            "--province-name",
            "湖北省",
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()
        outs.append(out.decode())
    assert "4 towns and 4 villages placed" in outs[0]
    assert "nothing to adopt" in outs[1]
    assert (await fetch("SELECT count(*) AS n FROM town WHERE county_id IS NULL"))[0]["n"] == 0
