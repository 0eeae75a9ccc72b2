"""The exit test, village exit by incidence, and the monitoring triggers."""

from __future__ import annotations

from datetime import date

import pytest

from tests.chain_helpers import WAGE
from tests.registry_helpers import (
    ALL_MET,
    exit_household,
    make_household,
    make_town,
    make_village,
    register,
    step,
)
from tests.world import add_link, build_world


@pytest.fixture
async def place(client, admin, auth):
    world = await build_world(client, admin, auth)
    return {**world, "wage": await add_link(client, world, WAGE)}


async def pay(client, place, amount, reference, paid_on="2017-12-01"):
    r = await client.post(
        "/api/v1/payouts",
        json={
            "link_id": place["wage"],
            "income_type": "wage",
            "amount": amount,
            "period_from": "2017-01-01",
            "period_to": "2017-11-30",
            "paid_on": paid_on,
            "method": "bank",
            "reference": reference,
        },
        headers=place["operator"],
    )
    assert r.status_code == 201, r.text


def assessment(year=2017, other="0.00", **overrides):
    body = {"year": year, **ALL_MET, "verification": "spot_check", "other_net_income": other}
    body.update(overrides)
    return body


async def test_the_income_test_on_a_hand_computed_household(client, place):
    hid = place["h"]["id"]
    await pay(client, place, "6000.00", "W-1")
    # (6000.00 ledger + 2860.00 declared) / 3 = 2953.33 > 2952 (2017 line): passes
    r = await client.post(
        f"/api/v1/households/{hid}/assessments", json=assessment(other="2860.00"), headers=place["officer"]
    )
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["ledger_income"], a["other_net_income"], a["members"], a["per_capita"], a["poverty_line"]) == (
        "6000.00",
        "2860.00",
        3,
        "2953.33",
        "2952.00",
    )
    assert a["passed"] is True and a["reasons"] == [] and a["verification"] == "spot_check"
    # 2855.00 declared: 8855 / 3 = 2951.67, not above 2952
    r = await client.post(
        f"/api/v1/households/{hid}/assessments", json=assessment(other="2855.00"), headers=place["officer"]
    )
    assert r.json()["passed"] is False
    assert r.json()["reasons"] == ["per-capita income 2951.67 is not above the poverty line 2952.00"]


async def test_the_checklist_fails_on_any_unmet_guarantee(client, place):
    hid = place["h"]["id"]
    body = assessment(
        other="50000.00",
        safe_housing={"met": False, "note": "危房未改造"},
        compulsory_education={"met": False, "note": "子女辍学"},
    )
    r = await client.post(f"/api/v1/households/{hid}/assessments", json=body, headers=place["officer"])
    a = r.json()
    assert a["passed"] is False
    assert a["reasons"] == [
        "compulsory education guaranteed (义务教育有保障) is not met",
        "safe housing guaranteed (住房安全有保障) is not met",
    ]
    assert a["notes"]["safe_housing"] == "危房未改造" and a["checklist"]["food"] is True
    bad = await client.post(
        f"/api/v1/households/{hid}/assessments", json={**body, "verification": "rumour"}, headers=place["officer"]
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "verification"
    no_line = await client.post(
        f"/api/v1/households/{hid}/assessments", json=assessment(year=2001), headers=place["officer"]
    )
    assert no_line.status_code == 422 and no_line.json()["field"] == "year"


async def test_exit_is_refused_without_a_passing_assessment_of_that_year(client, place):
    hid = place["h"]["id"]
    r = await step(client, place["officer"], hid, "exited", exit_year=2017)
    assert r.status_code == 409 and "no exit assessment for 2017" in r.json()["detail"]
    await client.post(
        f"/api/v1/households/{hid}/assessments", json=assessment(food={"met": False}), headers=place["officer"]
    )
    r = await step(client, place["officer"], hid, "exited", exit_year=2017)
    assert r.status_code == 409 and r.json()["reasons"][0].startswith("enough to eat")
    await client.post(
        f"/api/v1/households/{hid}/assessments", json=assessment(year=2016, other="90000"), headers=place["officer"]
    )
    assert (await step(client, place["officer"], hid, "exited", exit_year=2017)).status_code == 409  # wrong year
    assert (await exit_household(client, place["officer"], hid, 2017)).status_code == 200


async def test_a_village_exits_only_below_the_incidence_threshold(client, admin, auth, place):
    town, officer = place["town"], place["officer"]
    village = await make_village(client, admin, town, "王场村")
    await client.patch(f"/api/v1/villages/{village}", json={"rural_population": 200}, headers=admin)
    h = await make_household(client, officer, village, 7)
    await register(client, officer, h["id"])  # 3 poor people of 200: 1.50 %
    extra = await make_household(client, officer, village, 8)
    await register(client, officer, extra["id"])  # 6 of 200: 3.00 %
    r = await client.post(f"/api/v1/villages/{village}/exit", json={"year": 2018}, headers=admin)
    assert r.status_code == 409 and "3.00%" in r.json()["detail"] and r.json()["poor_people"] == 6
    await exit_household(client, officer, extra["id"], 2018)  # exited people no longer count
    r = await client.post(f"/api/v1/villages/{village}/exit", json={"year": 2018}, headers=admin)
    assert r.status_code == 200 and r.json()["exited_year"] == 2018
    unknown = await client.post(
        "/api/v1/villages",
        json={"town_id": town, "name": "无人口村", "is_poor_village": True, "registered_year": 2014},
        headers=admin,
    )
    r = await client.post(f"/api/v1/villages/{unknown.json()['id']}/exit", json={"year": 2018}, headers=admin)
    assert r.status_code == 409 and "rural population" in r.json()["detail"]


async def test_each_monitoring_trigger_and_revisits(client, admin, place):
    hid, officer = place["h"]["id"], place["officer"]
    await pay(client, place, "9000.00", "W-1")
    passed = await client.post(f"/api/v1/households/{hid}/assessments", json=assessment(), headers=officer)
    assert passed.json()["passed"]  # 9000 / 3 = 3000.00 > 2952
    assert (await step(client, officer, hid, "exited", exit_year=2017)).status_code == 200
    # 3000.00 per person is under 1.5 × 2952 = 4428: watched
    monitoring = (await client.get("/api/v1/monitoring?year=2017", headers=officer)).json()
    assert [(e["trigger"], e["trigger_ref"]) for e in monitoring["items"]] == [("low_income", "2017")]
    low = monitoring["items"][0]
    assert "3000.00" in low["detail"] and low["revisit_due"] == "2018-01-30" and low["overdue"] is True
    # a hardship and an ended link add entries
    r = await client.post(
        f"/api/v1/households/{hid}/hardships",
        json={"kind": "illness", "occurred_on": "2017-06-10", "note": "户主住院"},
        headers=officer,
    )
    assert r.status_code == 201
    await client.post(f"/api/v1/links/{place['wage']}/end", json={"end_date": "2017-11-30"}, headers=place["operator"])
    entries = (await client.get("/api/v1/monitoring?year=2017", headers=admin)).json()["items"]
    assert [e["trigger"] for e in entries] == ["hardship", "link_ended", "low_income"]
    assert entries[0]["revisit_due"] == "2017-07-10" and entries[1]["revisit_due"] == "2017-12-30"
    # a revisit closes its entry; "returned" puts the household back on the register
    r = await client.post(
        f"/api/v1/households/{hid}/revisits",
        json={
            "trigger": "hardship",
            "trigger_ref": entries[0]["trigger_ref"],
            "visited_on": "2017-07-01",
            "outcome": "support_added",
            "note": "落实大病救助",
        },
        headers=officer,
    )
    assert r.status_code == 201
    still_open = (await client.get("/api/v1/monitoring?year=2017", headers=officer)).json()["items"]
    assert [e["trigger"] for e in still_open] == ["link_ended", "low_income"]
    everything = (await client.get("/api/v1/monitoring?year=2017&open_only=false", headers=officer)).json()["items"]
    assert everything[0]["last_revisit"]["outcome"] == "support_added"
    await client.post(
        f"/api/v1/households/{hid}/revisits",
        json={
            "trigger": "low_income",
            "trigger_ref": "2017",
            "visited_on": date.today().isoformat(),
            "outcome": "returned",
            "note": "收入不稳",
        },
        headers=officer,
    )
    detail = (await client.get(f"/api/v1/households/{hid}", headers=officer)).json()
    assert detail["status"] == "returned"


async def test_the_monitoring_list_rounds_per_capita_income_as_the_exit_test_does(client, place):
    hid, officer = place["h"]["id"], place["officer"]
    # two members counted in 2017: the child left before the year began
    child = next(m for m in place["h"]["members"] if m["relation"] not in ("head", "spouse"))
    r = await client.post(
        f"/api/v1/members/{child['id']}/leave", json={"reason": "moved_away", "left_on": "2016-12-31"}, headers=officer
    )
    assert r.status_code == 200, r.text
    await pay(client, place, "8851.25", "W-1")
    a = (await client.post(f"/api/v1/households/{hid}/assessments", json=assessment(), headers=officer)).json()
    assert (a["members"], a["per_capita"], a["passed"]) == (2, "4425.63", True)  # 4425.625, half-up
    assert (await step(client, officer, hid, "exited", exit_year=2017)).status_code == 200
    # under 1.5 × 2952 = 4428: watched, with the assessment's figure
    items = (await client.get("/api/v1/monitoring?year=2017", headers=officer)).json()["items"]
    assert [e["trigger"] for e in items] == ["low_income"]
    assert "per-capita income 4425.63 " in items[0]["detail"]


async def test_monitoring_is_scoped_to_the_officers_town(client, admin, auth, place):
    await client.post(
        f"/api/v1/households/{place['h']['id']}/hardships",
        json={"kind": "disaster", "occurred_on": "2017-07-01"},
        headers=place["officer"],
    )
    stranger = await auth("town_officer", town_id=await make_town(client, admin, "老新镇"))
    assert (await client.get("/api/v1/monitoring?year=2017", headers=stranger)).json()["total"] == 0
    assert (
        await client.post(
            f"/api/v1/households/{place['h']['id']}/hardships",
            json={"kind": "disaster", "occurred_on": "2017-07-01"},
            headers=stranger,
        )
    ).status_code == 403
    assert (await client.get("/api/v1/monitoring?year=2017", headers=place["operator"])).status_code == 403
    assert (await client.get("/api/v1/monitoring?year=2017", headers=admin)).json()["total"] == 1
