"""Found 4 and 5: every programme date and period has bounds, and an exited household's link ends with its
policy continuation.

Far days (0001-01-01, 9999-12-31) were stored as ±infinity or overflowed (a 500); a fact (paid, visited,
recorded) may not be after today, a planned day not after today + CHAINAID_HORIZON_DAYS, and nothing before
CHAINAID_EARLIEST_DAY. Each refusal is a 400 problem naming the field or parameter, and writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.chain_helpers import SHARE, WAGE, link
from tests.db import fetch
from tests.registry_helpers import exit_household
from tests.world import add_link, build_world

TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)
BEYOND_HORIZON = TODAY + timedelta(days=367)
FAR = ("0001-01-01", "9999-12-31", "1999-12-31")


@pytest.fixture
async def chain(client, admin, auth) -> dict[str, Any]:
    world = await build_world(client, admin, auth, households=2)
    return {**world, "wage": await add_link(client, world, WAGE)}


async def _count(table: str) -> int:
    return (await fetch(f"SELECT count(*) AS n FROM {table}"))[0]["n"]


def _named(r, field: str) -> bool:
    body = r.json()
    return body.get("field") == field or any(e.get("field") == field for e in body.get("errors", []))


def _payout(link_id: int, **kw: str) -> dict[str, Any]:
    body = {
        "link_id": link_id,
        "income_type": "wage",
        "amount": "400.00",
        "period_from": "2017-01-01",
        "period_to": "2017-12-31",
        "paid_on": "2017-12-20",
        "method": "bank",
        "reference": "D-1",
    }
    return {**body, **kw}


def _bodies(chain: dict[str, Any], day: str) -> list[tuple[str, str, str, dict[str, Any], str, str]]:
    """(who, method, url, body, field, table) for each date field of a write, with ``day`` in the field."""
    e, v, h, base = chain["enterprise"], chain["village"], chain["households"][1]["id"], chain["base"]
    link_body = {"enterprise_id": e, "base_id": base, "household_id": h, "terms": SHARE}
    support = {
        "enterprise_id": e,
        "village_id": v,
        "kind": "donation",
        "reference": "S-9",
        "amount": "10.00",
        "households_benefited": 1,
        "people_benefited": 1,
    }
    return [
        ("operator", "POST", "/api/v1/links", {**link_body, "start_date": day}, "start_date", "link"),
        (
            "operator",
            "POST",
            "/api/v1/links",
            {**link_body, "start_date": "2017-01-01", "end_date": day},
            "end_date",
            "link",
        ),
        ("operator", "POST", "/api/v1/payouts", _payout(chain["wage"], period_from=day), "period_from", "payout"),
        ("operator", "POST", "/api/v1/payouts", _payout(chain["wage"], period_to=day), "period_to", "payout"),
        ("operator", "POST", "/api/v1/payouts", _payout(chain["wage"], paid_on=day), "paid_on", "payout"),
        (
            "admin",
            "POST",
            "/api/v1/pairings",
            {"enterprise_id": e, "village_id": v, "start_date": day},
            "start_date",
            "pairing",
        ),
        ("operator", "POST", "/api/v1/support-records", {**support, "given_on": day}, "given_on", "support_record"),
        (
            "officer",
            "POST",
            f"/api/v1/households/{h}/hardships",
            {"kind": "illness", "occurred_on": day},
            "occurred_on",
            "hardship_event",
        ),
        (
            "officer",
            "POST",
            f"/api/v1/households/{h}/revisits",
            {"trigger": "hardship", "trigger_ref": "1", "visited_on": day, "outcome": "stable"},
            "visited_on",
            "revisit",
        ),
        (
            "admin",
            "POST",
            "/api/v1/cross-check/records",
            [
                {
                    "department": "housing",
                    "item": "shop",
                    "id_number": chain["h"]["members"][0]["id_number"],
                    "as_of": day,
                }
            ],
            "as_of",
            "department_record",
        ),
    ]


@pytest.mark.parametrize("day", [*FAR, TOMORROW.isoformat()])
async def test_a_write_dated_out_of_bounds_is_a_400_naming_the_field(client, admin, chain, day):
    who = {"admin": admin, "operator": chain["operator"], "officer": chain["officer"]}
    for caller, method, url, body, field, table in _bodies(chain, day):
        if day == TOMORROW.isoformat() and field in ("start_date", "end_date", "period_to"):
            continue  # planned days: tomorrow is within the horizon
        before = await _count(table)
        r = await client.request(method, url, json=body, headers=who[caller])
        assert r.status_code == 400, (url, field, day, r.status_code, r.text[:300])
        assert r.headers["content-type"].startswith("application/problem+json")
        assert _named(r, field), (url, field, day, r.text[:300])
        assert await _count(table) == before, (url, field, day)


async def test_planned_days_reach_the_horizon_and_no_further(client, chain):
    h = chain["households"][1]["id"]
    r = await link(
        client, chain["operator"], chain["enterprise"], chain["base"], h, SHARE, end=BEYOND_HORIZON.isoformat()
    )
    assert r.status_code == 400 and _named(r, "end_date"), r.text
    r = await link(client, chain["operator"], chain["enterprise"], chain["base"], h, SHARE, end=TOMORROW.isoformat())
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/links/{r.json()['id']}/end", json={"end_date": "9999-12-31"}, headers=chain["operator"]
    )
    assert r.status_code == 400 and _named(r, "end_date")


async def test_a_csv_payout_row_out_of_bounds_names_its_line(client, chain):
    reg = chain["h"]["registry_no"]
    text = (
        "registry_no,base,kind,amount,period_from,period_to,paid_on,method,reference\n"
        f"{reg},虾稻共作基地,wage,400.00,2017-01-01,2017-12-31,2017-12-20,bank,C-1\n"
        f"{reg},虾稻共作基地,wage,400.00,0001-01-01,2017-12-31,2017-12-20,bank,C-2\n"
        f"{reg},虾稻共作基地,wage,400.00,2017-01-01,2017-12-31,9999-12-31,bank,C-3\n"
    )
    r = await client.post(
        "/api/v1/payouts/import", files={"file": ("x.csv", text.encode(), "text/csv")}, headers=chain["operator"]
    )
    assert r.status_code == 422, r.text
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [(3, "period_from"), (4, "paid_on")]
    assert await _count("payout") == 0


async def test_a_csv_department_record_dated_in_the_future_names_its_line(client, admin, chain):
    id_number = chain["h"]["members"][0]["id_number"]
    text = f"department,item,id_number,value,as_of\nhousing,shop,{id_number},x,{TOMORROW.isoformat()}\n"
    r = await client.post(
        "/api/v1/cross-check/records/import", files={"file": ("x.csv", text.encode(), "text/csv")}, headers=admin
    )
    assert r.status_code == 400, r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(2, "as_of")]
    assert await _count("department_record") == 0


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/links/arrears?year={}", "year"),
        ("/api/v1/households/{h}/income?year={}", "year"),
        ("/api/v1/enterprises/{e}/summary?year={}", "year"),
        ("/api/v1/monitoring?year={}", "year"),
        ("/api/v1/subsidy-schemes?year={}", "year"),
        ("/api/v1/pairings/report?year={}", "year"),
        ("/api/v1/support-records?year={}", "year"),
        ("/api/v1/exports/support-records.csv?year={}", "year"),
    ],
)
@pytest.mark.parametrize("year", ["99999", "0", "1999", str(BEYOND_HORIZON.year + 1)])
async def test_a_year_parameter_out_of_bounds_is_a_400_naming_it(client, admin, chain, url, parameter, year):
    r = await client.get(url.format(year, h=chain["h"]["id"], e=chain["enterprise"]), headers=admin)
    assert r.status_code == 400, (url, year, r.status_code, r.text[:300])
    assert _named(r, parameter), r.text


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/stats/overview?as_of={}", "as_of"),
        ("/api/v1/links?active_on={}", "active_on"),
        ("/api/v1/payouts?paid_from={}", "paid_from"),
        ("/api/v1/payouts?paid_to={}", "paid_to"),
        ("/api/v1/exports/payouts.csv?paid_to={}", "paid_to"),
        ("/api/v1/audit?since={}T00:00:00Z", "since"),
        ("/api/v1/audit?until={}T00:00:00Z", "until"),
    ],
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
async def test_a_date_parameter_out_of_bounds_is_a_400_naming_it(client, admin, url, parameter, day):
    r = await client.get(url.format(day), headers=admin)
    assert r.status_code == 400, (url, day, r.status_code, r.text[:300])
    assert _named(r, parameter), r.text


async def test_a_poverty_line_is_set_only_for_a_year_within_bounds(client, admin):
    for year in (1, 1999, 9999):
        r = await client.put(f"/api/v1/poverty-lines/{year}", json={"amount": "4100.00"}, headers=admin)
        assert r.status_code == 400 and _named(r, "year"), (year, r.text)


# Found 5: a household that exited in 2017 (continuation to the end of 2022 with the default 5 years) got an
# open-ended link starting 2022-06-01 and payouts for 2025.


async def test_an_exited_households_link_ends_with_its_policy_continuation(client, chain):
    h = chain["households"][1]["id"]
    assert (await exit_household(client, chain["officer"], h, 2017)).status_code == 200
    args = (client, chain["operator"], chain["enterprise"], chain["base"], h, SHARE)
    r = await link(*args, start="2022-06-01", end="2023-05-31")
    assert r.status_code == 422 and r.json()["field"] == "end_date", r.text
    assert "2022-12-31" in r.json()["detail"]
    assert await _count("link") == 1
    r = await link(*args, start="2023-01-01")
    assert r.status_code == 422 and r.json()["field"] == "household_id"
    open_ended = await link(*args, start="2022-06-01")
    assert open_ended.status_code == 201, open_ended.text
    link_id = open_ended.json()["id"]
    pays = {"income_type": "dividend", "reference": "X-1"}
    r = await client.post(
        "/api/v1/payouts",
        json=_payout(link_id, **pays, period_from="2025-01-01", period_to="2025-12-31", paid_on="2025-12-20"),
        headers=chain["operator"],
    )
    assert r.status_code == 422 and r.json()["field"] == "period_to", r.text
    assert "continuation" in r.json()["detail"]
    assert await _count("payout") == 0
    r = await client.post(
        "/api/v1/payouts",
        json=_payout(
            link_id, **pays, amount="100.00", period_from="2022-06-01", period_to="2022-12-31", paid_on="2022-12-20"
        ),
        headers=chain["operator"],
    )
    assert r.status_code == 201, r.text
    # arrears: nothing is owed after the continuation; 2022 is owed for its seven months only
    for year in (2023, 2025):
        arrears = (await client.get(f"/api/v1/links/arrears?year={year}", headers=chain["operator"])).json()
        assert [a for a in arrears["items"] if a["link_id"] == link_id] == [], (year, arrears)
    arrears = (await client.get("/api/v1/links/arrears?year=2022", headers=chain["operator"])).json()
    (owed,) = [a for a in arrears["items"] if a["link_id"] == link_id]
    assert (owed["days_in_force"], owed["expected"], owed["paid"]) == (214, "234.52", "100.00")  # 5000 × 8 % × 214/365
    # the list says the same: in force in 2022, no longer after its continuation
    for day, listed in (("2022-12-31", True), ("2023-01-01", False), ("2025-06-01", False)):
        r = await client.get(f"/api/v1/links?active_on={day}", headers=chain["operator"])
        assert r.status_code == 200 and (link_id in [x["id"] for x in r.json()["items"]]) is listed, (day, r.text)
