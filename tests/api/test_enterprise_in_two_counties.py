"""An enterprise registered in one county with a base in another: its summary read by a county's account
shows only its work in that county (the other county's households and payouts are not the reader's to see),
a batch of its payouts is entered in each county's audit chain for the payouts written there, and the
dashboard's charts hold the caller's region only."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.chain_helpers import WAGE, link, make_base
from tests.db import fetch
from tests.registry_helpers import make_household, make_village, register
from tests.world import add_link, build_world


def _payout(link_id: int, amount: str, reference: str) -> dict:
    return {
        "link_id": link_id,
        "income_type": "wage",
        "amount": amount,
        "period_from": "2017-05-01",
        "period_to": "2017-05-31",
        "paid_on": "2017-06-01",
        "method": "bank",
        "reference": reference,
    }


async def _pay(client, operator, link_id: int, amount: str, reference: str) -> None:
    r = await client.post("/api/v1/payouts", json=_payout(link_id, amount, reference), headers=operator)
    assert r.status_code == 201, r.text


async def _account(client, admin, role: str, region_id: int) -> dict[str, str]:
    r = await client.post(
        "/api/v1/accounts", json={"name": f"{role} {region_id}", "role": role, "region_id": region_id}, headers=admin
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.fixture
async def two_counties(client, admin, auth) -> dict:
    """The enterprise of the home county's world, linked to a household at home and to one of 429006 through
    a base there; their links under ``home_link`` and ``away_link``."""
    world = await build_world(client, admin, auth)
    operator, enterprise = world["operator"], world["enterprise"]
    home_link = await add_link(client, world, WAGE)

    home = (await client.get("/api/v1/regions/429005", headers=admin)).json()
    neighbour = (await client.post("/api/v1/regions", json={"code": "429006", "name": "示范县2"}, headers=admin)).json()
    town = (
        await client.post("/api/v1/towns", json={"name": "邻县镇", "county_id": neighbour["id"]}, headers=admin)
    ).json()
    village = await make_village(client, admin, town["id"], name="邻村")
    household = await make_household(client, admin, village, 70)
    await register(client, admin, household["id"])
    base = await make_base(client, operator, enterprise, village, name="邻县基地")
    r = await link(client, operator, enterprise, base, household["id"], WAGE)
    assert r.status_code == 201, r.text
    return {**world, "home": home, "home_link": home_link, "away_link": r.json()["id"]}


async def test_a_county_reads_only_its_part_of_an_enterprise_working_in_two(client, admin, two_counties):
    world, operator, enterprise = two_counties, two_counties["operator"], two_counties["enterprise"]
    home = world["home"]
    await _pay(client, operator, world["home_link"], "1000.00", "home-1")
    await _pay(client, operator, world["away_link"], "250.00", "away-1")

    def summary(headers):
        return client.get(f"/api/v1/enterprises/{enterprise}/summary?year=2017", headers=headers)

    everything = (await summary(admin)).json()
    assert Decimal(everything["total_paid"]) == Decimal("1250.00")
    assert everything["households_linked"] == 2 and len(everything["per_village"]) == 2

    for role in ("auditor", "finance"):
        mine = (await summary(await _account(client, admin, role, home["id"]))).json()
        assert Decimal(mine["total_paid"]) == Decimal("1000.00"), (role, mine)
        assert mine["households_linked"] == 1
        assert [v["village_id"] for v in mine["per_village"]] == [world["village"]]
        assert sum(k["households"] for k in mine["households_by_kind"]) == 1
    # the operator sees its enterprise everywhere
    assert Decimal((await summary(operator)).json()["total_paid"]) == Decimal("1250.00")


async def test_a_batch_is_entered_in_the_chain_of_each_county_it_wrote_in(client, two_counties):
    rows = [
        _payout(two_counties["home_link"], "1000.00", "b-1"),
        _payout(two_counties["home_link"], "500.00", "b-2"),
        _payout(two_counties["away_link"], "250.00", "b-3"),
    ]
    r = await client.post("/api/v1/payouts/batch", json=rows, headers=two_counties["operator"])
    assert r.status_code == 201, r.text
    entries = await fetch(
        "SELECT chain, after FROM audit_entry WHERE action = 'create_batch' AND entity = 'payout_batch' ORDER BY chain"
    )
    parts = {e["chain"]: json.loads(e["after"]) for e in entries}
    assert set(parts) == {"429005", "429006"}
    assert (parts["429005"]["written"], parts["429005"]["total_written"]) == (2, "1500.00")
    assert (parts["429006"]["written"], parts["429006"]["total_written"]) == (1, "250.00")
    assert {p["batch_written"] for p in parts.values()} == {3}


async def test_the_dashboard_charts_hold_the_caller_s_region_only(client, two_counties):
    from app.core.principal import Principal, Role
    from app.stats import service as stats

    await _pay(client, two_counties["operator"], two_counties["home_link"], "1000.00", "c-1")
    await _pay(client, two_counties["operator"], two_counties["away_link"], "250.00", "c-2")

    def june(rows: list[dict]) -> Decimal:
        return sum((Decimal(r["amount"]) for r in rows if r["month"] == 6), Decimal("0.00"))

    for region, expected in ((None, "1250.00"), ("42", "1250.00"), ("429005", "1000.00"), ("429006", "250.00")):
        reader = Principal(account_id=1, name="reader", role=Role.auditor, region_code=region)
        by_type, by_industry = await stats.monthly_payouts(reader, 2017)
        assert june(by_type) == june(by_industry) == Decimal(expected), region
    reader = Principal(account_id=1, name="reader", role=Role.finance, region_code="429006")
    assert await stats.subsidies_by_town(reader) == []
