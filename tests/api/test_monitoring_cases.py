"""Monitoring cases (issue 14): a household taken in by its category against the county's line, walked through
its identification steps in order, and shown overdue on the right day."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.uow import reading
from tests.api.imports_support import upload, xlsx_of
from tests.api.test_imports import household, members, places
from tests.db import fetch

APPLIED = "2024-03-01"


async def _world(client, admin) -> dict[str, int]:
    """Places, and three households: 1 and 2 exited, 3 still registered; the line of 2024 is 8,700."""
    await places(client, admin)
    rows = [
        household(1, status="exited", exited_on=date(2019, 12, 10)),
        household(2, status="exited", exited_on=date(2019, 12, 10)),
        household(3),
    ]
    book = await xlsx_of("households", {"households": rows, "members": [m for i in (1, 2, 3) for m in members(i)]})
    assert (await upload(client, admin, "households", [("h.xlsx", book)])).status_code == 201
    assert (
        await client.put("/api/v1/monitoring-lines/42/2024", json={"amount": "8700"}, headers=admin)
    ).status_code == 200
    async with reading() as db:
        ids = dict(await db.fetch("SELECT registry_no, id FROM household"))
    return {str(i): ids[household(i)["registry_no"]] for i in (1, 2, 3)}


def _case(household_id: int, **over) -> dict:
    return {
        "household_id": household_id,
        "channel": "watch",
        "year": 2024,
        "income": "6200",
        "consent": "承诺授权书 2024-017",
        "applied_on": APPLIED,
    } | over


async def test_a_case_from_the_watch_and_one_from_a_sudden_hardship(client, admin):
    h = await _world(client, admin)
    watched = await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)
    assert watched.status_code == 201, watched.text
    case = watched.json()
    assert (case["category"], case["state"], case["step"], case["line"]) == (
        "unstable",
        "identifying",
        "applied",
        "8700.00",
    )
    # above the line, but medical costs leave 2,000 a person: a sudden hardship, reported by the household
    hardship = _case(h["2"], channel="self_report", income="14000", rigid_spending="12000")
    answer = await client.post("/api/v1/monitoring-cases", json=hardship, headers=admin)
    assert answer.status_code == 201 and answer.json()["category"] == "sudden_hardship"
    again = await client.post("/api/v1/monitoring-cases", json=_case(h["2"]), headers=admin)
    assert again.status_code == 409  # one open case a household


async def test_who_does_not_qualify_is_refused_with_the_reason(client, admin):
    h = await _world(client, admin)
    above = await client.post("/api/v1/monitoring-cases", json=_case(h["1"], income="12000"), headers=admin)
    assert above.status_code == 422 and above.json()["field"] == "income"
    registered = await client.post("/api/v1/monitoring-cases", json=_case(h["3"]), headers=admin)
    assert registered.status_code == 422 and "assisted as a poor household" in registered.json()["detail"]
    no_line = await client.post("/api/v1/monitoring-cases", json=_case(h["1"], year=2023), headers=admin)
    assert no_line.status_code == 422 and no_line.json()["field"] == "year"
    bad = await client.post("/api/v1/monitoring-cases", json=_case(h["1"], income="-1"), headers=admin)
    assert bad.status_code == 400 and "income" in bad.text
    async with reading() as db:
        assert await db.fetchval("SELECT count(*) FROM monitoring_case") == 0


async def test_the_steps_in_order_to_approval(client, admin, auth):
    h = await _world(client, admin)
    case_id = (await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)).json()["id"]
    async with reading() as db:
        town = await db.fetchval("SELECT id FROM town WHERE code = '429005101'")
    officer = await auth("town_officer", town_id=town)

    async def step(name: str, on: str, by: list[str], headers=officer):
        return await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps", json={"step": name, "on": on, "by": by}, headers=headers
        )

    assert (await step("surveyed", "2024-03-04", ["王明"])).status_code == 422  # a survey is by two at least
    assert (await step("village_reviewed", "2024-03-04", ["王明"])).status_code == 409  # not the next step
    assert (await step("surveyed", "2024-03-04", ["王明", "李华"])).status_code == 201
    assert (await step("data_checked", "2024-03-02", ["县大数据中心"])).status_code == 422  # before the survey
    assert (await step("data_checked", "2024-03-06", ["县大数据中心"])).status_code == 201
    assert (await step("village_reviewed", "2024-03-08", ["村民代表会议"])).status_code == 201
    assert (await step("noticed", "2024-03-11", ["村委会"])).status_code == 422  # a notice of three days
    assert (await step("noticed", "2024-03-13", ["村委会"])).status_code == 201
    assert (await step("town_reviewed", "2024-03-14", ["园林街道"])).status_code == 201
    assert (await step("approved", "2024-03-15", ["县乡村振兴局"])).status_code == 403  # the county approves
    approved = await step("approved", "2024-03-15", ["县乡村振兴局"], headers=admin)
    assert approved.status_code == 201 and approved.json()["state"] == "monitored"
    assert set(approved.json()["steps"]) == {
        "applied",
        "surveyed",
        "data_checked",
        "village_reviewed",
        "noticed",
        "town_reviewed",
        "approved",
    }
    entries = (await client.get("/api/v1/audit", params={"entity": "monitoring_case"}, headers=admin)).json()["items"]
    assert len(entries) == 7  # opened, and six steps


async def test_a_case_is_flagged_overdue_from_the_day_after_its_step_was_due(client, admin, auth):
    h = await _world(client, admin)
    case_id = (await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)).json()["id"]
    for name, on, by in (("surveyed", "2024-03-04", ["王明", "李华"]), ("data_checked", "2024-03-06", ["中心"])):
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps", json={"step": name, "on": on, "by": by}, headers=admin
        )
        assert r.status_code == 201, r.text

    async def listed(as_of: str, **params):
        r = await client.get("/api/v1/monitoring-cases", params={"as_of": as_of, **params}, headers=admin)
        assert r.status_code == 200, r.text
        return r.json()

    on_time = await listed("2024-03-08")  # the village review was due on 8 March (15 days in all from 1 March)
    assert on_time["items"][0]["overdue"] is None
    assert (await listed("2024-03-08", overdue="true"))["total"] == 0
    late = await listed("2024-03-20", overdue="true")
    assert late["total"] == 1
    assert late["items"][0]["overdue"] == {"step": "village_reviewed", "due_on": "2024-03-08", "days": 12}
    assert (await listed("2024-03-20", category="marginal"))["total"] == 0
    async with reading() as db:
        other_town = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
    assert (await listed("2024-03-20", town_id=other_town))["total"] == 0
    stranger = await auth("town_officer", town_id=other_town)
    assert (await client.get("/api/v1/monitoring-cases", headers=stranger)).json()["total"] == 0
    refused = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/steps",
        json={"step": "village_reviewed", "on": "2024-03-20", "by": ["x"]},
        headers=stranger,
    )
    assert refused.status_code == 403


async def test_assistance_measures_are_recorded_per_case(client, admin, auth):
    h = await _world(client, admin)
    case_id = (await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)).json()["id"]
    measures = [
        {"kind": "employment", "start_on": "2024-04-01", "officer": "王明", "note": "虾稻基地务工"},
        {"kind": "medical_assistance", "start_on": "2024-04-10", "officer": "李华", "amount": "3500.00"},
    ]
    for body in measures:
        r = await client.post(f"/api/v1/monitoring-cases/{case_id}/measures", json=body, headers=admin)
        assert r.status_code == 201, r.text
    listed = (await client.get(f"/api/v1/monitoring-cases/{case_id}/measures", headers=admin)).json()
    assert [(m["kind"], m["officer"], m["amount"]) for m in listed] == [
        ("employment", "王明", None),
        ("medical_assistance", "李华", "3500.00"),
    ]
    bad = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/measures",
        json={"kind": "employment", "start_on": "2024-04-01", "end_on": "2024-03-01", "officer": "王明"},
        headers=admin,
    )
    assert bad.status_code == 400 and "end_on" in bad.text
    async with reading() as db:
        other_town = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
        assert await db.fetchval("SELECT count(*) FROM monitoring_measure") == 2
        assert await db.fetchval("SELECT DISTINCT county_code FROM monitoring_measure") == "429005"
    stranger = await auth("town_officer", town_id=other_town)
    assert (await client.get(f"/api/v1/monitoring-cases/{case_id}/measures", headers=stranger)).status_code == 403


IDENTIFICATION = (
    ("surveyed", "2024-03-04", ["王明", "李华"]),
    ("data_checked", "2024-03-06", ["县大数据中心"]),
    ("village_reviewed", "2024-03-08", ["村民代表会议"]),
    ("noticed", "2024-03-13", ["村委会"]),
    ("town_reviewed", "2024-03-14", ["园林街道"]),
    ("approved", "2024-03-15", ["县乡村振兴局"]),
)


async def _monitored(client, admin, household_id: int) -> int:
    case_id = (await client.post("/api/v1/monitoring-cases", json=_case(household_id), headers=admin)).json()["id"]
    for name, on, by in IDENTIFICATION:
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps", json={"step": name, "on": on, "by": by}, headers=admin
        )
        assert r.status_code == 201, r.text
    return case_id


ELIMINATION = (
    ("village_reviewed", "2024-11-08"),
    ("noticed", "2024-11-13"),
    ("town_reviewed", "2024-11-14"),
    ("approved", "2024-11-20"),
)


async def _eliminate(client, admin, case_id: int) -> None:
    """The risk-elimination steps after the home check, to the county's approval on 20 November 2024."""
    for name, on in ELIMINATION:
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/elimination/steps",
            json={"step": name, "on": on, "by": ["x"]},
            headers=admin,
        )
        assert r.status_code == 201, r.text


def _home_check(**over) -> dict:
    guarantees = dict.fromkeys(
        ("food", "clothing", "compulsory_education", "basic_medical_care", "safe_housing", "safe_drinking_water"), True
    )
    return {
        "on": "2024-11-05",
        "by": ["王明", "李华"],
        "months_above_line": 7,
        "rigid_spending_resolved": True,
        "risk_gone": True,
        "protection_income_share": "0.1",
        **guarantees,
    } | over


async def test_a_risk_is_eliminated_through_its_steps_and_the_household_can_come_back(client, admin):
    h = await _world(client, admin)
    case_id = await _monitored(client, admin, h["1"])
    early = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/elimination", json=_home_check(months_above_line=4), headers=admin
    )
    assert early.status_code == 422 and early.json()["reasons"] == [
        "income above the line for 4 month(s), not yet the 6 needed"
    ]
    begun = await client.post(f"/api/v1/monitoring-cases/{case_id}/elimination", json=_home_check(), headers=admin)
    assert begun.status_code == 201 and begun.json()["state"] == "eliminating", begun.text
    for name, on in (("village_reviewed", "2024-11-08"), ("noticed", "2024-11-13"), ("town_reviewed", "2024-11-14")):
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/elimination/steps",
            json={"step": name, "on": on, "by": ["x"]},
            headers=admin,
        )
        assert r.status_code == 201, r.text
    done = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/elimination/steps",
        json={"step": "approved", "on": "2024-11-20", "by": ["县乡村振兴局"]},
        headers=admin,
    )
    assert done.status_code == 201
    assert (done.json()["state"], done.json()["eliminated_on"]) == ("eliminated", "2024-11-20")
    # the record stays; the household can be taken in again
    again = await client.post("/api/v1/monitoring-cases", json=_case(h["1"], applied_on="2024-12-01"), headers=admin)
    assert again.status_code == 201, again.text
    assert (await client.get("/api/v1/monitoring-cases", params={"state": "eliminated"}, headers=admin)).json()[
        "total"
    ] == 1


async def test_a_household_without_labour_living_on_social_protection_stays_monitored(client, admin):
    h = await _world(client, admin)
    case_id = await _monitored(client, admin, h["1"])
    async with reading() as db:
        await db.execute("UPDATE member SET labour_ability = 'none' WHERE household = $1", h["1"])
    refused = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/elimination",
        json=_home_check(protection_income_share="0.8"),
        headers=admin,
    )
    assert refused.status_code == 422
    assert refused.json()["reasons"] == [
        "a household without labour whose income rests on social protection stays monitored; it is not cleared"
    ]
    case = (await client.get("/api/v1/monitoring-cases", headers=admin)).json()["items"][0]
    assert case["state"] == "monitored" and case["elimination"] is None


async def test_elimination_begins_only_for_a_monitored_household_and_in_order(client, admin):
    h = await _world(client, admin)
    identifying = (await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)).json()["id"]
    early = await client.post(f"/api/v1/monitoring-cases/{identifying}/elimination", json=_home_check(), headers=admin)
    assert early.status_code == 409
    case_id = await _monitored(client, admin, h["2"])
    await client.post(f"/api/v1/monitoring-cases/{case_id}/elimination", json=_home_check(), headers=admin)
    skipped = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/elimination/steps",
        json={"step": "approved", "on": "2024-11-20", "by": ["x"]},
        headers=admin,
    )
    assert skipped.status_code == 409
    one_checker = await client.post(
        f"/api/v1/monitoring-cases/{identifying}/elimination", json=_home_check(by=["王明"]), headers=admin
    )
    assert one_checker.status_code == 400 and "by" in one_checker.text


async def test_the_overview_per_town_on_a_day(client, admin, auth):
    h = await _world(client, admin)
    approved = await _monitored(client, admin, h["1"])  # approved on 15 March
    await client.post(
        f"/api/v1/monitoring-cases/{approved}/measures",
        json={"kind": "employment", "start_on": "2024-04-01", "officer": "王明"},
        headers=admin,
    )
    hardship = _case(h["2"], channel="self_report", income="14000", rigid_spending="12000", applied_on="2024-03-10")
    assert (await client.post("/api/v1/monitoring-cases", json=hardship, headers=admin)).status_code == 201

    async def on(day: str, headers=admin) -> dict:
        r = await client.get("/api/v1/monitoring-overview", params={"as_of": day}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    before = await on("2024-02-28")
    assert before["towns"] == [] and before["total"]["unstable"] == 0
    march = (await on("2024-03-12"))["towns"]
    assert len(march) == 1 and march[0]["town"] == "园林街道"
    assert (march[0]["unstable"], march[0]["sudden_hardship"], march[0]["identifying"], march[0]["monitored"]) == (
        1,
        1,
        2,
        0,
    )
    # on 12 March the first case had done its village review (8 March), due to be noticed by 13 March: not
    # overdue; the second, applied on 10 March, not surveyed by 13 March: overdue from the 14th
    assert march[0]["overdue"] == 0
    later = (await on("2024-04-15"))["towns"][0]
    assert (later["identifying"], later["monitored"], later["overdue"]) == (1, 1, 1)
    assert later["assisted"] == {"employment": 1}
    async with reading() as db:
        other_town = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
    stranger = await auth("town_officer", town_id=other_town)
    assert (await on("2024-04-15", headers=stranger))["towns"] == []


async def test_a_round_lists_who_is_due_and_records_each_visit_once(client, admin, auth):
    h = await _world(client, admin)
    first = await _monitored(client, admin, h["1"])
    opened = await client.post(
        "/api/v1/monitoring-rounds",
        json={"county_code": "429005", "period": "2024-05", "started_on": "2024-05-01"},
        headers=admin,
    )
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    assert (opened.json()["due"], opened.json()["visited"]) == (1, 0)
    twice = await client.post(
        "/api/v1/monitoring-rounds",
        json={"county_code": "429005", "period": "2024-05", "started_on": "2024-05-02"},
        headers=admin,
    )
    assert twice.status_code == 409
    async with reading() as db:
        town = await db.fetchval("SELECT id FROM town WHERE code = '429005101'")
        other_town = await db.fetchval("SELECT id FROM town WHERE code = '429005102'")
    officer = await auth("town_officer", town_id=town)
    visit = {"case_id": first, "visited_on": "2024-05-06", "by": ["王明"], "income": "9100", "note": "务工收入稳定"}
    recorded = await client.post(f"/api/v1/monitoring-rounds/{round_id}/visits", json=visit, headers=officer)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["income"] == "9100.00"
    again = await client.post(f"/api/v1/monitoring-rounds/{round_id}/visits", json=visit, headers=officer)
    assert again.status_code == 409
    early = await client.post(
        f"/api/v1/monitoring-rounds/{round_id}/visits", json={**visit, "visited_on": "2024-04-30"}, headers=admin
    )
    assert early.status_code == 422 and early.json()["field"] == "visited_on"
    listed = (await client.get("/api/v1/monitoring-rounds", headers=admin)).json()
    assert listed["items"][0]["visited"] == 1
    stranger = await auth("town_officer", town_id=other_town)
    assert (await client.get(f"/api/v1/monitoring-rounds/{round_id}/visits", headers=stranger)).json() == []
    assert (await client.get(f"/api/v1/monitoring-rounds/{round_id}/visits", headers=officer)).json()[0]["by"] == [
        "王明"
    ]
    bad = await client.post(
        "/api/v1/monitoring-rounds",
        json={"county_code": "429005", "period": "2024-13", "started_on": "2024-05-01"},
        headers=admin,
    )
    assert bad.status_code == 400 and "period" in bad.text


async def test_the_watch_proposes_exited_households_under_the_line_without_an_open_case(client, admin):
    h = await _world(client, admin)  # households 1 and 2 exited, no income in the ledgers: both under 8,700
    proposed = (await client.get("/api/v1/monitoring-cases/proposals", params={"year": 2024}, headers=admin)).json()
    assert {p["household_id"] for p in proposed["items"]} == {h["1"], h["2"]}
    assert all(p["per_capita"] == "0.00" and p["line"] == "8700.00" for p in proposed["items"])
    await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)
    after = (await client.get("/api/v1/monitoring-cases/proposals", params={"year": 2024}, headers=admin)).json()
    assert [p["household_id"] for p in after["items"]] == [h["2"]]
    no_line = (await client.get("/api/v1/monitoring-cases/proposals", params={"year": 2023}, headers=admin)).json()
    assert no_line["total"] == 0


async def test_the_noticed_step_cites_the_villages_notice_once_it_ended_clean(client, admin):
    h = await _world(client, admin)
    case_id = (await client.post("/api/v1/monitoring-cases", json=_case(h["1"]), headers=admin)).json()["id"]
    for name, on, by in IDENTIFICATION[:3]:
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps", json={"step": name, "on": on, "by": by}, headers=admin
        )
        assert r.status_code == 201, r.text
    async with reading() as db:
        village = await db.fetchval("SELECT id FROM village WHERE code = '429005101001'")
    notice = await client.post(
        "/api/v1/notices",
        json={
            "kind": "monitoring_intake",
            "village_id": village,
            "starts_on": "2024-03-09",
            "ends_on": "2024-03-13",
            "entries": [{"household_id": h["1"], "category": "unstable"}],
        },
        headers=admin,
    )
    assert notice.status_code == 201, notice.text
    notice_id = notice.json()["id"]

    async def noticed(on: str):
        return await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps",
            json={"step": "noticed", "on": on, "by": ["村委会"], "notice_id": notice_id},
            headers=admin,
        )

    standing = await noticed("2024-03-13")
    assert standing.status_code == 422 and standing.json()["field"] == "on"
    objection = await client.post(
        f"/api/v1/notices/{notice_id}/objections",
        json={"raised_by": "村民", "content": "家中有车", "raised_on": "2024-03-10", "household_id": h["1"]},
        headers=admin,
    )
    assert objection.status_code == 201, objection.text
    assert (await noticed("2024-03-14")).status_code == 409
    resolved = await client.post(
        f"/api/v1/notices/{notice_id}/objections/{objection.json()['id']}/resolve",
        json={"note": "车辆为亲属所有,经核实不影响", "resolved_on": "2024-03-14"},
        headers=admin,
    )
    assert resolved.status_code == 200, resolved.text
    done = await noticed("2024-03-14")
    assert done.status_code == 201, done.text
    assert done.json()["steps"]["noticed"]["notice"]["number"] == notice.json()["number"]


@pytest.mark.parametrize("channel", ["self_report", "visit", "department", "watch"])
async def test_a_case_from_each_channel_through_intake_assistance_and_risk_elimination(client, admin, channel):
    h = await _world(client, admin)
    opened = await client.post("/api/v1/monitoring-cases", json=_case(h["1"], channel=channel), headers=admin)
    assert opened.status_code == 201 and opened.json()["channel"] == channel
    case_id = opened.json()["id"]
    for name, on, by in IDENTIFICATION:
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps", json={"step": name, "on": on, "by": by}, headers=admin
        )
        assert r.status_code == 201, r.text
    measure = {"kind": "industry", "start_on": "2024-04-01", "officer": "王明", "note": "虾稻共作入股"}
    assert (
        await client.post(f"/api/v1/monitoring-cases/{case_id}/measures", json=measure, headers=admin)
    ).status_code == 201
    assert (
        await client.post(f"/api/v1/monitoring-cases/{case_id}/elimination", json=_home_check(), headers=admin)
    ).status_code == 201
    await _eliminate(client, admin, case_id)
    overview = (await client.get("/api/v1/monitoring-overview", params={"as_of": "2024-12-31"}, headers=admin)).json()
    # the measure has no end, but a household whose risk was eliminated is no longer counted assisted
    assert (overview["total"]["eliminated"], overview["total"]["assisted"]) == (1, {})
    during = (await client.get("/api/v1/monitoring-overview", params={"as_of": "2024-06-30"}, headers=admin)).json()
    assert (during["total"]["monitored"], during["total"]["assisted"]) == (1, {"industry": 1})


async def test_the_overview_counts_cases_by_step_and_the_list_by_round(client, admin):
    h = await _world(client, admin)
    first = await _monitored(client, admin, h["1"])
    second = (await client.post("/api/v1/monitoring-cases", json=_case(h["2"]), headers=admin)).json()["id"]
    overview = (await client.get("/api/v1/monitoring-overview", params={"as_of": "2024-03-20"}, headers=admin)).json()
    assert overview["total"]["steps"] == {"approved": 1, "applied": 1}
    earlier = (await client.get("/api/v1/monitoring-overview", params={"as_of": "2024-03-05"}, headers=admin)).json()
    assert earlier["total"]["steps"] == {"surveyed": 1, "applied": 1}  # the first case as it stood on 5 March
    opened = await client.post(
        "/api/v1/monitoring-rounds",
        json={"county_code": "429005", "period": "2024-05", "started_on": "2024-05-01"},
        headers=admin,
    )
    round_id = opened.json()["id"]
    visit = {"case_id": first, "visited_on": "2024-05-06", "by": ["王明"]}
    assert (
        await client.post(f"/api/v1/monitoring-rounds/{round_id}/visits", json=visit, headers=admin)
    ).status_code == 201
    visited = (await client.get("/api/v1/monitoring-cases", params={"round_id": round_id}, headers=admin)).json()
    assert [c["id"] for c in visited["items"]] == [first] and second != first


async def test_a_household_comes_back_after_its_risk_was_eliminated_and_counts_as_returned(client, admin):
    h = await _world(client, admin)
    case_id = await _monitored(client, admin, h["1"])
    assert (
        await client.post(f"/api/v1/monitoring-cases/{case_id}/elimination", json=_home_check(), headers=admin)
    ).status_code == 201
    await _eliminate(client, admin, case_id)
    cases = (await fetch("SELECT count(*) AS n FROM monitoring_case"))[0]["n"]
    # a new case cannot be applied for before the day the last one was cleared: nothing is written
    early = await client.post("/api/v1/monitoring-cases", json=_case(h["1"], applied_on="2024-11-19"), headers=admin)
    assert early.status_code == 422 and early.json()["field"] == "applied_on" and "2024-11-20" in early.text
    assert (await fetch("SELECT count(*) AS n FROM monitoring_case"))[0]["n"] == cases
    again = await client.post(
        "/api/v1/monitoring-cases", json=_case(h["1"], year=2024, applied_on="2025-02-03"), headers=admin
    )
    assert again.status_code == 201, again.text
    before = (await client.get("/api/v1/monitoring-overview", params={"as_of": "2025-02-02"}, headers=admin)).json()
    after = (await client.get("/api/v1/monitoring-overview", params={"as_of": "2025-02-03"}, headers=admin)).json()
    assert (before["total"]["returned"], before["total"]["eliminated"]) == (0, 1)
    assert (after["total"]["returned"], after["total"]["identifying"], after["total"]["eliminated"]) == (1, 1, 1)


async def test_the_case_list_pages_in_id_order_with_its_total(client, admin):
    h = await _world(client, admin)
    ids = [(await client.post("/api/v1/monitoring-cases", json=_case(h[n]), headers=admin)).json()["id"] for n in "12"]

    async def page(**params) -> dict:
        r = await client.get("/api/v1/monitoring-cases", params=params, headers=admin)
        assert r.status_code == 200, r.text
        return r.json()

    first, second = await page(limit=1, offset=0), await page(limit=1, offset=1)
    assert ([c["id"] for c in first["items"]], first["total"]) == ([ids[0]], 2)
    assert ([c["id"] for c in second["items"]], second["total"]) == ([ids[1]], 2)
    assert first["items"][0]["steps"]["applied"]["by"] and first["items"][0]["household_id"] == h["1"]
    past = await page(limit=1, offset=5)
    assert (past["items"], past["total"]) == ([], 2)
