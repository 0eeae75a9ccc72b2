"""Each county's own policy (continuation years, notice days, exit incidence, the least households an
operator must bring along; the settings where it set none) and each province's own poverty line (the national one where it set none), taken by the rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.chain_helpers import SHARE, WAGE, link
from tests.db import fetch
from tests.registry_helpers import (
    ALL_MET,
    backdate_notice,
    exit_household,
    make_household,
    pass_exit_test,
    step,
)
from tests.world import build_world


def _field(r) -> str | None:
    body = r.json()
    return body["errors"][0]["field"] if "errors" in body else body.get("field")


@pytest.fixture
async def county(client, admin) -> dict:
    """The home county every test database holds (tests/api/conftest.py)."""
    r = await client.get("/api/v1/regions/429005", headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


async def _set(client, admin, body: dict, code: str = "429005"):
    return await client.put(f"/api/v1/regions/{code}/policy", json=body, headers=admin)


async def test_a_county_reads_the_settings_until_it_sets_its_own(client, admin, auth, county):
    reader = await auth("auditor")
    r = await client.get("/api/v1/regions/429005/policy", headers=reader)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "county_code": "429005",
        "continuation_years": None,
        "notice_days": None,
        "exit_incidence": None,
        "min_linked_households": None,
        "asset_idle_months": None,
        "asset_distribution_days": None,
        "asset_arrears_grace_days": None,
        "effective": {
            "continuation_years": 5,
            "notice_days": 7,
            "exit_incidence": "0.02",
            "min_linked_households": 10,
            "asset_idle_months": 12,
            "asset_distribution_days": 30,
            "asset_arrears_grace_days": 30,
        },
    }
    r = await _set(
        client,
        admin,
        {"notice_days": 10, "exit_incidence": "0.03", "min_linked_households": 30, "asset_distribution_days": 15},
    )
    assert r.status_code == 200, r.text
    assert r.json()["effective"] == {
        "continuation_years": 5,
        "notice_days": 10,
        "exit_incidence": "0.03",
        "min_linked_households": 30,
        "asset_idle_months": 12,
        "asset_distribution_days": 15,
        "asset_arrears_grace_days": 30,
    }
    assert (await client.get("/api/v1/regions/429005/policy", headers=reader)).json() == r.json()
    # the body is the whole policy: what is left out goes back to the setting
    r = await _set(client, admin, {"continuation_years": 3})
    assert r.json()["effective"] == {
        "continuation_years": 3,
        "notice_days": 7,
        "exit_incidence": "0.02",
        "min_linked_households": 10,
        "asset_idle_months": 12,
        "asset_distribution_days": 30,
        "asset_arrears_grace_days": 30,
    }
    entries = await fetch("SELECT action FROM audit_entry WHERE action = 'set_policy'")
    assert len(entries) == 2


async def test_a_policy_is_bounded_and_a_county_s(client, admin, auth, county):
    for body, field in (
        ({"notice_days": 0}, "notice_days"),
        ({"notice_days": 91}, "notice_days"),
        ({"continuation_years": -1}, "continuation_years"),
        ({"continuation_years": 21}, "continuation_years"),
        ({"exit_incidence": "0"}, "exit_incidence"),
        ({"exit_incidence": "1.5"}, "exit_incidence"),
        ({"exit_incidence": "1"}, "exit_incidence"),
        ({"exit_incidence": "0.00001"}, "exit_incidence"),
        ({"min_linked_households": -1}, "min_linked_households"),
        ({"min_linked_households": 100_001}, "min_linked_households"),
        ({"asset_idle_months": 0}, "asset_idle_months"),
        ({"asset_idle_months": 121}, "asset_idle_months"),
        ({"asset_distribution_days": 0}, "asset_distribution_days"),
        ({"asset_distribution_days": 366}, "asset_distribution_days"),
        ({"asset_arrears_grace_days": -1}, "asset_arrears_grace_days"),
        ({"asset_arrears_grace_days": 366}, "asset_arrears_grace_days"),
    ):
        r = await _set(client, admin, body)
        assert r.status_code == 400 and _field(r) == field, (body, r.text)
    r = await _set(client, admin, {"notice_days": 10}, code="42")
    assert r.status_code == 400 and _field(r) == "region_code"
    assert (await _set(client, admin, {"notice_days": 10}, code="429006")).status_code == 404
    assert (
        await client.put("/api/v1/regions/429005/policy", json={}, headers=await auth("finance"))
    ).status_code == 403
    assert (await fetch("SELECT count(*) AS n FROM county_policy"))[0]["n"] == 0


async def test_the_county_s_notice_days_hold_its_households(client, admin, auth, county):
    w = await build_world(client, admin, auth, households=0, enterprise=False)
    assert (await _set(client, admin, {"notice_days": 10})).status_code == 200
    h = await make_household(client, w["officer"], w["village"], 1)
    for target in ("surveyed", "reviewed", "notice"):
        assert (await step(client, w["officer"], h["id"], target)).status_code == 200
    await backdate_notice(h["id"], 8)  # enough for the setting's 7 days, not for the county's 10
    detail = (await client.get(f"/api/v1/households/{h['id']}", headers=w["officer"])).json()
    started = datetime.fromisoformat(detail["notice_started_at"])
    assert datetime.fromisoformat(detail["notice_ends_at"]) - started == timedelta(days=10)
    r = await step(client, w["officer"], h["id"], "town_reviewed")
    assert r.status_code == 409, r.text
    await backdate_notice(h["id"], 11)
    assert (await step(client, w["officer"], h["id"], "town_reviewed")).status_code == 200


async def test_the_county_s_continuation_years_hold_its_links_and_payouts(client, admin, auth, county):
    w = await build_world(client, admin, auth, industries=("crayfish_rice", "vegetables"))
    hid = w["h"]["id"]
    await exit_household(client, w["officer"], hid, 2017)
    assert (await _set(client, admin, {"continuation_years": 1})).status_code == 200
    # continuation to the end of 2018 in this county (the setting's 5 years would reach 2022)
    late = await link(client, w["operator"], w["enterprise"], w["base"], hid, WAGE, start="2019-03-01")
    assert late.status_code == 422 and "continuation" in late.json()["detail"]
    ok = await link(client, w["operator"], w["enterprise"], w["base"], hid, SHARE, start="2018-03-01")
    assert ok.status_code == 201, ok.text
    payout = {
        "link_id": ok.json()["id"],
        "income_type": "dividend",
        "amount": "100.00",
        "period_from": "2019-01-01",
        "period_to": "2019-06-30",
        "paid_on": "2019-07-01",
        "method": "bank",
        "reference": "C-1",
    }
    r = await client.post("/api/v1/payouts", json=payout, headers=w["operator"])
    assert r.status_code in (400, 422) and "continuation" in r.text, r.text

    async def listed_in_2019() -> bool:
        r = await client.get("/api/v1/links?active_on=2019-02-01", headers=w["operator"])
        return ok.json()["id"] in [x["id"] for x in r.json()["items"]]

    assert not await listed_in_2019()
    assert (await _set(client, admin, {"continuation_years": 10})).status_code == 200
    assert await listed_in_2019()
    assert (await client.post("/api/v1/payouts", json=payout, headers=w["operator"])).status_code == 201
    r = await link(client, w["operator"], w["enterprise"], w["base"], hid, WAGE, start="2023-03-01")
    assert r.status_code == 201, r.text


async def test_the_county_s_exit_incidence_holds_its_villages(client, admin, auth, county):
    w = await build_world(client, admin, auth, enterprise=False)  # 3 poor people of 1,200
    assert (await _set(client, admin, {"exit_incidence": "0.001"})).status_code == 200
    r = await client.post(f"/api/v1/villages/{w['village']}/exit", json={"year": 2017}, headers=admin)
    assert r.status_code == 409 and "incidence" in r.text, r.text
    assert (await _set(client, admin, {})).status_code == 200  # back to the setting's 2 %
    r = await client.post(f"/api/v1/villages/{w['village']}/exit", json={"year": 2017}, headers=admin)
    assert r.status_code == 200, r.text


async def test_a_province_s_own_poverty_line_holds_its_counties(client, admin, auth, county):
    w = await build_world(client, admin, auth, households=2, enterprise=False)
    r = await client.put("/api/v1/poverty-lines/2017", json={"amount": "5000.00", "province_code": "42"}, headers=admin)
    assert r.status_code == 200 and r.json() == {"year": 2017, "amount": "5000.00", "province_code": "42"}
    lines = (await client.get("/api/v1/poverty-lines", headers=await auth("auditor"))).json()
    assert {"year": 2017, "amount": "2952.00", "province_code": None} in lines  # the national line stays
    assert {"year": 2017, "amount": "5000.00", "province_code": "42"} in lines
    await pass_exit_test(client, w["officer"], w["h"]["id"], 2017)
    assessed = (await client.get(f"/api/v1/households/{w['h']['id']}/assessments", headers=w["officer"])).json()
    assert assessed[0]["poverty_line"] == "5000.00"
    # 2018: Hubei set none, the national line holds
    await pass_exit_test(client, w["officer"], w["households"][1]["id"], 2018)
    assessed = (
        await client.get(f"/api/v1/households/{w['households'][1]['id']}/assessments", headers=w["officer"])
    ).json()
    assert assessed[0]["poverty_line"] == "2995.00"
    r = await client.put("/api/v1/poverty-lines/2017", json={"amount": "5000.00", "province_code": "43"}, headers=admin)
    assert r.status_code == 422 and _field(r) == "province_code"
    r = await client.put("/api/v1/poverty-lines/2017", json={"amount": "5000.00", "province_code": "4"}, headers=admin)
    assert r.status_code == 400 and _field(r) == "province_code"


async def test_the_income_report_and_the_watch_list_measure_against_the_province_s_line(client, admin, auth, county):
    w = await build_world(client, admin, auth, households=1, enterprise=False)
    h, officer = w["h"]["id"], w["officer"]
    await exit_household(client, officer, h, 2017)
    members = (await client.get(f"/api/v1/households/{h}/income?year=2017", headers=officer)).json()["members"]
    # a later assessment puts its income at 6,000.00 a head: above 1.5 x the national 2,952.00, below 1.5 x 5,000.00
    r = await client.post(
        f"/api/v1/households/{h}/assessments",
        json={
            "year": 2017,
            **ALL_MET,
            "verification": "full_survey",
            "other_net_income": f"{6000 * members}.00",
        },
        headers=officer,
    )
    assert r.status_code == 201, r.text

    async def watched() -> bool:
        listed = (await client.get("/api/v1/monitoring?year=2017", headers=officer)).json()["items"]
        return any(e["household_id"] == h and e["trigger"] == "low_income" for e in listed)

    assert not await watched()
    r = await client.put("/api/v1/poverty-lines/2017", json={"amount": "5000.00", "province_code": "42"}, headers=admin)
    assert r.status_code == 200, r.text
    income = (await client.get(f"/api/v1/households/{h}/income?year=2017", headers=officer)).json()
    assert income["poverty_line"] == "5000.00"
    assert await watched()
