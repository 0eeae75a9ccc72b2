"""Household income, enterprise summary and dividend arrears, against hand-computed figures."""

from __future__ import annotations

import pytest

from tests.chain_helpers import (
    COOPERATION,
    FRANCHISE,
    SHARE,
    WAGE,
    make_enterprise,
)
from tests.registry_helpers import make_town
from tests.world import add_link, build_world


def payout(
    link_id, income_type, amount, reference, period_from="2017-01-01", period_to="2017-12-31", paid_on="2017-12-20"
):
    return {
        "link_id": link_id,
        "income_type": income_type,
        "amount": amount,
        "period_from": period_from,
        "period_to": period_to,
        "paid_on": paid_on,
        "method": "bank",
        "reference": reference,
    }


@pytest.fixture
async def ledger(client, admin, auth):
    world = await build_world(client, admin, auth, households=2)
    h1, h2 = world["households"]
    enterprise, operator, officer = world["enterprise"], world["operator"], world["officer"]
    links = {t["kind"]: await add_link(client, world, t) for t in (SHARE, WAGE, COOPERATION, FRANCHISE)}
    share2 = await add_link(
        client, world, {**SHARE, "share_capital": "10000.00", "dividend_rate": "0.06"}, household=1, start="2017-07-01"
    )
    wage2 = await add_link(client, world, WAGE, household=1)
    rows = [
        payout(links["share"], "dividend", "400.00", "D-1"),
        payout(links["wage"], "wage", "3600.00", "W-1"),
        payout(links["wage"], "wage", "1200.00", "W-2"),
        payout(links["cooperation"], "purchase", "2520.50", "C-1"),
        payout(links["franchise"], "franchise_income", "1000.00", "F-1"),
        payout(links["wage"], "wage", "500.00", "W-2018", "2018-01-01", "2018-01-31", "2018-02-01"),
        payout(share2, "dividend", "150.00", "D-2", period_from="2017-07-01"),
        payout(wage2, "wage", "2000.00", "W-3"),
    ]
    written = await client.post("/api/v1/payouts/batch", json=rows, headers=operator)
    assert written.status_code == 201, written.text
    w2 = (await client.get(f"/api/v1/payouts?link_id={links['wage']}", headers=operator)).json()["items"]
    duplicate = next(p for p in w2 if p["reference"] == "W-2")
    r = await client.post(f"/api/v1/payouts/{duplicate['id']}/reverse", json={"reason": "录重了"}, headers=operator)
    assert r.status_code == 201
    return {
        "h1": h1,
        "h2": h2,
        "enterprise": enterprise,
        "operator": operator,
        "officer": officer,
        "links": links,
        "share2": share2,
    }


async def test_household_income_matches_the_hand_sum(client, auth, ledger):
    finance = await auth("finance")
    r = await client.get(f"/api/v1/households/{ledger['h1']['id']}/income?year=2017", headers=finance)
    assert r.status_code == 200, r.text
    income = r.json()
    # 400 + 3600 + (1200 - 1200) + 2520.50 + 1000 = 7520.50 over three members
    assert {x["income_type"]: x["amount"] for x in income["by_type"]} == {
        "dividend": "400.00",
        "franchise_income": "1000.00",
        "purchase": "2520.50",
        "wage": "3600.00",
    }
    assert income["total"] == "7520.50" and income["members"] == 3
    assert income["per_capita"] == "2506.83"  # 7520.50 / 3 = 2506.8333…
    assert income["poverty_line"] == "2952.00"
    assert income["ratio_to_line"] == "0.8492"  # 2506.83 / 2952 = 0.84920…
    y2018 = (await client.get(f"/api/v1/households/{ledger['h1']['id']}/income?year=2018", headers=finance)).json()
    assert y2018["total"] == "500.00" and y2018["per_capita"] == "166.67" and y2018["poverty_line"] == "2995.00"
    none = (await client.get(f"/api/v1/households/{ledger['h1']['id']}/income?year=2005", headers=finance)).json()
    assert none["total"] == "0.00" and none["poverty_line"] is None and none["ratio_to_line"] is None


async def test_income_access_and_year_checks(client, admin, auth, ledger):
    hid = ledger["h1"]["id"]
    assert (
        await client.get(f"/api/v1/households/{hid}/income?year=2017", headers=ledger["officer"])
    ).status_code == 200
    other = await auth("town_officer", town_id=await make_town(client, admin, "浩口镇"))
    assert (await client.get(f"/api/v1/households/{hid}/income?year=2017", headers=other)).status_code == 403
    assert (
        await client.get(f"/api/v1/households/{hid}/income?year=2017", headers=ledger["operator"])
    ).status_code == 403
    bad = await client.get(f"/api/v1/households/{hid}/income?year=17", headers=admin)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "year"
    assert (await client.get(f"/api/v1/households/{hid}/income", headers=admin)).status_code == 400


async def test_arrears_list_the_shortfall_pro_rated(client, auth, ledger):
    finance = await auth("finance")
    r = await client.get("/api/v1/links/arrears?year=2017", headers=finance)
    assert r.status_code == 200, r.text
    body = r.json()
    # h1: 5000 × 8 % = 400.00 due, 400.00 paid: kept. h2: 10000 × 6 % × 184/365 = 302.47 due, 150 paid.
    assert body["total"] == 1
    arrear = body["items"][0]
    assert arrear["link_id"] == ledger["share2"] and arrear["days_in_force"] == 184
    assert (arrear["expected"], arrear["paid"], arrear["shortfall"]) == ("302.47", "150.00", "152.47")
    next_year = (await client.get("/api/v1/links/arrears?year=2018", headers=finance)).json()
    assert sorted((a["link_id"], a["shortfall"]) for a in next_year["items"]) == sorted(
        [(ledger["links"]["share"], "400.00"), (ledger["share2"], "600.00")]
    )
    mine = (await client.get("/api/v1/links/arrears?year=2017", headers=ledger["operator"])).json()
    assert mine["total"] == 1


async def test_enterprise_summary(client, auth, ledger):
    r = await client.get(f"/api/v1/enterprises/{ledger['enterprise']}/summary?year=2017", headers=ledger["operator"])
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["households_linked"] == 2
    assert {k["kind"]: (k["households"], k["links"]) for k in s["households_by_kind"]} == {
        "share": (2, 2),
        "wage": (2, 2),
        "cooperation": (1, 1),
        "franchise": (1, 1),
    }
    assert {t["income_type"]: t["amount"] for t in s["payouts_by_type"]} == {
        "dividend": "550.00",
        "wage": "5600.00",
        "purchase": "2520.50",
        "franchise_income": "1000.00",
    }
    assert s["total_paid"] == "9670.50"
    assert [(v["households"], v["paid"]) for v in s["per_village"]] == [(2, "9670.50")]
    other = await auth("operator", enterprise_id=await make_enterprise(client, await auth("admin"), 1, 5))
    assert (
        await client.get(f"/api/v1/enterprises/{ledger['enterprise']}/summary?year=2017", headers=other)
    ).status_code == 403


async def test_poverty_lines_are_seeded_and_admin_managed(client, admin, auth):
    lines = (await client.get("/api/v1/poverty-lines", headers=await auth("auditor"))).json()
    assert [(x["year"], x["amount"]) for x in lines][:3] == [(2014, "2800.00"), (2015, "2855.00"), (2016, "2952.00")]
    assert lines[-1] == {"year": 2020, "amount": "4000.00", "province_code": None}
    r = await client.put("/api/v1/poverty-lines/2021", json={"amount": "4100.00"}, headers=admin)
    assert r.status_code == 200
    assert (
        await client.put("/api/v1/poverty-lines/2021", json={"amount": "4100"}, headers=await auth("finance"))
    ).status_code == 403
    bad = await client.put("/api/v1/poverty-lines/2021", json={"amount": 4100.5}, headers=admin)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "amount"


async def test_daily_totals_always_equal_the_ledger(client, ledger):
    """The overview reads payouts through per-day totals kept by a trigger; they must match the ledger."""
    from tests.db import fetch

    totals = await fetch("SELECT paid_on, income_type, payouts, amount FROM payout_day ORDER BY 1, 2")
    ledger_sums = await fetch(
        "SELECT paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL) AS payouts, sum(amount) AS amount"
        " FROM payout GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert [tuple(r) for r in totals] == [tuple(r) for r in ledger_sums]
    overview = (await client.get("/api/v1/stats/overview?as_of=2017-12-31", headers=ledger["operator"])).json()
    assert {t["income_type"]: (t["payouts"], t["amount"]) for t in overview["payouts_by_type"]} == {
        "dividend": (2, "550.00"),
        "franchise_income": (1, "1000.00"),
        "purchase": (1, "2520.50"),
        "wage": (3, "5600.00"),
    }


async def test_figures_are_read_only_for_days_and_years_that_have_come(client, auth):
    from datetime import date

    auditor = await auth("auditor")
    for as_of in ("9999-12-31", "0001-01-01", "1999-12-31", date.fromordinal(date.today().toordinal() + 1).isoformat()):
        r = await client.get(f"/api/v1/stats/overview?as_of={as_of}", headers=auditor)
        assert r.status_code == 400, (as_of, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == "as_of"
    assert (await client.get("/api/v1/stats/overview?as_of=2000-01-01", headers=auditor)).status_code == 200
    ahead = await client.get(f"/api/v1/links/arrears?year={date.today().year + 1}", headers=auditor)
    assert ahead.status_code == 400 and ahead.json()["errors"][0]["field"] == "year"
    assert (await client.get(f"/api/v1/links/arrears?year={date.today().year}", headers=auditor)).status_code == 200


async def test_this_years_arrears_are_what_is_due_to_today(client, admin, auth):
    import calendar
    from datetime import date
    from decimal import Decimal

    from tests.chain_helpers import SHARE
    from tests.world import add_link, build_world

    world = await build_world(client, admin, auth)
    today = date.today()
    await add_link(client, world, SHARE, start=f"{today.year}-01-01")
    r = await client.get(f"/api/v1/links/arrears?year={today.year}", headers=admin)
    assert r.status_code == 200, r.text
    days = (today - date(today.year, 1, 1)).days + 1
    in_year = 366 if calendar.isleap(today.year) else 365
    expected = (Decimal("5000.00") * Decimal("0.08") * days / in_year).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert [Decimal(a["shortfall"]) for a in r.json()["items"]] == [expected]
