"""The demo Qianjiang: the overview shows exactly the city's figures, and every part has data to look at."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.demo import DemoRefused, load_demo

# the city's 2017 report: what the demo's overview shows (and, in a demo province, each county's)
REPORTED = {
    "towns": 22,
    "poor_villages_registered": 51,
    "poor_villages_exited": 27,
    "households_registered": 22108,
    "people_registered": 64052,
    "people_exited": 24399,
    "people_removed": 1691,
    "people_added_after_first_round": 1691,
    "enterprises_paired": 42,
    "poor_villages_paired": 51,
}
# the demo's own ledgers, as of today: its year of payouts and its scheme's vouchers. The share links whose funds
# became project assets in 2017 are paid their 400.00 as the assets' income (app/demo/assets.py): the dividends
# before the assets, 1,842 payouts of 681,600.00, are the dividends and the asset income together
DIVIDENDS_BEFORE_ASSETS = {"payouts": 1842, "amount": "681600.00"}
ASSET_INCOME = {"income_type": "asset_income", "payouts": 244, "amount": "97600.00"}
OTHER_PAYOUTS = [
    {"income_type": "dividend", "payouts": 1598, "amount": "584000.00"},
    {"income_type": "franchise_income", "payouts": 3684, "amount": "9391260.00"},
    {"income_type": "purchase", "payouts": 3686, "amount": "21191684.00"},
    {"income_type": "wage", "payouts": 3686, "amount": "7184840.00"},
]
DEMO_AMOUNTS = {
    "payouts_by_type": [ASSET_INCOME, *OTHER_PAYOUTS],
    "payouts_total": "38449384.00",
    "subsidies_approved": "2848350.00",
    "subsidies_approved_count": 1400,
    "subsidies_paid": "1895400.00",
    "subsidies_paid_count": 959,
}
# what the import templates carry of the payouts: all but the assets' income, which only a distribution writes
# (the templates have no asset link, and the asset register is no import kind)
TEMPLATE_AMOUNTS = {"payouts_by_type": OTHER_PAYOUTS, "payouts_total": "38351784.00"}


async def test_the_overview_after_the_demo_shows_the_reported_figures(client):
    loaded = await load_demo()
    assert set(loaded.tokens) == {"admin", "finance", "auditor", "town_officer", "operator"}
    headers = {role: {"Authorization": f"Bearer {token}"} for role, token in loaded.tokens.items()}
    # the printout says what the scoped tokens are bound to, and says it truly
    officer = (await client.get("/api/v1/me", headers=headers["town_officer"])).json()
    operator = (await client.get("/api/v1/me", headers=headers["operator"])).json()
    enterprise = (await client.get("/api/v1/enterprises/1", headers=headers["admin"])).json()
    assert officer["town_id"] == 1 and operator["enterprise_id"] == 1
    assert loaded.scopes == {"town_officer": "town 1 园林街道", "operator": f"enterprise 1 {enterprise['name']}"}
    r = await client.get("/api/v1/stats/overview", headers=headers["auditor"])
    assert r.status_code == 200, r.text
    o = r.json()
    assert {k: o[k] for k in REPORTED} == REPORTED
    assert {k: o[k] for k in DEMO_AMOUNTS} == DEMO_AMOUNTS
    assert {t["income_type"] for t in o["payouts_by_type"]} == {
        "asset_income",
        "dividend",
        "wage",
        "purchase",
        "franchise_income",
    }
    # the asset income is carved out of the dividends: together they are the dividends of before
    split = [t for t in o["payouts_by_type"] if t["income_type"] in ("asset_income", "dividend")]
    assert sum(t["payouts"] for t in split) == DIVIDENDS_BEFORE_ASSETS["payouts"]
    assert sum(Decimal(t["amount"]) for t in split) == Decimal(DIVIDENDS_BEFORE_ASSETS["amount"])
    assert o["subsidies_paid_count"] > 0 and o["subsidies_approved_count"] > o["subsidies_paid_count"]

    # as of the end of 2014, before any exit, removal or late addition
    early = (await client.get("/api/v1/stats/overview?as_of=2014-12-31", headers=headers["admin"])).json()
    assert early["people_exited"] == 0 and early["people_removed"] == 0
    assert early["people_added_after_first_round"] == 0
    assert early["people_registered"] == 64052 - 1691 + 1691  # the removed were still on it, the late not yet
    assert early["poor_villages_exited"] == 0 and early["payouts_total"] == "0.00"

    # every stage of a claim is there, and the other views have something to show
    claims = (await client.get("/api/v1/subsidy-claims?limit=1", headers=headers["finance"])).json()
    assert claims["total"] == 2000
    for status in ("filed", "verified", "approved", "rejected"):
        assert (await client.get(f"/api/v1/subsidy-claims?status={status}&limit=1", headers=headers["finance"])).json()[
            "total"
        ] > 0
    arrears = (await client.get("/api/v1/links/arrears?year=2017&limit=1", headers=headers["finance"])).json()
    assert arrears["total"] > 0
    watch = (await client.get("/api/v1/monitoring?year=2017&limit=1", headers=headers["auditor"])).json()
    assert watch["total"] > 0
    preview = (await client.get("/api/v1/subsidy-schemes/1/preview", headers=headers["finance"])).json()
    assert preview["approved"] != "0.00" and preview["pending"] != "0.00"
    mine = (await client.get("/api/v1/households?limit=1", headers=headers["operator"])).json()
    assert mine["total"] > 0
    verify = (await client.get("/api/v1/audit/verify", headers=headers["auditor"])).json()
    assert verify["ok"] is True

    with pytest.raises(DemoRefused):
        await load_demo()
