"""Bases and benefit links: every kind, every refusal, operator scope and masking."""

from __future__ import annotations

import pytest

from tests.chain_helpers import (
    COOPERATION,
    FRANCHISE,
    SHARE,
    WAGE,
    link,
    make_base,
    make_enterprise,
)
from tests.registry_helpers import (
    exit_household,
    make_household,
    make_town,
    make_village,
    register,
    step,
)
from tests.world import build_world


@pytest.fixture
async def chain(client, admin, auth):
    world = await build_world(client, admin, auth, industries=("crayfish_rice", "vegetables"))
    return {**world, "household": world["h"]}


@pytest.mark.parametrize("terms", [SHARE, WAGE, COOPERATION, FRANCHISE], ids=lambda t: t["kind"])
async def test_every_kind_of_link_keeps_its_terms(client, chain, terms):
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], chain["household"]["id"], terms)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == terms["kind"] and body["industry"] == "crayfish_rice"
    expected = {k: v for k, v in terms.items()}
    for key, value in expected.items():
        got = body["terms"][key]
        assert got == value or (
            key in {"dividend_rate", "franchise_split", "contracted_quantity", "franchise_fee"}
            and float(got) == float(value)
        ), (key, got, value)
    again = await client.get(f"/api/v1/links/{body['id']}", headers=chain["operator"])
    assert again.json() == body


async def test_terms_are_validated_by_kind(client, chain):
    for terms, field in (
        ({**SHARE, "dividend_rate": "8"}, "dividend_rate"),
        ({**SHARE, "share_capital": "-5"}, "share_capital"),
        ({**WAGE, "wage_basis": "hour"}, "wage_basis"),
        ({**COOPERATION, "contract_price": "1.234"}, "contract_price"),
        ({"kind": "loan", "amount": "5"}, "terms"),
        ({**WAGE, "share_capital": "5"}, "share_capital"),
    ):
        r = await link(client, chain["operator"], chain["enterprise"], chain["base"], chain["household"]["id"], terms)
        assert r.status_code == 400, (terms, r.text)
        assert field in r.json()["errors"][0]["field"] or field in r.json()["errors"][0]["message"], r.json()


async def test_unregistered_and_removed_households_cannot_be_linked(client, chain):
    applied = await make_household(client, chain["officer"], chain["village"], 2)
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], applied["id"], SHARE)
    assert r.status_code == 422 and r.json()["field"] == "household_id"
    assert "not registered" in r.json()["detail"]
    await step(client, chain["officer"], applied["id"], "removed", reason="wrongly_included")
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], applied["id"], SHARE)
    assert r.status_code == 422 and "removed" in r.json()["detail"]
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], 4040, SHARE)
    assert r.status_code == 422


async def test_exited_households_only_within_policy_continuation(client, chain):
    hid = chain["household"]["id"]
    await exit_household(client, chain["officer"], hid, 2017)
    ok = await link(client, chain["operator"], chain["enterprise"], chain["base"], hid, WAGE, start="2019-03-01")
    assert ok.status_code == 201, ok.text
    late = await link(client, chain["operator"], chain["enterprise"], chain["base"], hid, SHARE, start="2023-01-01")
    assert late.status_code == 422 and "continuation" in late.json()["detail"]


async def test_base_of_another_enterprise_and_foreign_industry_are_refused(client, admin, chain):
    other = await make_enterprise(client, admin, chain["town"], 2, industries=("soybean",))
    other_base = await make_base(client, admin, other, chain["village"], "大豆基地", industry="soybean")
    r = await link(client, chain["operator"], chain["enterprise"], other_base, chain["household"]["id"], SHARE)
    assert r.status_code == 422 and "another enterprise" in r.json()["detail"]
    r = await client.post(
        "/api/v1/bases",
        json={
            "enterprise_id": chain["enterprise"],
            "industry": "soybean",
            "village_id": chain["village"],
            "name": "x",
            "area": "10",
        },
        headers=chain["operator"],
    )
    assert r.status_code == 422 and r.json()["field"] == "industry"


async def test_one_active_link_per_base_household_and_kind(client, chain):
    args = (client, chain["operator"], chain["enterprise"], chain["base"], chain["household"]["id"])
    first = await link(*args, SHARE, start="2017-01-01", end="2018-12-31")
    assert first.status_code == 201
    overlap = await link(*args, SHARE, start="2018-06-01")
    assert overlap.status_code == 409 and overlap.json()["existing_link_id"] == first.json()["id"]
    assert (await link(*args, WAGE, start="2018-06-01")).status_code == 201  # another kind is fine
    assert (await link(*args, SHARE, start="2019-01-01")).status_code == 201  # after the first one ended


async def test_ending_a_link_only_brings_the_end_forward(client, chain):
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], chain["household"]["id"], SHARE)
    lid = r.json()["id"]
    ended = await client.post(f"/api/v1/links/{lid}/end", json={"end_date": "2018-12-31"}, headers=chain["operator"])
    assert ended.status_code == 200 and ended.json()["end_date"] == "2018-12-31"
    later = await client.post(f"/api/v1/links/{lid}/end", json={"end_date": "2019-12-31"}, headers=chain["operator"])
    assert later.status_code == 409
    before_start = await client.post(
        f"/api/v1/links/{lid}/end", json={"end_date": "2016-12-31"}, headers=chain["operator"]
    )
    assert before_start.status_code == 422
    active = (await client.get("/api/v1/links?active_on=2019-06-01", headers=chain["operator"])).json()
    assert active["total"] == 0


async def test_operators_act_only_for_their_enterprise(client, admin, auth, chain):
    other = await make_enterprise(client, admin, chain["town"], 3)
    other_operator = await auth("operator", enterprise_id=other)
    r = await link(client, other_operator, chain["enterprise"], chain["base"], chain["household"]["id"], SHARE)
    assert r.status_code == 403
    mine = await link(client, chain["operator"], chain["enterprise"], chain["base"], chain["household"]["id"], SHARE)
    assert (await client.get(f"/api/v1/links/{mine.json()['id']}", headers=other_operator)).status_code == 403
    assert (await client.get("/api/v1/links", headers=other_operator)).json()["total"] == 0
    assert (await client.get(f"/api/v1/bases/{chain['base']}", headers=other_operator)).status_code == 403
    r = await client.post(
        "/api/v1/bases",
        json={
            "enterprise_id": chain["enterprise"],
            "industry": "crayfish_rice",
            "village_id": chain["village"],
            "name": "y",
            "area": "1",
        },
        headers=other_operator,
    )
    assert r.status_code == 403


async def test_an_operator_reads_linked_households_masked_and_no_others(client, chain):
    hid = chain["household"]["id"]
    before = await client.get(f"/api/v1/households/{hid}", headers=chain["operator"])
    assert before.status_code == 403  # not linked yet
    await link(client, chain["operator"], chain["enterprise"], chain["base"], hid, SHARE)
    r = await client.get(f"/api/v1/households/{hid}", headers=chain["operator"])
    assert r.status_code == 200
    detail = r.json()
    full = chain["household"]["members"][0]["id_number"]
    masked = detail["members"][0]["id_number"]
    assert masked == full[:4] + "*" * 10 + full[-4:]
    assert all("*" in m["id_number"] for m in detail["members"])
    assert detail["bank_card"] == "*" * 15 + "0123"
    # the operator's view leaves out what it does not need: birth dates, health, notes, objections, evidence
    assert all(m["birth_date"] is None and m["health"] is None for m in detail["members"])
    assert all(e["note"] is None and e["data"] is None for e in detail["events"])
    assert detail["objections"] == [] and detail["flags"] == [] and detail["phone"] is None
    listed = (await client.get("/api/v1/households", headers=chain["operator"])).json()
    assert [h["id"] for h in listed["items"]] == [hid]
    # operators read, never write, the registry
    assert (await step(client, chain["operator"], hid, "exited", exit_year=2018)).status_code == 403


async def test_a_base_links_only_households_of_its_own_town(client, admin, auth, chain):
    far_town = await make_town(client, admin, "远处镇")
    far_village = await make_village(client, admin, far_town, "远村")
    far_officer = await auth("town_officer", town_id=far_town)
    far = await make_household(client, far_officer, far_village, 7)
    await register(client, far_officer, far["id"])
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], far["id"], SHARE)
    assert r.status_code == 422 and r.json()["field"] == "household_id"
    assert (await client.get(f"/api/v1/households/{far['id']}", headers=chain["operator"])).status_code == 403


async def test_a_household_removed_event_ends_its_running_links_on_the_day(client, admin, chain):
    """links/subscribers.py hears the registry's HouseholdRemoved in the remover's unit of work."""
    from datetime import date

    from app.core.events import EventBus
    from app.core.principal import system_principal
    from app.core.uow import unit_of_work
    from app.domains import wire_events
    from app.registry.events import HouseholdRemoved

    op, hid = chain["operator"], chain["household"]["id"]
    running = (await link(client, op, chain["enterprise"], chain["base"], hid, WAGE)).json()["id"]
    ended_before = (
        await link(client, op, chain["enterprise"], chain["base"], hid, SHARE, start="2016-01-01", end="2016-06-30")
    ).json()["id"]
    bus = wire_events(EventBus())
    async with unit_of_work(bus) as uow:
        await uow.emit(HouseholdRemoved(actor=system_principal("test"), household_id=hid, on=date(2017, 9, 1)))
    running_now = (await client.get(f"/api/v1/links/{running}", headers=admin)).json()
    assert running_now["end_date"] == "2017-09-01"
    assert (await client.get(f"/api/v1/links/{ended_before}", headers=admin)).json()["end_date"] == "2016-06-30"
    trail = (await client.get("/api/v1/audit?entity=household_links", headers=admin)).json()
    assert [(e["action"], e["after"]["link_ids"]) for e in trail["items"]] == [("end_on_removal", [running])]
