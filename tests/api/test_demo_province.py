"""The demo province: ``load_demo(counties=3)`` (``chainaid demo --counties 3``) builds three counties like
Qianjiang, and the overview of the province (``?region=42``) shows each with exactly the single-county
demo's figures, side by side, and their sum."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from app.demo import MAX_COUNTIES, county_codes, load_demo
from tests.api.test_demo import DEMO_AMOUNTS, REPORTED

# the figures a region's total adds up from its counties'
ADDED = [
    *REPORTED,
    "payouts_total",
    "subsidies_approved",
    "subsidies_approved_count",
    "subsidies_paid",
    "subsidies_paid_count",
]


def _figures(o: dict) -> dict:
    return {k: o[k] for k in (*REPORTED, *DEMO_AMOUNTS)}


async def test_a_province_of_three_demo_counties_shows_each_with_the_reported_figures(client):
    loaded = await load_demo(counties=3)
    auditor = {"Authorization": f"Bearer {loaded.tokens['auditor']}"}
    single = REPORTED | DEMO_AMOUNTS

    r = await client.get("/api/v1/stats/overview?region=42", headers=auditor)
    assert r.status_code == 200, r.text
    province = r.json()
    assert province["region"] == "42"
    assert [(c["code"], c["name"]) for c in province["counties"]] == [
        ("429005", "潜江市"),
        ("429006", "示范县2"),
        ("429007", "示范县3"),
    ]
    for county in province["counties"]:
        assert _figures(county) == single, county["code"]
    # the province's figures are the counties' summed: three times each
    for k in ADDED:
        assert Decimal(str(province[k])) == 3 * Decimal(str(single[k])), k
    assert province["payouts_by_type"] == [
        {**t, "payouts": 3 * t["payouts"], "amount": f"{3 * Decimal(t['amount']):.2f}"}
        for t in DEMO_AMOUNTS["payouts_by_type"]
    ]
    # without a region, the whole database: the same sums, in today's shape (no region, no counties)
    whole = (await client.get("/api/v1/stats/overview", headers=auditor)).json()
    assert "counties" not in whole and "region" not in whole
    assert {k: whole[k] for k in (*ADDED, "payouts_by_type")} == {k: province[k] for k in (*ADDED, "payouts_by_type")}

    # a city's prefix (4290) and one county's code: the same county figures
    city = (await client.get("/api/v1/stats/overview?region=4290", headers=auditor)).json()
    assert city["counties"] == province["counties"]
    qianjiang = (await client.get("/api/v1/stats/overview?region=429005", headers=auditor)).json()
    assert qianjiang["counties"] == province["counties"][:1]
    assert _figures(qianjiang) == single

    # as of the end of 2014, before any exit, removal or late addition: each county as the single demo
    early = (await client.get("/api/v1/stats/overview?region=42&as_of=2014-12-31", headers=auditor)).json()
    for county in early["counties"]:
        assert county["people_registered"] == 64052 and county["people_exited"] == 0
        assert county["payouts_total"] == "0.00" and county["poor_villages_exited"] == 0
    assert early["people_registered"] == 3 * 64052

    # registry numbers, ID numbers and credit codes stay each county's own
    households = (await client.get("/api/v1/households?limit=1", headers=auditor)).json()
    assert households["total"] == 3 * (REPORTED["households_registered"] + 564)


@pytest.mark.parametrize("region", ["4", "429", "42900501", "4a", "x", "４２"])
async def test_a_malformed_region_is_refused_naming_the_field(client, admin, region):
    r = await client.get("/api/v1/stats/overview", params={"region": region}, headers=admin)
    assert r.status_code == 400, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["region"]


async def test_a_region_without_counties_is_not_found_and_a_county_without_data_shows_zeros(
    client, admin, empty_directory
):
    for code, name in (("42", "湖北省"), ("429005", "潜江市")):
        assert (
            await client.post("/api/v1/regions", json={"code": code, "name": name}, headers=admin)
        ).status_code == 201
    for region in ("43", "4291", "429006"):
        r = await client.get(f"/api/v1/stats/overview?region={region}", headers=admin)
        assert r.status_code == 404, r.text
    r = await client.get("/api/v1/stats/overview?region=42", headers=admin)
    assert r.status_code == 200, r.text
    (county,) = r.json()["counties"]
    assert county["code"] == "429005" and county["households_registered"] == 0
    assert county["payouts_by_type"] == [] and county["subsidies_paid"] == "0.00"


def test_the_demo_counties_have_distinct_valid_codes_and_the_count_is_bounded():
    codes = county_codes(MAX_COUNTIES)
    assert codes[:3] == [("429005", "潜江市"), ("429006", "示范县2"), ("429007", "示范县3")]
    assert len({c for c, _ in codes}) == MAX_COUNTIES
    assert all(len(c) == 6 and c.startswith("42") and c[4:] != "00" for c, _ in codes)
    assert ("429101", "示范县96") in codes  # 429100 is no county's code
    for bad in (0, MAX_COUNTIES + 1):
        with pytest.raises(ValueError, match="counties"):
            asyncio.run(load_demo(counties=bad))  # refused before it reaches the database
