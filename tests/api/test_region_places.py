"""Towns and villages in the region tree: their national codes and county in the answers, how a new one
is placed, and `chainaid regions adopt` putting the towns and villages there before under a county."""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal

import pytest

from app.core.counties import COUNTY_OWNED, COUNTY_SUMMARIES
from app.core.principal import system_principal
from app.core.uow import reading as connection
from app.registry.adoption import adopt
from tests.api.conftest import reset_database
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


async def test_with_one_county_a_new_town_and_village_are_placed_and_numbered(client, admin, auth, empty_directory):
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


async def test_codes_of_towns_and_villages_are_checked(client, admin, empty_directory):
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


async def test_with_no_county_a_town_is_refused_naming_the_field(client, admin, empty_directory):
    r = await _town(client, admin)
    assert r.status_code == 422 and _field(r) == "county_id", r.text
    assert "regions adopt" in r.json()["detail"]
    assert (await fetch("SELECT count(*) AS n FROM town"))[0]["n"] == 0


_LEGACY_TABLES = (*COUNTY_OWNED, *COUNTY_SUMMARIES)


@pytest.fixture
async def older_deployment(clean_database):
    """The schema as the county-column migration leaves an older deployment's database whose towns no county
    held: ``county_code`` nullable with a NOT VALID check. Put back afterwards, the tables emptied first."""
    async with connection() as conn:
        await conn.execute("DELETE FROM region")
        for table in _LEGACY_TABLES:
            await conn.execute(f"ALTER TABLE {table} ALTER COLUMN county_code DROP NOT NULL")
    yield
    await reset_database()
    async with connection() as conn:
        for table in _LEGACY_TABLES:
            await conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_county_code_known")
            await conn.execute(f"ALTER TABLE {table} ALTER COLUMN county_code SET NOT NULL")


async def _unplaced_deployment(client, admin) -> dict[str, int]:
    """Towns and villages as an older deployment holds them: no county, a town code of its own or none; a
    household with a member, an enterprise, a base, a link and a payout under the first village. Written
    as that deployment wrote them (no county), then the migration's NOT VALID checks put in."""
    ids = {}
    async with connection() as conn:
        for name, code in (("园林街道", None), ("杨市街道", "429005007"), ("周矶", "420102001"), ("广华", None)):
            ids[name] = await conn.fetchval(
                "INSERT INTO town (name, code, created_at) VALUES ($1, $2, now()) RETURNING id", name, code
            )
        village = None
        for town, villages in (("园林街道", 2), ("杨市街道", 1), ("广华", 0), ("周矶", 1)):
            for n in range(villages):
                made = await conn.fetchval(
                    "INSERT INTO village (town, name, created_at) VALUES ($1, $2, now()) RETURNING id",
                    ids[town],
                    f"{n + 1}村",
                )
                village = village or made
        household = await conn.fetchval(
            "INSERT INTO household (registry_no, village, attribute, causes, status, created_at)"
            " VALUES ('4290050010010001', $1, 'ordinary', '{illness}', 'registered', now()) RETURNING id",
            village,
        )
        await conn.execute("INSERT INTO member (household, name) VALUES ($1, '张三')", household)
        enterprise = await conn.fetchval(
            "INSERT INTO enterprise (name, kind, town, created_at) VALUES ('虾稻合作社', 'cooperative', $1, now()) RETURNING id",
            ids["园林街道"],
        )
        industry = await conn.fetchval("SELECT min(id) FROM industry")
        base = await conn.fetchval(
            "INSERT INTO base (enterprise, industry, village, name, area, created_at)"
            " VALUES ($1, $2, $3, '基地', 100, now()) RETURNING id",
            enterprise,
            industry,
            village,
        )
        link = await conn.fetchval(
            "INSERT INTO link (enterprise, base, household, kind, wage_basis, wage_rate, start_date, created_at)"
            " VALUES ($1, $2, $3, 'wage', 'day', 80, '2016-01-01', now()) RETURNING id",
            enterprise,
            base,
            household,
        )
        await conn.execute(
            "INSERT INTO payout (enterprise, link, household, income_type, amount, period_from, period_to, paid_on,"
            " method, reference, body_hash, created_at)"
            " VALUES ($1, $2, $3, 'wage', 1200.50, '2016-05-01', '2016-05-31', '2016-06-01', 'bank', 'w-1', 'x', now())",
            enterprise,
            link,
            household,
        )
        for table in _LEGACY_TABLES:
            await conn.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_county_code_known CHECK (county_code IS NOT NULL) NOT VALID"
            )
    return ids


async def test_adopt_places_every_town_and_village_once(client, admin, auth, older_deployment):
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
    # every row under them now carries the county, the payout ledger and its daily totals included, and the
    # county columns are NOT NULL again
    for table in _LEGACY_TABLES:
        rows = await fetch(f"SELECT DISTINCT county_code FROM {table}")
        assert [r["county_code"] for r in rows] in ([], ["429005"]), table
    assert (await fetch("SELECT county_code, amount FROM payout_day"))[0]["amount"] == Decimal("1200.50")
    nullable = await fetch(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'county_code' AND is_nullable = 'YES'"
    )
    assert nullable == []
    assert done.summary().endswith("placed; 1 old town codes replaced")
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


async def test_adopt_refuses_a_bad_code_or_another_name_and_writes_nothing(client, admin, older_deployment):
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


async def test_the_adopt_command(client, admin, database_url, older_deployment):
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
