"""Villages only ever leave the poor list."""

from __future__ import annotations

from tests.registry_helpers import make_town, make_village


async def test_a_village_is_listed_exits_and_cannot_return(client, admin):
    town = await make_town(client, admin)
    vid = await make_village(client, admin, town, poor=False)
    listed = await client.post(f"/api/v1/villages/{vid}/poor-listing", json={"registered_year": 2014}, headers=admin)
    assert listed.status_code == 200 and listed.json()["is_poor_village"] is True
    twice = await client.post(f"/api/v1/villages/{vid}/poor-listing", json={"registered_year": 2015}, headers=admin)
    assert twice.status_code == 409
    before_registration = await client.post(f"/api/v1/villages/{vid}/exit", json={"year": 2013}, headers=admin)
    assert before_registration.status_code == 409
    exited = await client.post(f"/api/v1/villages/{vid}/exit", json={"year": 2017}, headers=admin)
    assert exited.status_code == 200 and exited.json()["exited_year"] == 2017
    again = await client.post(f"/api/v1/villages/{vid}/poor-listing", json={"registered_year": 2019}, headers=admin)
    assert again.status_code == 409
    assert "cannot be listed again" in again.json()["detail"]
    assert (await client.post(f"/api/v1/villages/{vid}/exit", json={"year": 2018}, headers=admin)).status_code == 409
    still = (await client.get(f"/api/v1/villages/{vid}", headers=admin)).json()
    assert still["exited_year"] == 2017 and still["registered_year"] == 2014


async def test_only_poor_villages_exit_and_years_are_checked(client, admin):
    town = await make_town(client, admin)
    vid = await make_village(client, admin, town, poor=False)
    r = await client.post(f"/api/v1/villages/{vid}/exit", json={"year": 2017}, headers=admin)
    assert r.status_code == 409
    r = await client.post(f"/api/v1/villages/{vid}/poor-listing", json={"registered_year": 1900}, headers=admin)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "registered_year"
    r = await client.post(
        "/api/v1/villages", json={"town_id": town, "name": "新村", "is_poor_village": True}, headers=admin
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "registered_year"


async def test_lists_filter_the_poor_list(client, admin, auth):
    town = await make_town(client, admin)
    poor = await make_village(client, admin, town, "甲村")
    await make_village(client, admin, town, "乙村", poor=False)
    exited = await make_village(client, admin, town, "丙村")
    await client.post(f"/api/v1/villages/{exited}/exit", json={"year": 2018}, headers=admin)
    officer = await auth("town_officer", town_id=town)

    async def names(q):
        return [v["name"] for v in (await client.get(f"/api/v1/villages?{q}", headers=officer)).json()["items"]]

    assert await names("poor=true") == ["丙村", "甲村"]
    assert await names("poor=true&exited=false") == ["甲村"]
    assert await names(f"town_id={town}&poor=false") == ["乙村"]
    renamed = await client.patch(f"/api/v1/villages/{poor}", json={"rural_population": 1500}, headers=admin)
    assert renamed.status_code == 200 and renamed.json()["rural_population"] == 1500
    assert (await client.patch(f"/api/v1/villages/{poor}", json={"name": "x"}, headers=officer)).status_code == 403


async def test_duplicate_village_name_in_a_town_is_409(client, admin):
    town = await make_town(client, admin)
    await make_village(client, admin, town, "赵脑村")
    r = await client.post("/api/v1/villages", json={"town_id": town, "name": "赵脑村"}, headers=admin)
    assert r.status_code == 409 and r.json()["field"] == "name"
