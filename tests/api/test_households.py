"""Household registry: creation, identification flow, notice and objections, adjustment, access."""

from __future__ import annotations

import asyncio

import pytest

from app.registry.model import HouseholdStatus
from app.registry.rules import TRANSITIONS
from tests.db import fetch
from tests.factories import resident_id
from tests.registry_helpers import (
    backdate_notice,
    exit_household,
    household_body,
    make_household,
    make_town,
    make_village,
    pass_exit_test,
    register,
    step,
)


@pytest.fixture
async def place(client, admin):
    town = await make_town(client, admin)
    village = await make_village(client, admin, town)
    return town, village


@pytest.fixture
async def officer(auth, place):
    return await auth("town_officer", town_id=place[0])


async def _count(table: str) -> int:
    return (await fetch(f"SELECT count(*) AS n FROM {table}"))[0]["n"]


async def test_a_household_is_created_with_members_derived_from_their_id_numbers(client, officer, place):
    h = await make_household(client, officer, place[1])
    assert h["status"] == "applied" and h["people"] == 3 and h["head_name"] == "张1"
    head, spouse, child = h["members"]
    assert head["relation"] == "head" and head["sex"] == "male" and head["birth_date"] == "1965-03-04"
    assert spouse["sex"] == "female" and spouse["birth_date"] == "1968-05-12"
    assert child["in_school"] is True
    assert h["bank_card"] == "6230901234567890123"
    assert [e["kind"] for e in h["events"]] == ["created"]


async def test_an_invalid_id_number_is_400_naming_the_member_field_and_writes_nothing(client, officer, place):
    body = household_body(place[1], 1)
    good = body["members"][1]["id_number"]
    body["members"][1]["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    audit_before = await _count("audit_entry")
    r = await client.post("/api/v1/households", json=body, headers=officer)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == ["members[1].id_number"], r.json()
    assert "check character" in r.json()["errors"][0]["message"]
    assert await _count("household") == 0 and await _count("member") == 0
    assert await _count("audit_entry") == audit_before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"causes": []}, "causes"),
        ({"causes": ["laziness"]}, "causes"),
        ({"attribute": "rich"}, "attribute"),
        ({"bank_card": "12ab"}, "bank_card"),
        ({"registry_no": "  "}, "registry_no"),
    ],
)
async def test_bad_household_fields_are_named(client, officer, place, change, field):
    r = await client.post("/api/v1/households", json=household_body(place[1], 1, **change), headers=officer)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["field"].startswith(field), r.json()
    assert await _count("household") == 0


async def test_exactly_one_head(client, officer, place):
    body = household_body(place[1], 1)
    body["members"][1]["relation"] = "head"
    r = await client.post("/api/v1/households", json=body, headers=officer)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "members"
    body["members"][0]["relation"] = body["members"][1]["relation"] = "spouse"
    r = await client.post("/api/v1/households", json=body, headers=officer)
    assert r.status_code == 400 and "exactly one" in r.json()["errors"][0]["message"]


async def test_a_person_in_two_households_is_409_naming_the_first(client, officer, place):
    first = await make_household(client, officer, place[1], 1)
    body = household_body(place[1], 2)
    body["members"][2]["id_number"] = first["members"][0]["id_number"]
    r = await client.post("/api/v1/households", json=body, headers=officer)
    assert r.status_code == 409
    problem = r.json()
    assert problem["existing_household_id"] == first["id"]
    assert problem["existing_registry_no"] == first["registry_no"]
    assert problem["field"] == "members[2].id_number"
    assert await _count("household") == 1


async def test_a_removed_households_members_may_join_another(client, officer, place):
    first = await make_household(client, officer, place[1], 1)
    assert (await step(client, officer, first["id"], "removed", reason="moved_away")).status_code == 200
    body = household_body(place[1], 2)
    body["members"][0]["id_number"] = first["members"][0]["id_number"]
    r = await client.post("/api/v1/households", json=body, headers=officer)
    assert r.status_code == 201, r.text
    # and the removed household stays readable with its history
    old = (await client.get(f"/api/v1/households/{first['id']}", headers=officer)).json()
    assert old["status"] == "removed" and old["removed_reason"] == "moved_away"
    assert [e["to_status"] for e in old["events"]] == ["applied", "removed"]


async def test_the_whole_identification_flow(client, admin, officer, place):
    h = await make_household(client, officer, place[1])
    hid = h["id"]
    for target in ("surveyed", "reviewed", "notice"):
        r = await step(client, officer, hid, target, note=f"step {target}")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == target
    notice = (await client.get(f"/api/v1/households/{hid}", headers=officer)).json()
    assert notice["notice_started_at"] and notice["notice_ends_at"]
    # the notice has not run its 7 days
    early = await step(client, officer, hid, "town_reviewed")
    assert early.status_code == 409
    assert "7 days" in early.json()["detail"]
    await backdate_notice(hid, 8)
    assert (await step(client, officer, hid, "town_reviewed")).status_code == 200
    refused = await step(client, officer, hid, "registered")
    assert refused.status_code == 403 and "city" in refused.json()["detail"]
    done = await step(client, admin, hid, "registered", note="city approval")
    assert done.status_code == 200
    final = done.json()
    assert final["status"] == "registered" and final["registered_on"] and final["late_addition"] is False
    transitions = [(e["from_status"], e["to_status"], e["note"]) for e in final["events"] if e["kind"] == "transition"]
    assert transitions == [
        ("applied", "surveyed", "step surveyed"),
        ("surveyed", "reviewed", "step reviewed"),
        ("reviewed", "notice", "step notice"),
        ("notice", "town_reviewed", None),
        ("town_reviewed", "registered", "city approval"),
    ]
    assert all(e["actor_label"].startswith("account:") for e in final["events"])
    trail = await fetch(
        "SELECT action FROM audit_entry WHERE entity = 'household' AND entity_id = $1 ORDER BY id", str(hid)
    )
    assert [r["action"] for r in trail] == [
        "create",
        "transition:surveyed",
        "transition:reviewed",
        "transition:notice",
        "transition:town_reviewed",
        "transition:registered",
    ]


async def test_an_open_objection_blocks_the_step_after_notice_until_resolved(client, officer, place):
    h = await make_household(client, officer, place[1])
    hid = h["id"]
    # objections belong to the notice period
    early = await client.post(
        f"/api/v1/households/{hid}/objections", json={"raised_by": "村民 王某", "content": "家有轿车"}, headers=officer
    )
    assert early.status_code == 409
    for target in ("surveyed", "reviewed", "notice"):
        await step(client, officer, hid, target)
    r = await client.post(
        f"/api/v1/households/{hid}/objections", json={"raised_by": "村民 王某", "content": "家有轿车"}, headers=officer
    )
    assert r.status_code == 201
    objection = r.json()
    await backdate_notice(hid, 10)
    blocked = await step(client, officer, hid, "town_reviewed")
    assert blocked.status_code == 409 and "objection" in blocked.json()["detail"]
    no_note = await client.post(f"/api/v1/objections/{objection['id']}/resolve", json={"note": " "}, headers=officer)
    assert no_note.status_code == 400 and no_note.json()["errors"][0]["field"] == "note"
    resolved = await client.post(
        f"/api/v1/objections/{objection['id']}/resolve", json={"note": "核实: 车辆为亲属所有"}, headers=officer
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    again = await client.post(f"/api/v1/objections/{objection['id']}/resolve", json={"note": "x"}, headers=officer)
    assert again.status_code == 409
    assert (await step(client, officer, hid, "town_reviewed")).status_code == 200
    detail = (await client.get(f"/api/v1/households/{hid}", headers=officer)).json()
    kinds = [e["kind"] for e in detail["events"]]
    assert "objection_raised" in kinds and "objection_resolved" in kinds
    assert detail["objections"][0]["resolution_note"] == "核实: 车辆为亲属所有"


async def test_every_illegal_transition_is_409_listing_the_allowed_ones(client, admin, officer, place):
    """Walk one household through every status and try every step not allowed there."""
    h = await make_household(client, officer, place[1])
    officer = admin  # the city takes every step here, registration included
    hid = h["id"]
    path = ["applied", "surveyed", "reviewed", "notice", "town_reviewed", "registered", "exited", "returned"]
    extra = {"exited": {"exit_year": 2017}, "removed": {"reason": "other"}}
    for i, status in enumerate(path):
        allowed = {s.value for s in TRANSITIONS[HouseholdStatus(status)]}
        for target in HouseholdStatus:
            if target.value in allowed:
                continue
            r = await step(client, officer, hid, target.value, **extra.get(target.value, {}))
            assert r.status_code == 409, (status, target.value, r.text)
            assert set(r.json()["allowed"]) == allowed and r.json()["current_status"] == status
        if i + 1 < len(path):
            if status == "notice":
                await backdate_notice(hid, 8)
            nxt = path[i + 1]
            if nxt == "exited":
                await pass_exit_test(client, officer, hid, 2017)
            assert (await step(client, officer, hid, nxt, **extra.get(nxt, {}))).status_code == 200
    assert (await step(client, officer, hid, "removed", reason="deceased")).status_code == 200
    for target in HouseholdStatus:
        r = await step(client, officer, hid, target.value, **extra.get(target.value, {}))
        assert r.status_code == 409 and r.json()["allowed"] == []


async def test_exit_needs_a_year_and_removal_a_reason(client, officer, place):
    h = await make_household(client, officer, place[1])
    await register(client, officer, h["id"])
    r = await step(client, officer, h["id"], "exited")
    assert r.status_code == 409 and "exit_year" in r.json()["detail"]
    r = await step(client, officer, h["id"], "removed")
    assert r.status_code == 409 and "reason" in r.json()["detail"]
    r = await step(client, officer, h["id"], "removed", reason="bribery")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    exited = await exit_household(client, officer, h["id"], 2018)
    assert exited.status_code == 200 and exited.json()["exited_year"] == 2018
    back = await step(client, officer, h["id"], "returned", note="重病返贫")
    assert back.status_code == 200 and back.json()["status"] == "returned"


async def test_late_addition_is_flagged_with_its_date(client, officer, place):
    h = await make_household(client, officer, place[1], late_addition=True)
    await register(client, officer, h["id"])
    detail = (await client.get(f"/api/v1/households/{h['id']}", headers=officer)).json()
    assert detail["late_addition"] is True and detail["registered_on"]
    listed = (await client.get("/api/v1/households?late_addition=true", headers=officer)).json()
    assert [x["id"] for x in listed["items"]] == [h["id"]]


async def test_concurrent_steps_on_one_household_take_effect_once(client, officer, place):
    h = await make_household(client, officer, place[1])
    results = await asyncio.gather(*(step(client, officer, h["id"], "surveyed") for _ in range(8)))
    assert sorted(r.status_code for r in results) == [200] + [409] * 7
    events = await fetch(
        "SELECT count(*) AS n FROM household_event WHERE household = $1 AND kind = 'transition'", h["id"]
    )
    assert events[0]["n"] == 1


async def test_town_officer_of_another_town_gets_403(client, admin, auth, officer, place):
    h = await make_household(client, officer, place[1])
    other_town = await make_town(client, admin, "龙湾镇")
    stranger = await auth("town_officer", town_id=other_town)
    assert (await client.get(f"/api/v1/households/{h['id']}", headers=stranger)).status_code == 403
    assert (await step(client, stranger, h["id"], "surveyed")).status_code == 403
    r = await client.post("/api/v1/households", json=household_body(place[1], 5), headers=stranger)
    assert r.status_code == 403
    listed = (await client.get("/api/v1/households", headers=stranger)).json()
    assert listed["total"] == 0
    # and the refusals wrote nothing
    assert (await fetch("SELECT status FROM household WHERE id = $1", h["id"]))[0]["status"] == "applied"


async def test_finance_and_auditors_read_but_do_not_write(client, auth, officer, place):
    h = await make_household(client, officer, place[1])
    for role in ("finance", "auditor"):
        headers = await auth(role)
        detail = (await client.get(f"/api/v1/households/{h['id']}", headers=headers)).json()
        assert detail["members"][0]["id_number"] == h["members"][0]["id_number"]  # unmasked
        assert (await step(client, headers, h["id"], "surveyed")).status_code == 403
        assert (
            await client.post("/api/v1/households", json=household_body(place[1], 9), headers=headers)
        ).status_code == 403


async def test_lists_filter_and_count(client, admin, officer, place):
    town, village = place
    second_village = await make_village(client, admin, town, "王场村")
    a = await make_household(client, officer, village, 1)
    b = await make_household(client, officer, village, 2, attribute="dibao", causes=["disability"])
    c = await make_household(client, officer, second_village, 3, attribute="tekun", causes=["illness"])
    await register(client, officer, a["id"])

    async def ids(query: str) -> list[int]:
        r = await client.get(f"/api/v1/households?{query}", headers=officer)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    assert await ids(f"village_id={village}") == [a["id"], b["id"]]
    assert await ids("status=registered") == [a["id"]]
    assert await ids("attribute=tekun") == [c["id"]]
    assert await ids("cause=illness") == [a["id"], c["id"]]
    assert await ids(f"town_id={town}&cause=disability") == [b["id"]]
    assert await ids("flagged=true") == []
    assert await ids("limit=2&offset=2") == [c["id"]]
    bad = await client.get("/api/v1/households?status=rich", headers=officer)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "status"

    counts = (await client.get("/api/v1/households/counts", headers=officer)).json()
    assert counts == {
        "households": 3,
        "people": 9,
        "by_status": {"registered": 1, "applied": 2},
        "by_attribute": {"ordinary": 1, "dibao": 1, "tekun": 1},
    }
    registered = (await client.get("/api/v1/households/counts?status=registered", headers=officer)).json()
    assert registered["households"] == 1 and registered["people"] == 3


async def test_an_unknown_household_or_village_is_a_clear_error(client, officer, place):
    assert (await client.get("/api/v1/households/999", headers=officer)).status_code == 404
    r = await client.post("/api/v1/households", json=household_body(4242, 1), headers=officer)
    assert r.status_code == 422 and r.json()["field"] == "village_id"


async def test_distinct_test_ids_really_are_distinct():
    ids = {resident_id(i) for i in range(300)}
    assert len(ids) == 300


async def test_members_join_later_under_the_same_id_rule(client, officer, place, auth, admin):
    h = await make_household(client, officer, place[1], 1)
    baby = {
        "name": "张小小",
        "id_number": resident_id(420, birth="20170305", male=False),
        "relation": "child",
        "labour_ability": "none",
    }
    r = await client.post(f"/api/v1/households/{h['id']}/members", json=baby, headers=officer)
    assert r.status_code == 201, r.text
    detail = r.json()
    assert detail["people"] == 4 and detail["members"][-1]["birth_date"] == "2017-03-05"
    assert detail["members"][-1]["sex"] == "female" and detail["events"][-1]["kind"] == "member_added"
    other = await make_household(client, officer, place[1], 2)
    again = await client.post(f"/api/v1/households/{other['id']}/members", json=baby, headers=officer)
    assert again.status_code == 409 and again.json()["existing_household_id"] == h["id"]
    head = await client.post(
        f"/api/v1/households/{h['id']}/members",
        json={**baby, "id_number": resident_id(421), "relation": "head"},
        headers=officer,
    )
    assert head.status_code == 409
    bad = await client.post(f"/api/v1/households/{h['id']}/members", json={**baby, "id_number": "123"}, headers=officer)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "id_number"
    stranger = await auth("town_officer", town_id=await make_town(client, admin, "别镇"))
    assert (
        await client.post(
            f"/api/v1/households/{h['id']}/members", json={**baby, "id_number": resident_id(422)}, headers=stranger
        )
    ).status_code == 403


async def test_a_member_who_leaves_is_kept_but_no_longer_counted(client, officer, place, auth):
    h = await make_household(client, officer, place[1], 1)  # head, spouse, child
    spouse, child = h["members"][1], h["members"][2]
    r = await client.post(
        f"/api/v1/members/{child['id']}/leave",
        json={"reason": "married_out", "left_on": "2018-05-01", "note": "嫁往外县"},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["people"] == 2 and len(detail["members"]) == 3
    assert detail["members"][-1]["left_on"] == "2018-05-01" and detail["members"][-1]["left_reason"] == "married_out"
    assert detail["events"][-1]["kind"] == "member_left"
    again = await client.post(
        f"/api/v1/members/{child['id']}/leave", json={"reason": "other", "left_on": "2018-06-01"}, headers=officer
    )
    assert again.status_code == 409
    head = await client.post(
        f"/api/v1/members/{h['members'][0]['id']}/leave",
        json={"reason": "deceased", "left_on": "2018-06-01"},
        headers=officer,
    )
    assert head.status_code == 422 and head.json()["field"] == "new_head_id"
    gone = await client.post(
        f"/api/v1/members/{h['members'][0]['id']}/leave",
        json={"reason": "deceased", "left_on": "2018-06-01", "new_head_id": child["id"]},
        headers=officer,
    )
    assert gone.status_code == 422  # the child has left already
    handed = await client.post(
        f"/api/v1/members/{h['members'][0]['id']}/leave",
        json={"reason": "deceased", "left_on": "2018-06-01", "new_head_id": spouse["id"]},
        headers=officer,
    )
    assert handed.status_code == 200 and handed.json()["head_name"] == spouse["name"]
    assert handed.json()["people"] == 1
    # the ID number may now join another household
    body = household_body(place[1], 2)
    body["members"][2]["id_number"] = child["id_number"]
    assert (await client.post("/api/v1/households", json=body, headers=officer)).status_code == 201
    # the year's income counts those who were still there when the year began
    await register(client, officer, h["id"])
    finance = await auth("finance")
    y2018 = (await client.get(f"/api/v1/households/{h['id']}/income?year=2018", headers=finance)).json()
    y2019 = (await client.get(f"/api/v1/households/{h['id']}/income?year=2019", headers=finance)).json()
    assert (y2018["members"], y2019["members"]) == (3, 1)
    assert spouse["id"]  # the spouse stays
