"""Public notices (公示): opened for a village's households for at least their kind's days, listed with filters
and pages, objections raised while they stand and resolved, every write audited, each caller in its reach;
and the A4 page posted in the village, which never shows an ID number, a phone, a bank card or a health
detail."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from tests.db import fetch
from tests.factories import resident_id
from tests.registry_helpers import household_body, make_household, make_town, make_village

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
async def village(client, admin, auth) -> dict[str, Any]:
    town = await make_town(client, admin)
    village = await make_village(client, admin, town)
    officer = await auth("town_officer", town_id=town)
    households = [await make_household(client, officer, village, n) for n in (1, 2, 3)]
    return {"town": town, "village": village, "officer": officer, "households": households}


def identification(v: dict[str, Any], starts: int = 0, ends: int = 6, **kw: Any) -> dict[str, Any]:
    body = {
        "kind": "identification",
        "village_id": v["village"],
        "starts_on": day(starts),
        "ends_on": day(ends),
        "entries": [
            {"household_id": h["id"], "attribute": "ordinary", "causes": ["lack_of_capital", "illness"]}
            for h in v["households"]
        ],
    }
    return body | kw


async def test_a_notice_is_opened_read_and_audited(client, village):
    r = await client.post("/api/v1/notices", json=identification(village), headers=village["officer"])
    assert r.status_code == 201, r.text
    notice = r.json()
    assert re.fullmatch(rf"GS429005-{TODAY.year}-\d{{6}}", notice["number"])
    assert notice["kind"] == "identification" and notice["village_id"] == village["village"]
    assert (notice["days"], notice["standing"], notice["entries_count"], notice["open_objections"]) == (
        7,
        "posted",
        3,
        0,
    )
    # each household is named by its head, as posted; the facts are its kind's
    assert [e["name"] for e in notice["entries"]] == ["张1", "张2", "张3"]
    assert notice["entries"][0]["facts"] == {"attribute": "ordinary", "causes": ["illness", "lack_of_capital"]}
    got = await client.get(f"/api/v1/notices/{notice['id']}", headers=village["officer"])
    assert got.status_code == 200 and got.json() == notice
    rows = await fetch(
        "SELECT county_code FROM notice WHERE id = $1 UNION ALL SELECT county_code FROM notice_entry WHERE notice = $1",
        notice["id"],
    )
    assert {r["county_code"] for r in rows} == {"429005"}
    audit = await fetch("SELECT action FROM audit_entry WHERE entity = 'notice' AND entity_id = $1", str(notice["id"]))
    assert [a["action"] for a in audit] == ["create"]


async def test_a_notice_shorter_than_its_kind_is_refused_and_nothing_written(client, village):
    # identification stands 7 days at least (CHAINAID_NOTICE_DAYS_IDENTIFICATION), both ends counted
    r = await client.post("/api/v1/notices", json=identification(village, 0, 5), headers=village["officer"])
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["field"] == "ends_on" and problem["least_days"] == 7, problem
    assert day(6) in problem["detail"]
    # monitoring intake and risk elimination: 5 days
    body = {
        "kind": "monitoring_intake",
        "village_id": village["village"],
        "starts_on": day(0),
        "ends_on": day(3),
        "entries": [{"household_id": village["households"][0]["id"], "category": "marginal"}],
    }
    r = await client.post("/api/v1/notices", json=body, headers=village["officer"])
    assert r.status_code == 422 and r.json()["least_days"] == 5, r.text
    assert await fetch("SELECT id FROM notice") == []
    assert await fetch("SELECT id FROM audit_entry WHERE entity = 'notice'") == []
    r = await client.post("/api/v1/notices", json={**body, "ends_on": day(4)}, headers=village["officer"])
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"kind": "subsidy_claims"}, 422, "kind"),
        ({"ends_on": day(-1)}, 400, "ends_on"),
        ({"entries": []}, 400, "entries"),
        ({"objection_place": "x" * 201}, 400, "objection_place"),
        ({"entries": [{"household_id": 1, "attribute": "ordinary"}]}, 400, "entries[0].causes"),
        ({"entries": [{"household_id": 999999, "attribute": "ordinary", "causes": ["other"]}]}, 422, None),
        ({"village_id": 999999}, 422, "village_id"),
    ],
)
async def test_bad_notices_name_the_field(client, village, change, status, field):
    r = await client.post("/api/v1/notices", json=identification(village) | change, headers=village["officer"])
    assert r.status_code == status, r.text
    problem = r.json()
    if field is not None:
        assert field in (problem.get("field") or "") + problem.get("detail", ""), problem
    assert await fetch("SELECT id FROM notice") == []


async def test_a_household_of_another_village_is_refused(client, admin, village):
    other = await make_village(client, admin, village["town"], "白鹭湖村")
    stranger = await make_household(client, village["officer"], other, 9)
    body = identification(village)
    body["entries"].append({"household_id": stranger["id"], "attribute": "dibao", "causes": ["other"]})
    r = await client.post("/api/v1/notices", json=body, headers=village["officer"])
    assert r.status_code == 422 and r.json()["field"] == "entries[3].household_id", r.text


async def test_notices_are_listed_with_filters_and_pages(client, admin, village):
    officer = village["officer"]
    first = (await client.post("/api/v1/notices", json=identification(village), headers=officer)).json()
    ended = (await client.post("/api/v1/notices", json=identification(village, -20, -10), headers=officer)).json()
    intake = {
        "kind": "risk_elimination",
        "village_id": village["village"],
        "starts_on": day(3),
        "ends_on": day(9),
        "entries": [{"household_id": village["households"][1]["id"], "category": "sudden_hardship"}],
    }
    upcoming = (await client.post("/api/v1/notices", json=intake, headers=officer)).json()

    async def ids(query: str) -> list[int]:
        r = await client.get(f"/api/v1/notices?{query}", headers=admin)
        assert r.status_code == 200, r.text
        return [n["id"] for n in r.json()["items"]]

    assert await ids("") == [upcoming["id"], ended["id"], first["id"]]  # newest first
    assert await ids("kind=identification") == [ended["id"], first["id"]]
    assert await ids("standing=posted") == [first["id"]]
    assert await ids("standing=ended") == [ended["id"]]
    assert await ids("standing=upcoming") == [upcoming["id"]]
    assert await ids(f"village_id={village['village']}&kind=risk_elimination") == [upcoming["id"]]
    assert await ids(f"town_id={village['town']}") == [upcoming["id"], ended["id"], first["id"]]
    page = (await client.get("/api/v1/notices?limit=1&offset=1", headers=admin)).json()
    assert (page["total"], [n["id"] for n in page["items"]]) == (3, [ended["id"]])
    r = await client.get("/api/v1/notices?standing=someday", headers=admin)
    assert r.status_code == 400


async def test_objections_are_raised_while_the_notice_stands_and_resolved(client, village):
    officer = village["officer"]
    notice = (await client.post("/api/v1/notices", json=identification(village, -3, 3), headers=officer)).json()
    url = f"/api/v1/notices/{notice['id']}/objections"
    objection = {
        "raised_by": "村民王某",
        "content": "该户有营运车辆",
        "raised_on": day(-1),
        "household_id": village["households"][0]["id"],
    }
    r = await client.post(url, json=objection, headers=officer)
    assert r.status_code == 201, r.text
    raised = r.json()
    assert raised["resolved_on"] is None
    # before the notice started, or about a household not on it: refused
    r = await client.post(url, json={**objection, "raised_on": day(-4)}, headers=officer)
    assert r.status_code == 422 and r.json()["field"] == "raised_on", r.text
    r = await client.post(url, json={**objection, "household_id": 999999}, headers=officer)
    assert r.status_code == 422 and r.json()["field"] == "household_id", r.text
    r = await client.post(url, json={**objection, "raised_on": day(1)}, headers=officer)
    assert r.status_code == 400  # not a day of fact yet
    got = (await client.get(f"/api/v1/notices/{notice['id']}", headers=officer)).json()
    assert got["open_objections"] == 1 and [o["id"] for o in got["objections"]] == [raised["id"]]
    listed = (await client.get("/api/v1/notices?open_objections=true", headers=officer)).json()
    assert [n["id"] for n in listed["items"]] == [notice["id"]]

    resolve = f"{url}/{raised['id']}/resolve"
    r = await client.post(resolve, json={"note": "经核实，车辆已于去年转让", "resolved_on": day(-2)}, headers=officer)
    assert r.status_code == 422 and r.json()["field"] == "resolved_on", r.text
    r = await client.post(resolve, json={"note": "经核实，车辆已于去年转让", "resolved_on": day(0)}, headers=officer)
    assert r.status_code == 200, r.text
    assert (r.json()["resolved_on"], r.json()["resolution"]) == (day(0), "经核实，车辆已于去年转让")
    r = await client.post(resolve, json={"note": "再次", "resolved_on": day(0)}, headers=officer)
    assert r.status_code == 409
    assert (await client.get(f"/api/v1/notices/{notice['id']}", headers=officer)).json()["open_objections"] == 0
    audit = await fetch(
        "SELECT action FROM audit_entry WHERE entity = 'notice_objection' AND entity_id = $1 ORDER BY id",
        str(raised["id"]),
    )
    assert [a["action"] for a in audit] == ["raise", "resolve"]


async def test_a_notice_is_in_its_town_officers_reach_only(client, admin, auth, village):
    notice = (await client.post("/api/v1/notices", json=identification(village), headers=village["officer"])).json()
    other_town = await make_town(client, admin, "渔洋镇")
    stranger = await auth("town_officer", town_id=other_town)
    for url in (f"/api/v1/notices/{notice['id']}", f"/api/v1/notices/{notice['id']}/print"):
        assert (await client.get(url, headers=stranger)).status_code == 403, url
    assert (await client.get("/api/v1/notices", headers=stranger)).json()["total"] == 0
    r = await client.post("/api/v1/notices", json=identification(village), headers=stranger)
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/notices/{notice['id']}/objections",
        json={"raised_by": "某", "content": "异议", "raised_on": day(0)},
        headers=stranger,
    )
    assert r.status_code == 403
    assert (await client.get("/api/v1/notices", headers=village["officer"])).json()["total"] == 1


# ---- the posted page ----------------------------------------------------------------------------

PHONES = ("13907281234", "13907285678")
CARDS = ("6230901234567890123", "6217002870011112222")


async def test_the_printed_notice_shows_no_papers_phones_cards_or_health(client, village, admin):
    """Households whose members carry ID numbers, a phone, a bank card and health values: the page names each
    head as 王*明, shows its kind's facts, and none of those values, nor a full name, anywhere in its text."""
    officer = village["officer"]
    people: list[dict[str, Any]] = []
    households = []
    for n, (head, phone, card) in enumerate(zip(("王建明", "欧阳娜娜"), PHONES, CARDS, strict=True), start=21):
        members = [
            {
                "name": head,
                "id_number": resident_id(300 + 3 * n, birth="19650304"),
                "relation": "head",
                "labour_ability": "full",
                "health": "serious_illness",
            },
            {
                "name": "李秀",
                "id_number": resident_id(301 + 3 * n, birth="19680512", male=False),
                "relation": "spouse",
                "labour_ability": "partial",
                "health": "disabled",
            },
            {
                "name": "王小宝",
                "id_number": resident_id(302 + 3 * n, birth="20080901"),
                "relation": "child",
                "labour_ability": "none",
                "health": "chronic_illness",
                "in_school": True,
            },
        ]
        body = household_body(
            village["village"], n, members=members, phone=phone, bank_card=card, address=f"幸福路{n}号"
        )
        r = await client.post("/api/v1/households", json=body, headers=officer)
        assert r.status_code == 201, r.text
        households.append(r.json())
        people += members
    notice_body = {
        "kind": "identification",
        "village_id": village["village"],
        "starts_on": day(0),
        "ends_on": day(6),
        "objection_place": "赵脑村村委会办公室",
        "entries": [
            {"household_id": h["id"], "attribute": "dibao", "causes": ["illness", "disability", "lack_of_skills"]}
            for h in households
        ],
    }
    notice = (await client.post("/api/v1/notices", json=notice_body, headers=officer)).json()
    r = await client.get(f"/api/v1/notices/{notice['id']}/print", headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    # what it must show: the title, the place, the period, masked heads, the facts, where to object, the barcode
    for shown in (
        "建档立卡贫困户识别公示",
        "熊口镇",
        "赵脑村",
        f"{TODAY.year}年{TODAY.month}月{TODAY.day}日",
        "共7天",
        "王*明",
        "欧**娜",
        "低保贫困户",
        "缺技术",
        "赵脑村村委会办公室",
        notice["number"],
        "<svg",
        "@page",
        "size: A4",
    ):
        assert shown in page, shown
    # what it must never show
    never: list[str] = [*PHONES, *CARDS]
    for h in households:
        never.append(h["registry_no"])
    for p in people:
        never += [p["id_number"], p["id_number"][-8:], p["id_number"][6:14]]  # the number, its tail, the birth date
        never += [p["name"]]  # a full name (the head's, masked; the others', not at all)
        never += [p["health"]]
    never += ["13907", "6230 9012", "3456 7890", "1234567890"]  # pieces of the phones and cards
    never += ["因病", "因残", "重病", "大病", "残疾", "慢性病", "illness", "disab", "health", "健康"]
    never += ["李秀", "王小宝", "建明", "阳娜"]  # the other members, the hidden parts of the heads' names
    never += ["幸福路", "潜江农商行"]  # nor the address or the bank
    for value in never:
        assert value not in page, value
    # the stored notice keeps the head's name as given; only the page hides it
    got = (await client.get(f"/api/v1/notices/{notice['id']}", headers=admin)).json()
    assert [e["name"] for e in got["entries"]] == ["王建明", "欧阳娜娜"]
