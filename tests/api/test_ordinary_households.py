"""Ordinary households (一般农户, issue 14): never registered as poor, taken into the registry with their members
so that monitoring can follow them (边缘易致贫户), and kept apart from the register: on no list, count, figure
or ledger unless asked for by their status, and moved by no step of the registry's flow."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import date, timedelta

import httpx
import pytest
from python_calamine import CalamineWorkbook

from app.registry.bulk import county_template_rows
from app.registry.model import HouseholdStatus
from tests.api.test_subsidies import SCHEME
from tests.chain_helpers import WAGE, link
from tests.db import fetch
from tests.factories import resident_id
from tests.registry_helpers import exit_household, household_body, make_town, make_village, step
from tests.world import build_world

COUNTY = "429005"


def ordinary_body(village_id: int, n: int, **overrides) -> dict:
    """The household of ``household_body`` without what only a registered household has."""
    body = household_body(village_id, n, **overrides)
    for only_registered in ("registry_no", "attribute"):
        body.pop(only_registered, None)
    return body


async def take_in(client, headers, village_id: int, n: int, **overrides) -> httpx.Response:
    return await client.post(
        "/api/v1/ordinary-households", json=ordinary_body(village_id, n, **overrides), headers=headers
    )


async def _count(table: str) -> int:
    return (await fetch(f"SELECT count(*) AS n FROM {table}"))[0]["n"]


@pytest.fixture
async def world(client, admin, auth):
    """A registered household (1), an exited one (2) and a removed one (3), so the figures are not all zero."""
    w = await build_world(client, admin, auth, households=3, enterprise=True)
    await exit_household(client, w["officer"], w["households"][1]["id"], 2016)
    assert (await step(client, w["officer"], w["households"][2]["id"], "removed", reason="other")).status_code == 200
    return w


async def test_an_ordinary_household_is_taken_in_with_a_local_number_its_members_and_one_event(client, world):
    before = await _count("audit_entry")
    r = await take_in(client, world["officer"], world["village"], 11)
    assert r.status_code == 201, r.text
    h = r.json()
    assert (h["status"], h["attribute"], h["registry_no"]) == ("ordinary", "ordinary", f"M{COUNTY}000001")
    assert h["people"] == 3 and h["head_name"] == "张11" and h["causes"] == ["illness", "lack_of_capital"]
    assert h["members"][1]["sex"] == "female" and h["members"][1]["birth_date"] == "1968-05-12"
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in h["events"]] == [("created", None, "ordinary")]
    assert h["notice_ends_at"] is None and h["registered_on"] is None and h["late_addition"] is False
    second = (await take_in(client, world["officer"], world["village"], 12)).json()
    assert second["registry_no"] == f"M{COUNTY}000002"
    rows = await fetch("SELECT county_code FROM household WHERE id = ANY ($1::int[])", [h["id"], second["id"]])
    assert [r["county_code"] for r in rows] == [COUNTY, COUNTY]
    audit = await fetch(
        "SELECT action, entity_id FROM audit_entry WHERE entity = 'household' AND entity_id = $1", str(h["id"])
    )
    assert [a["action"] for a in audit] == ["create"]
    assert await _count("audit_entry") == before + 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"causes": []}, "causes"),
        ({"causes": ["illness", "illness"]}, "causes"),
        ({"bank_card": "12ab"}, "bank_card"),
        ({"registry_no": "42900500000099"}, "registry_no"),  # a local number is given, never chosen
        ({"attribute": "dibao"}, "attribute"),
        ({"members": []}, "members"),
    ],
)
async def test_bad_fields_are_named_and_nothing_is_written(client, world, change, field):
    households = await _count("household")
    body = ordinary_body(world["village"], 11) | change
    r = await client.post("/api/v1/ordinary-households", json=body, headers=world["officer"])
    assert r.status_code == 400, r.text
    assert field in r.text
    assert await _count("household") == households


async def test_members_are_checked_as_the_registry_checks_them(client, world):
    households, members = await _count("household"), await _count("member")
    body = ordinary_body(world["village"], 11)
    good = body["members"][1]["id_number"]
    body["members"][1]["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = await client.post("/api/v1/ordinary-households", json=body, headers=world["officer"])
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["members[1].id_number"]
    body = ordinary_body(world["village"], 11)
    body["members"][1]["relation"] = "head"
    r = await client.post("/api/v1/ordinary-households", json=body, headers=world["officer"])
    assert r.status_code == 400 and "exactly one" in r.json()["errors"][0]["message"]
    body = ordinary_body(world["village"], 11)
    body["members"][2]["id_number"] = body["members"][0]["id_number"]
    r = await client.post("/api/v1/ordinary-households", json=body, headers=world["officer"])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "members[2].id_number"
    # a person of a registered household is not taken in a second time
    registered = world["households"][0]
    body = ordinary_body(world["village"], 11)
    body["members"][2]["id_number"] = registered["members"][0]["id_number"]
    r = await client.post("/api/v1/ordinary-households", json=body, headers=world["officer"])
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["field"] == "members[2].id_number" and problem["existing_household_id"] == registered["id"]
    assert (await _count("household"), await _count("member")) == (households, members)
    # and the other way round: an ordinary household's member applies in no registered household
    ordinary = (await take_in(client, world["officer"], world["village"], 11)).json()
    body = household_body(world["village"], 12)
    body["members"][0]["id_number"] = ordinary["members"][2]["id_number"]
    r = await client.post("/api/v1/households", json=body, headers=world["officer"])
    assert r.status_code == 409 and r.json()["existing_registry_no"] == ordinary["registry_no"]
    # the removed household's members are free again, as for any household
    removed = world["households"][2]
    body = ordinary_body(world["village"], 13)
    body["members"][0]["id_number"] = removed["members"][0]["id_number"]
    assert (await client.post("/api/v1/ordinary-households", json=body, headers=world["officer"])).status_code == 201


async def test_who_may_take_one_in(client, admin, auth, world):
    other_town = await make_town(client, admin, "广华")
    other_village = await make_village(client, admin, other_town, "新街村")
    assert (await take_in(client, world["officer"], other_village, 11)).status_code == 403
    for role in ("finance", "auditor"):
        assert (await take_in(client, await auth(role), world["village"], 11)).status_code == 403
    assert (await take_in(client, world["operator"], world["village"], 11)).status_code == 403
    unknown = await take_in(client, world["officer"], 999_999, 11)
    assert unknown.status_code == 422 and unknown.json()["field"] == "village_id"
    assert (await take_in(client, admin, other_village, 11)).status_code == 201
    assert (await _count("household")) == 4


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(response: httpx.Response) -> list[list]:
    assert response.status_code == 200, response.text
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


async def _everything(client, admin, officer) -> dict:
    """Every register figure, list and ledger the two callers see, ordinary households not asked for."""
    got: dict = {}
    for who, headers in (("admin", admin), ("officer", officer)):
        got[who, "overview"] = (await client.get("/api/v1/stats/overview", headers=headers)).json()
        got[who, "list"] = (await client.get("/api/v1/households?limit=100", headers=headers)).json()
        got[who, "counts"] = (await client.get("/api/v1/households/counts", headers=headers)).json()
        got[who, "csv"] = _csv(await client.get("/api/v1/exports/households.csv", headers=headers))
        got[who, "xlsx"] = _xlsx_rows(await client.get("/api/v1/exports/households.xlsx", headers=headers))
    got["county overview"] = (await client.get(f"/api/v1/stats/overview?region={COUNTY}", headers=admin)).json()
    got["county export"] = [
        [r async for r in county_template_rows(sheet, COUNTY)] for sheet in ("households", "members")
    ]
    return got


async def test_figures_lists_and_ledgers_leave_ordinary_households_out(client, admin, world):
    officer = world["officer"]
    before = await _everything(client, admin, officer)
    assert before["admin", "overview"]["households_registered"] == 2  # the registered and the exited one
    assert before["admin", "counts"]["households"] == 3 and len(before["admin", "csv"]) == 3
    ordinary = (await take_in(client, officer, world["village"], 11)).json()
    # a member of it leaves, as members do: still nothing on the register moves
    leave = {"reason": "moved_away", "left_on": "2024-05-01"}
    assert (
        await client.post(f"/api/v1/members/{ordinary['members'][2]['id']}/leave", json=leave, headers=officer)
    ).status_code == 200
    assert await _everything(client, admin, officer) == before
    # asked for by its status, it is there
    listed = (await client.get("/api/v1/households?status=ordinary", headers=officer)).json()
    assert [h["registry_no"] for h in listed["items"]] == [ordinary["registry_no"]] and listed["total"] == 1
    counts = (await client.get("/api/v1/households/counts?status=ordinary", headers=officer)).json()
    assert (counts["households"], counts["people"], counts["by_status"]) == (1, 2, {"ordinary": 1})
    exported = _csv(await client.get("/api/v1/exports/households.csv?status=ordinary", headers=admin))
    assert [(r["registry_no"], r["status"]) for r in exported] == [(ordinary["registry_no"], "ordinary")]
    # the rule twins every figure asks: neither on the register nor poor now
    twins = await fetch("SELECT household_on_register('ordinary') AS r, household_poor_now('ordinary') AS p")
    assert dict(twins[0]) == {"r": False, "p": False}


async def test_no_step_of_the_registry_moves_an_ordinary_household(client, admin, world):
    ordinary = (await take_in(client, world["officer"], world["village"], 11)).json()
    extra = {"exited": {"exit_year": 2024}, "removed": {"reason": "other"}}
    for target in HouseholdStatus:
        for who in (world["officer"], admin):
            r = await step(client, who, ordinary["id"], target.value, **extra.get(target.value, {}))
            assert r.status_code == 409, (target, r.text)
            problem = r.json()
            assert problem["field"] == "to" and problem["current_status"] == "ordinary" and problem["allowed"] == []
            assert "not on the poverty register" in problem["detail"]
    after = (await client.get(f"/api/v1/households/{ordinary['id']}", headers=admin)).json()
    assert after["status"] == "ordinary" and [e["kind"] for e in after["events"]] == ["created"]


async def test_links_and_subsidy_claims_are_refused_for_an_ordinary_household(client, auth, world):
    ordinary = (await take_in(client, world["officer"], world["village"], 11)).json()
    r = await link(client, world["operator"], world["enterprise"], world["base"], ordinary["id"], WAGE)
    assert r.status_code in (409, 422), r.text
    assert "ordinary household" in r.json()["detail"]
    assert await _count("link") == 0
    finance = await auth("finance")
    scheme = (await client.post("/api/v1/subsidy-schemes", json=SCHEME, headers=finance)).json()
    assert (await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)).status_code == 200
    claim = {"scheme_id": scheme["id"], "household_id": ordinary["id"], "industry": "crayfish_rice"}
    claim["declared_quantity"] = "5"
    r = await client.post("/api/v1/subsidy-claims", json=claim, headers=world["officer"])
    assert r.status_code == 422 and r.json()["field"] == "household_id", r.text
    assert "ordinary household" in r.json()["detail"]
    assert await _count("subsidy_claim") == 0


async def _sign_in(web: httpx.AsyncClient, headers: dict[str, str]) -> None:
    form = await web.get("/console/sign-in")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    token = headers["Authorization"].removeprefix("Bearer ")
    r = await web.post("/console/sign-in", data={"_csrf_token": csrf, "token": token})
    assert r.status_code == 303, r.text


async def test_the_console_lists_them_only_when_asked(app, admin, world):
    ordinary_no = f"M{COUNTY}000001"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as web:
        await take_in(web, world["officer"], world["village"], 11)
        await _sign_in(web, admin)
        listed = await web.get("/console/households")
        assert listed.status_code == 200 and ordinary_no not in listed.text
        assert f">{world['households'][0]['registry_no']}<" in listed.text
        asked = await web.get("/console/households?status=ordinary")
        assert f">{ordinary_no}<" in asked.text and f">{world['households'][0]['registry_no']}<" not in asked.text
        hid = re.search(r'href="/console/households/(\d+)"', asked.text).group(1)
        page = await web.get(f"/console/households/{hid}")
        assert page.status_code == 200 and "一般农户" in page.text
        assert f"/console/households/{hid}/step" not in page.text  # no step is offered


async def test_a_new_member_joins_under_the_same_id_rule(client, world):
    ordinary = (await take_in(client, world["officer"], world["village"], 11)).json()
    clash = {
        "name": "王五",
        "id_number": world["households"][0]["members"][1]["id_number"],
        "relation": "child",
        "labour_ability": "full",
    }
    r = await client.post(f"/api/v1/households/{ordinary['id']}/members", json=clash, headers=world["officer"])
    assert r.status_code == 409 and r.json()["existing_household_id"] == world["households"][0]["id"]
    born = clash | {"id_number": resident_id(400, birth="20230101"), "labour_ability": "none"}
    r = await client.post(f"/api/v1/households/{ordinary['id']}/members", json=born, headers=world["officer"])
    assert r.status_code == 201, r.text
    assert r.json()["people"] == 4 and r.json()["status"] == "ordinary"


async def test_a_confirmed_cross_check_hit_is_a_finding_not_a_removal(client, admin, world):
    """The county's data check flags an ordinary household's member as it flags anyone's; confirmed, the flag
    stays as a finding for its monitoring case, and the household is not removed from a register it is not on."""
    before = await _everything(client, admin, world["officer"])
    ordinary = (await take_in(client, world["officer"], world["village"], 11)).json()
    record = {
        "department": "public_security",
        "item": "vehicle",
        "id_number": ordinary["members"][0]["id_number"],
        "value": "80000",
        "as_of": "2024-06-30",
    }
    r = await client.post("/api/v1/cross-check/records", json=[record], headers=admin)
    assert r.status_code == 200 and r.json()["households_flagged"] == [ordinary["id"]], r.text
    flag = (await client.get(f"/api/v1/households/{ordinary['id']}", headers=admin)).json()["flags"][0]
    confirmed = await client.post(
        f"/api/v1/cross-check/flags/{flag['id']}/confirm", json={"note": "核实属实"}, headers=world["officer"]
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    after = (await client.get(f"/api/v1/households/{ordinary['id']}", headers=admin)).json()
    assert after["status"] == "ordinary" and after["removed_reason"] is None
    assert [e["kind"] for e in after["events"]] == ["created", "cross_check_flagged"]
    assert await _everything(client, admin, world["officer"]) == before


async def test_two_taken_in_at_once_get_two_numbers(client, world):
    answers = await asyncio.gather(*(take_in(client, world["officer"], world["village"], n) for n in (11, 12, 13)))
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert sorted(a.json()["registry_no"] for a in answers) == [f"M{COUNTY}00000{i}" for i in (1, 2, 3)]


async def test_an_ordinary_household_is_posted_for_monitoring_intake_never_as_identified_poor(client, world):
    """An identification notice posts households as identified poor: an ordinary household taken in for
    monitoring is refused there (and nothing is written), and goes on a monitoring-intake notice."""
    h = (await take_in(client, world["officer"], world["village"], 11)).json()
    today = date.today()
    body = {
        "kind": "identification",
        "village_id": world["village"],
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(),
        "entries": [{"household_id": h["id"], "attribute": "ordinary", "causes": ["illness"]}],
    }
    notices = await _count("notice")
    r = await client.post("/api/v1/notices", json=body, headers=world["officer"])
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "entries[0].household_id" in r.text and "monitoring-intake" in r.text
    assert await _count("notice") == notices
    intake = body | {"kind": "monitoring_intake", "entries": [{"household_id": h["id"], "category": "marginal"}]}
    r = await client.post("/api/v1/notices", json=intake, headers=world["officer"])
    assert r.status_code == 201, r.text
    assert [e["household_id"] for e in r.json()["entries"]] == [h["id"]]
