"""比对: department records flag exactly the households holding a matching member."""

from __future__ import annotations

import pytest

from tests.db import fetch
from tests.factories import resident_id
from tests.registry_helpers import make_town
from tests.world import build_world


@pytest.fixture
async def setting(client, admin, auth):
    return await build_world(client, admin, auth, households=3, enterprise=False)


def _member(h, i=0):
    return h["members"][i]["id_number"]


async def test_import_flags_exactly_the_matching_households_and_reimport_adds_nothing(client, admin, setting):
    h1, h2, h3 = setting["households"]
    outsider = resident_id(400)  # in no household
    records = [
        # h1's spouse owns a car worth 80,000: ineligible
        {
            "department": "public_security",
            "item": "vehicle",
            "id_number": _member(h1, 1),
            "value": "80000",
            "as_of": "2017-06-30",
        },
        # h2's head owns a cheap tricycle: below the 30,000 threshold, no flag
        {
            "department": "public_security",
            "item": "vehicle",
            "id_number": _member(h2),
            "value": "4500",
            "as_of": "2017-06-30",
        },
        # h3's child is registered as running a business
        {
            "department": "market_regulation",
            "item": "business_registration",
            "id_number": _member(h3, 2),
            "value": "潜江市某某商贸有限公司",
            "as_of": "2017-05-01",
        },
        # a record for someone in no household
        {"department": "housing", "item": "shop", "id_number": outsider, "as_of": "2017-01-01"},
        # an item no rule looks at
        {"department": "civil_affairs", "item": "marriage", "id_number": _member(h2), "as_of": "2017-01-01"},
    ]
    r = await client.post("/api/v1/cross-check/records", json=records, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "records_received": 5,
        "records_new": 5,
        "flags_created": 2,
        "households_flagged": sorted([h1["id"], h3["id"]]),
    }
    flagged = (await client.get("/api/v1/households?flagged=true", headers=setting["officer"])).json()
    assert sorted(x["id"] for x in flagged["items"]) == sorted([h1["id"], h3["id"]])
    detail = (await client.get(f"/api/v1/households/{h1['id']}", headers=setting["officer"])).json()
    assert len(detail["flags"]) == 1
    flag = detail["flags"][0]
    assert flag["status"] == "open" and flag["member_name"] == "李1"
    assert flag["evidence"]["value"] == "80000" and flag["evidence"]["department"] == "public_security"
    assert "cross_check_flagged" in [e["kind"] for e in detail["events"]]

    again = await client.post("/api/v1/cross-check/records", json=records, headers=admin)
    assert again.json() == {"records_received": 5, "records_new": 0, "flags_created": 0, "households_flagged": []}
    assert (await fetch("SELECT count(*) AS n FROM cross_check_flag"))[0]["n"] == 2


async def test_confirming_a_flag_removes_the_household_with_its_reason(client, admin, setting):
    h1 = setting["households"][0]
    await client.post(
        "/api/v1/cross-check/records",
        json=[
            {
                "department": "finance",
                "item": "public_servant",
                "id_number": _member(h1),
                "as_of": "2017-03-01",
                "value": "市直单位在编",
            },
        ],
        headers=admin,
    )
    flag = (await client.get("/api/v1/cross-check/flags?status=open", headers=setting["officer"])).json()["items"][0]
    r = await client.post(
        f"/api/v1/cross-check/flags/{flag['id']}/confirm", json={"note": "核实属实"}, headers=setting["officer"]
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    detail = (await client.get(f"/api/v1/households/{h1['id']}", headers=setting["officer"])).json()
    assert detail["status"] == "removed" and detail["removed_reason"] == "cross_check_hit"
    last = detail["events"][-1]
    assert last["to_status"] == "removed" and last["data"] == {"reason": "cross_check_hit"}
    trail = await fetch(
        "SELECT entity, action, after FROM audit_entry WHERE entity IN ('household', 'cross_check_flag')"
        " ORDER BY id DESC LIMIT 2"
    )
    assert [(t["entity"], t["action"]) for t in trail] == [
        ("cross_check_flag", "confirm"),
        ("household", "transition:removed"),
    ]
    assert '"removed_reason": "cross_check_hit"' in trail[1]["after"]
    twice = await client.post(f"/api/v1/cross-check/flags/{flag['id']}/confirm", json={}, headers=setting["officer"])
    assert twice.status_code == 409


async def test_dismissing_needs_a_note_and_keeps_the_household(client, admin, setting):
    h2 = setting["households"][1]
    await client.post(
        "/api/v1/cross-check/records",
        json=[
            {"department": "housing", "item": "commercial_housing", "id_number": _member(h2), "as_of": "2017-03-01"},
        ],
        headers=admin,
    )
    flag = (await client.get("/api/v1/cross-check/flags", headers=admin)).json()["items"][0]
    r = await client.post(f"/api/v1/cross-check/flags/{flag['id']}/dismiss", json={}, headers=setting["officer"])
    assert r.status_code == 409 and r.json()["field"] == "note"
    r = await client.post(
        f"/api/v1/cross-check/flags/{flag['id']}/dismiss",
        json={"note": "拆迁安置房, 非商品房"},
        headers=setting["officer"],
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    detail = (await client.get(f"/api/v1/households/{h2['id']}", headers=admin)).json()
    assert detail["status"] == "registered" and detail["open_flags"] == 0


async def test_csv_import_with_bom_and_chinese_values(client, admin, setting):
    h1 = setting["households"][0]
    csv_text = (
        "department,item,id_number,value,as_of\r\n"
        f"market_regulation,business_registration,{_member(h1)},潜江市龙虾餐饮店,2017-04-01\r\n"
    )
    files = {"file": ("比对数据.csv", "\ufeff".encode() + csv_text.encode(), "text/csv")}
    r = await client.post("/api/v1/cross-check/records/import", files=files, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["flags_created"] == 1
    stored = await fetch("SELECT value FROM department_record")
    assert stored[0]["value"] == "潜江市龙虾餐饮店"


async def test_csv_with_a_bad_row_names_the_line_and_imports_nothing(client, admin, setting):
    h1 = setting["households"][0]
    csv_text = (
        "department,item,id_number,value,as_of\n"
        f"public_security,vehicle,{_member(h1)},90000,2017-06-30\n"
        "public_security,vehicle,123456789012345678,90000,2017-06-30\n"
        f"public_security,vehicle,{_member(h1, 1)},90000,not-a-date\n"
    )
    r = await client.post(
        "/api/v1/cross-check/records/import", files={"file": ("x.csv", csv_text.encode(), "text/csv")}, headers=admin
    )
    assert r.status_code == 400, r.text
    errors = r.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "id_number"), (4, "as_of")]
    assert (await fetch("SELECT count(*) AS n FROM department_record"))[0]["n"] == 0
    missing = await client.post(
        "/api/v1/cross-check/records/import", files={"file": ("x.csv", b"department,item\n", "text/csv")}, headers=admin
    )
    assert missing.status_code == 400 and "id_number" in missing.json()["errors"][0]["message"]


async def test_rules_are_configurable(client, admin, setting):
    rules = (await client.get("/api/v1/cross-check/rules", headers=admin)).json()["items"]
    vehicle = next(r for r in rules if r["item"] == "vehicle")
    assert vehicle["min_value"] == "30000.00"
    r = await client.put(
        "/api/v1/cross-check/rules",
        json={
            "department": "public_security",
            "item": "vehicle",
            "description": "vehicle over 50,000",
            "min_value": "50000",
        },
        headers=admin,
    )
    assert r.status_code == 200 and r.json()["min_value"] == "50000.00"
    h1 = setting["households"][0]
    result = (
        await client.post(
            "/api/v1/cross-check/records",
            json=[
                {
                    "department": "public_security",
                    "item": "vehicle",
                    "id_number": _member(h1),
                    "value": "40000",
                    "as_of": "2018-01-01",
                },
            ],
            headers=admin,
        )
    ).json()
    assert result["flags_created"] == 0
    assert (
        await client.put(
            "/api/v1/cross-check/rules",
            json={"department": "x", "item": "y", "description": "z"},
            headers=setting["officer"],
        )
    ).status_code == 403


async def test_town_officers_see_only_their_towns_flags(client, admin, auth, setting):
    h1 = setting["households"][0]
    await client.post(
        "/api/v1/cross-check/records",
        json=[
            {"department": "housing", "item": "shop", "id_number": _member(h1), "as_of": "2017-03-01"},
        ],
        headers=admin,
    )
    other = await auth("town_officer", town_id=await make_town(client, admin, "高石碑镇"))
    assert (await client.get("/api/v1/cross-check/flags", headers=other)).json()["total"] == 0
    flag_id = (await client.get("/api/v1/cross-check/flags", headers=admin)).json()["items"][0]["id"]
    assert (
        await client.post(f"/api/v1/cross-check/flags/{flag_id}/confirm", json={}, headers=other)
    ).status_code == 403
    assert (await client.post("/api/v1/cross-check/records", json=[], headers=setting["officer"])).status_code == 403


async def test_records_imported_earlier_flag_a_household_registered_later_and_a_new_rule(client, admin, auth, setting):
    from tests.registry_helpers import household_body

    newcomer_id = resident_id(450)
    await client.post(
        "/api/v1/cross-check/records",
        json=[
            {
                "department": "public_security",
                "item": "vehicle",
                "id_number": newcomer_id,
                "value": "95000",
                "as_of": "2017-06-30",
            },
            {
                "department": "tax",
                "item": "large_income",
                "id_number": _member(setting["households"][1]),
                "value": "200000",
                "as_of": "2017-06-30",
            },
        ],
        headers=admin,
    )
    # a household filed after the import is matched at once
    village = (await client.get("/api/v1/villages", headers=admin)).json()["items"][0]["id"]
    body = household_body(village, 40)
    body["members"][0]["id_number"] = newcomer_id
    created = (await client.post("/api/v1/households", json=body, headers=setting["officer"])).json()
    assert len(created["flags"]) == 1 and created["flags"][0]["evidence"]["value"] == "95000"
    # a rule added after the import looks at the records already there
    await client.put(
        "/api/v1/cross-check/rules",
        json={
            "department": "tax",
            "item": "large_income",
            "description": "taxable income over 100,000",
            "min_value": "100000",
        },
        headers=admin,
    )
    flagged = (await client.get("/api/v1/households?flagged=true", headers=admin)).json()
    assert setting["households"][1]["id"] in [h["id"] for h in flagged["items"]]
