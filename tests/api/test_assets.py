"""Project assets (issue 15): the register, ownership confirmations, operating agreements, income received from
the operator and its distribution to households, seen in the households' income and in the ledger export."""

from __future__ import annotations

import asyncio
import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from tests.chain_helpers import FRANCHISE, SHARE, make_base, make_enterprise
from tests.db import fetch, fetchrow
from tests.registry_helpers import make_household, make_town, make_village, step
from tests.world import build_world

TABLES = ("asset", "asset_funding", "asset_ownership", "asset_owner", "asset_agreement", "asset_beneficiary")
LEDGERS = ("asset_income", "asset_distribution", "payout", "link", "payout_batch")


async def counts(*tables: str) -> dict[str, int]:
    return {t: (await fetch(f"SELECT count(*) AS n FROM {t}"))[0]["n"] for t in tables}


def named(r, field: str) -> bool:
    body = r.json()
    return body.get("field") == field or any(e.get("field") == field for e in body.get("errors", []))


def asset_body(world: dict[str, Any], **change: Any) -> dict[str, Any]:
    return {
        "name": "赵脑村虾稻冷库",
        "asset_class": "operating",
        "kind": "storage",
        "village_id": world["village"],
        "status": "in_use",
        "completed_on": "2019-06-30",
        "book_value": "400000.00",
        "depreciation": "straight_line",
        "useful_life_years": 20,
        "industry": "crayfish_rice",
        "base_id": world["base"],
        "funding": [
            {"source": "central", "year": 2019, "amount": "300000.00"},
            {"source": "county", "year": 2019, "amount": "100000.00"},
        ],
        **change,
    }


def agreement_body(world: dict[str, Any], **change: Any) -> dict[str, Any]:
    return {
        "operator_id": world["enterprise"],
        "form": "lease",
        "starts_on": "2020-01-01",
        "ends_on": "2029-12-31",
        "signed_on": "2019-12-20",
        "document_no": "赵脑村租〔2019〕3号",
        "guaranteed_rate": "0.08",
        "method": "by_members",
        "public_share": "0.1",
        "households": [{"household_id": h["id"]} for h in world["households"]],
        **change,
    }


@pytest.fixture
async def world(client, admin, auth) -> dict[str, Any]:
    w = await build_world(client, admin, auth, households=3)
    return {**w, "finance": await auth("finance"), "auditor": await auth("auditor")}


async def make_asset(client, world, **change: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/assets", json=asset_body(world, **change), headers=world["finance"])
    assert r.status_code == 201, r.text
    return r.json()


async def sign(client, world, asset_id: int, **change: Any) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/assets/{asset_id}/agreements", json=agreement_body(world, **change), headers=world["finance"]
    )
    assert r.status_code == 201, r.text
    return r.json()


async def receive(client, world, agreement_id: int, amount: str, reference: str = "HD-2020", **change: Any):
    body = {"received_on": "2021-01-15", "period_year": 2020, "amount": amount, "reference": reference, **change}
    return await client.post(f"/api/v1/asset-agreements/{agreement_id}/income", json=body, headers=world["finance"])


async def distribute(client, world, income_id: int, paid_on: str = "2021-01-20", **change: Any):
    return await client.post(
        f"/api/v1/asset-income/{income_id}/distribution",
        json={"paid_on": paid_on, "method": "bank", **change},
        headers=world["finance"],
    )


# ---- the whole flow ---------------------------------------------------------------------------------


async def test_register_confirm_sign_receive_distribute_and_see_it_in_income_and_the_ledger(client, world):
    asset = await make_asset(client, world)
    assert asset["funding_total"] == "400000.00"
    assert asset["owner_kind"] is None and asset["county_code"] == "429005"
    assert [f["source"] for f in asset["funding"]] == ["central", "county"]

    r = await client.post(
        f"/api/v1/assets/{asset['id']}/ownership",
        json={"owner_kind": "village_collective", "confirmed_on": "2019-08-01", "document_no": "熊确〔2019〕12号"},
        headers=world["finance"],
    )
    assert r.status_code == 201, r.text
    h1, h2, h3 = (h["id"] for h in world["households"])
    r = await client.post(
        f"/api/v1/assets/{asset['id']}/ownership",
        json={
            "owner_kind": "households",
            "confirmed_on": "2020-03-01",
            "document_no": "熊确〔2020〕4号",
            "household_ids": [h1, h2],
        },
        headers=world["finance"],
    )
    assert r.status_code == 201, r.text
    assert r.json()["household_ids"] == [h1, h2]
    detail = (await client.get(f"/api/v1/assets/{asset['id']}", headers=world["auditor"])).json()
    assert detail["owner_kind"] == "households"  # the latest confirmation is the current one
    assert [o["owner_kind"] for o in detail["ownership"]] == ["households", "village_collective"]

    agreement = await sign(client, world, asset["id"])
    assert agreement["promised_yearly"] == "32000.00"  # 8 % of the 400,000.00 invested
    assert agreement["base_id"] == world["base"]  # the asset's base
    assert [b["household_id"] for b in agreement["households"]] == [h1, h2, h3]

    r = await receive(client, world, agreement["id"], "32000.00")
    assert r.status_code == 201, r.text
    income = r.json()
    assert income["distribution_id"] is None

    r = await distribute(client, world, income["id"])
    assert r.status_code == 201, r.text
    out = r.json()
    # 32000.00: 10 % kept (3200.00), 28800.00 by members, 3 each of 9: 9600.00 apiece
    assert (out["public_amount"], out["distributed"], out["households_paid"]) == ("3200.00", "28800.00", 3)
    assert (out["period_from"], out["period_to"]) == ("2020-01-01", "2020-12-31")
    assert out["remainder_rule"].startswith("largest remainder in fen")

    shares = (await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["officer"])).json()
    assert [s["amount"] for s in shares["shares"]] == ["9600.00"] * 3
    assert shares["shares"][0]["explanation"][0] == "3 of 9 members: 28800.00 × 3/9 = 9600.00"
    assert all(s["standing"] == "registered" and s["payout_id"] for s in shares["shares"])

    # the household's income for the year it was paid in, through the existing report
    r = await client.get(f"/api/v1/households/{h1}/income?year=2021", headers=world["officer"])
    assert r.status_code == 200, r.text
    by_type = {line["income_type"]: line for line in r.json()["by_type"]}
    assert by_type["asset_income"] == {"income_type": "asset_income", "amount": "9600.00", "payouts": 1}
    assert r.json()["total"] == "9600.00"

    # the ledger export (CSV written by the database) holds the three payouts under their asset links
    r = await client.get("/api/v1/exports/payouts.csv?income_type=asset_income", headers=world["auditor"])
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted((int(x["household_id"]), x["amount"]) for x in rows) == [(h, "9600.00") for h in (h1, h2, h3)]
    assert {x["reference"] for x in rows} == {f"asset-income-{income['id']}-{h}" for h in (h1, h2, h3)}
    links = {int(x["link_id"]) for x in rows}
    # each payout's fingerprint is the ledger's own (a resend through the payout API would be told apart alike)
    from app.payouts.rules import body_hash

    for p in await fetch("SELECT * FROM payout WHERE income_type = 'asset_income'"):
        assert p["body_hash"] == body_hash(
            p["link"],
            "asset_income",
            p["amount"],
            p["period_from"],
            p["period_to"],
            p["paid_on"],
            "bank",
            p["reference"],
        )
    stored = await fetch(
        "SELECT kind, enterprise, base, start_date, end_date FROM link WHERE id = ANY($1::int[])", list(links)
    )
    assert {(s["kind"], s["enterprise"], s["base"]) for s in stored} == {("asset", world["enterprise"], world["base"])}
    assert {str(s["start_date"]) for s in stored} == {"2020-01-01"}
    # the links list shows them as links of kind asset, with their terms' kind
    r = await client.get("/api/v1/links?kind=asset", headers=world["auditor"])
    assert r.json()["total"] == 3 and r.json()["items"][0]["terms"] == {"kind": "asset"}
    # the operator sees its payouts too, and the asset it runs
    r = await client.get("/api/v1/payouts?income_type=asset_income", headers=world["operator"])
    assert r.json()["total"] == 3
    assert (await client.get(f"/api/v1/assets/{asset['id']}", headers=world["operator"])).status_code == 200

    # the income now names its distribution; the payouts are one batch of source "asset"
    listed = (await client.get(f"/api/v1/asset-agreements/{agreement['id']}/income", headers=world["auditor"])).json()
    assert listed["items"][0]["distribution_id"] == out["id"]
    batch = await fetchrow("SELECT source, rows_written FROM payout_batch WHERE id = $1", out["payout_batch_id"])
    assert dict(batch) == {"source": "asset", "rows_written": 3}

    # audited, each in the county's chain
    audit = await fetch(
        "SELECT entity, action, chain FROM audit_entry WHERE entity LIKE 'asset%' ORDER BY id",
    )
    assert [(a["entity"], a["action"]) for a in audit] == [
        ("asset", "create"),
        ("asset_ownership", "confirm"),
        ("asset_ownership", "confirm"),
        ("asset_agreement", "sign"),
        ("asset_income", "record"),
        ("asset_distribution", "distribute"),
    ]
    assert {a["chain"] for a in audit} == {"429005"}


async def test_distributing_an_income_twice_returns_the_first_or_is_refused(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "1000.00")).json()
    first = await distribute(client, world, income["id"])
    assert first.status_code == 201, first.text
    before = await counts(*LEDGERS)
    again = await distribute(client, world, income["id"])
    assert again.status_code == 200 and again.json() == first.json()
    other = await distribute(client, world, income["id"], paid_on="2021-02-01")
    assert other.status_code == 409, other.text
    assert other.json()["existing_distribution_id"] == first.json()["id"]
    assert await counts(*LEDGERS) == before


async def test_two_distributions_of_one_income_at_once_write_it_once(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "1000.00")).json()
    answers = await asyncio.gather(*(distribute(client, world, income["id"]) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 201]
    assert len({r.json()["id"] for r in answers}) == 1
    assert (await counts("payout", "asset_distribution"))["payout"] == 3


async def test_a_second_income_reuses_the_households_asset_links(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    first = (await receive(client, world, agreement["id"], "900.00", "HD-1")).json()
    assert (await distribute(client, world, first["id"])).status_code == 201
    links = (await counts("link"))["link"]
    second = (await receive(client, world, agreement["id"], "300.00", "HD-2", period_year=2021)).json()
    r = await distribute(client, world, second["id"], paid_on="2021-03-01")
    assert r.status_code == 201, r.text
    assert (await counts("link"))["link"] == links
    assert (await counts("payout"))["payout"] == 6


async def test_remainders_and_a_household_that_left_the_register(client, world):
    asset = await make_asset(client, world)
    h1, h2, h3 = (h["id"] for h in world["households"])
    agreement = await sign(client, world, asset["id"], method="equal", public_share="0")
    r = await step(client, world["officer"], h2, "removed", reason="moved_away")
    assert r.status_code == 200, r.text
    income = (await receive(client, world, agreement["id"], "1000.01")).json()
    r = await distribute(client, world, income["id"])
    assert r.status_code == 201, r.text
    assert (r.json()["households_paid"], r.json()["households_excluded"]) == (2, 1)
    shares = (await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["auditor"])).json()
    parts = {s["household_id"]: s for s in shares["shares"]}
    # 100001 fen between two: 50000.5 each; the fen left goes to the household listed first
    assert (parts[h1]["amount"], parts[h2]["amount"], parts[h3]["amount"]) == ("500.01", "0.00", "500.00")
    assert parts[h2]["explanation"] == ["excluded (removed from the register) → 0.00"]
    assert (parts[h2]["standing"], parts[h2]["included"], parts[h2]["payout_id"]) == ("removed", False, None)
    assert parts[h1]["explanation"][-1] == (
        "remainder 0.5 fen, 1 of 2 by remainder: gets one of the 1 fen left → 500.01"
    )
    assert "1 listed household(s) excluded, their parts going to the others" in shares["explanation"]
    paid = await fetch("SELECT household FROM payout WHERE income_type = 'asset_income'")
    assert {p["household"] for p in paid} == {h1, h3}


async def test_weighted_shares_and_a_monitored_ordinary_household(client, world):
    village = world["village"]
    r = await client.post(
        "/api/v1/ordinary-households",
        json={k: v for k, v in (await _ordinary(village)).items() if k not in ("registry_no", "attribute")},
        headers=world["officer"],
    )
    assert r.status_code == 201, r.text
    ordinary = r.json()["id"]
    h1 = world["households"][0]["id"]
    asset = await make_asset(client, world)
    agreement = await sign(
        client,
        world,
        asset["id"],
        method="weighted",
        public_share="0",
        households=[{"household_id": h1, "weight": "2"}, {"household_id": ordinary, "weight": "1"}],
    )
    income = (await receive(client, world, agreement["id"], "100.00")).json()
    # not monitored: the ordinary household is on no register and takes no part
    r = await distribute(client, world, income["id"])
    assert r.status_code == 201, r.text
    shares = (await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["auditor"])).json()
    assert [(s["amount"], s["standing"]) for s in shares["shares"]] == [
        ("100.00", "registered"),
        ("0.00", "not_on_register"),
    ]
    assert shares["shares"][1]["explanation"] == ["excluded (not on the register (ordinary) and not monitored) → 0.00"]
    # monitored now: it takes its weight's part of the next income
    await fetch(
        "INSERT INTO monitoring_case (household, channel, category, year, line, income, rigid_spending, consent,"
        " applied_on, step, steps, state, created_at) VALUES ($1, 'visit', 'marginal', 2020, 6000, 4000, 0, 'x',"
        " '2020-03-01', 'announced', '{}', 'monitored', now())",
        ordinary,
    )
    income = (await receive(client, world, agreement["id"], "100.00", "HD-2", period_year=2021)).json()
    assert (await distribute(client, world, income["id"], paid_on="2021-02-01")).status_code == 201
    shares = (await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["auditor"])).json()
    assert [(s["amount"], s["standing"]) for s in shares["shares"]] == [("66.67", "registered"), ("33.33", "monitored")]
    assert shares["shares"][0]["explanation"][0] == "weight 2 of 3: 100.00 × 2/3 = 66.666666…"


async def _ordinary(village: int) -> dict[str, Any]:
    from tests.registry_helpers import household_body

    return household_body(village, 9)


async def test_by_members_counts_the_members_on_the_day_paid(client, world):
    h1 = world["households"][0]
    r = await client.post(
        f"/api/v1/members/{h1['members'][2]['id']}/leave",
        json={"reason": "moved_away", "left_on": "2020-06-01"},
        headers=world["officer"],
    )
    assert r.status_code == 200, r.text
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"], public_share="0")
    income = (await receive(client, world, agreement["id"], "800.00")).json()
    assert (await distribute(client, world, income["id"])).status_code == 201
    shares = (await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["auditor"])).json()
    # 2 + 3 + 3 = 8 members: 200.00, 300.00, 300.00
    assert [(s["members"], s["amount"]) for s in shares["shares"]] == [(2, "200.00"), (3, "300.00"), (3, "300.00")]


async def test_an_income_all_kept_for_public_welfare_pays_nobody(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"], public_share="1", households=[])
    income = (await receive(client, world, agreement["id"], "5000.00")).json()
    r = await distribute(client, world, income["id"])
    assert r.status_code == 201, r.text
    assert (r.json()["public_amount"], r.json()["households_paid"], r.json()["payout_batch_id"]) == ("5000.00", 0, None)
    assert (await counts("payout"))["payout"] == 0


async def test_an_income_nobody_may_share_is_refused_and_nothing_is_written(client, world):
    asset = await make_asset(client, world)
    h1 = world["households"][0]["id"]
    agreement = await sign(client, world, asset["id"], households=[{"household_id": h1}])
    assert (await step(client, world["officer"], h1, "removed", reason="deceased")).status_code == 200
    income = (await receive(client, world, agreement["id"], "100.00")).json()
    before = await counts(*LEDGERS)
    r = await distribute(client, world, income["id"])
    assert r.status_code == 409, r.text
    assert "no listed household is still on the register or monitored" in r.json()["detail"]
    assert await counts(*LEDGERS) == before


# ---- records and retries ---------------------------------------------------------------------------


async def test_an_income_resent_returns_the_first_and_another_body_is_a_conflict(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    first = await receive(client, world, agreement["id"], "1000.00", "hd-7")
    assert first.status_code == 201
    again = await receive(client, world, agreement["id"], "1000.00", "HD-7")  # a reference whatever its case
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = await receive(client, world, agreement["id"], "1000.01", "hd-7")
    assert clash.status_code == 409 and named(clash, "reference")
    assert (await counts("asset_income"))["asset_income"] == 1


async def test_an_asset_is_updated_audited_and_a_disposed_one_stays_as_it_was(client, world):
    asset = await make_asset(client, world)
    r = await client.patch(
        f"/api/v1/assets/{asset['id']}",
        json={
            "status": "idle",
            "note": "2023年停用",
            "funding": [{"source": "provincial", "year": 2020, "amount": "5.00"}],
        },
        headers=world["finance"],
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["funding_total"], r.json()["note"]) == ("idle", "5.00", "2023年停用")
    entry = await fetchrow("SELECT before, after FROM audit_entry WHERE entity = 'asset' AND action = 'update'")
    assert '"in_use"' in entry["before"] and '"idle"' in entry["after"]
    r = await client.patch(
        f"/api/v1/assets/{asset['id']}", json={"industry": None, "note": None}, headers=world["finance"]
    )
    assert (r.status_code, r.json()["industry"], r.json()["note"]) == (200, None, None)
    r = await client.patch(
        f"/api/v1/assets/{asset['id']}", json={"status": "under_construction"}, headers=world["finance"]
    )
    assert r.status_code == 400 and named(r, "completed_on")
    r = await client.patch(f"/api/v1/assets/{asset['id']}", json={"status": "disposed"}, headers=world["finance"])
    assert r.status_code == 400 and named(r, "status")
    r = await client.patch(f"/api/v1/assets/{asset['id']}", json={}, headers=world["finance"])
    assert r.status_code == 400
    await fetch("UPDATE asset SET status = 'disposed' WHERE id = $1", asset["id"])
    r = await client.patch(f"/api/v1/assets/{asset['id']}", json={"note": "x"}, headers=world["finance"])
    assert r.status_code == 409, r.text


# ---- bad input: a 4xx naming the field, nothing written ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"village_id": 999999}, 422, "village_id"),
        ({"book_value": "-5"}, 400, "book_value"),
        ({"book_value": "12.345"}, 400, "book_value"),
        ({"status": "disposed"}, 400, "status"),
        ({"completed_on": None}, 400, "completed_on"),
        ({"status": "under_construction"}, 400, "completed_on"),
        ({"useful_life_years": None}, 400, "useful_life_years"),
        ({"depreciation": "none"}, 400, "useful_life_years"),
        ({"completed_on": "2999-01-01"}, 400, "completed_on"),
        ({"funding": [{"source": "central", "year": 2019, "amount": "0"}]}, 400, "funding[0].amount"),
        ({"funding": [{"source": "bank", "year": 2019, "amount": "1.00"}]}, 400, "funding[0].source"),
        ({"funding": [{"source": "central", "year": 1899, "amount": "1.00"}]}, 400, "funding[0].year"),
        ({"industry": "rubber"}, 422, "industry"),
        ({"base_id": 999999}, 422, "base_id"),
        ({"kind": "castle"}, 400, "kind"),
        ({"asset_class": "private"}, 400, "asset_class"),
        ({"name": " "}, 400, "name"),
    ],
)
async def test_a_bad_asset_is_refused_naming_the_field(client, world, change, status, field):
    before = await counts(*TABLES)
    r = await client.post("/api/v1/assets", json=asset_body(world, **change), headers=world["finance"])
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert named(r, field), r.json()
    assert await counts(*TABLES) == before


async def test_a_second_asset_of_the_same_name_in_the_village_is_a_conflict(client, world):
    first = await make_asset(client, world)
    r = await client.post("/api/v1/assets", json=asset_body(world), headers=world["finance"])
    assert r.status_code == 409 and named(r, "name") and r.json()["existing_asset_id"] == first["id"]


async def test_bad_ownership_agreements_income_and_distributions_are_refused(client, world, admin):
    asset = await make_asset(client, world)
    elsewhere = await make_village(client, admin, world["town"], name="王场村")
    stranger = await make_household(client, world["officer"], elsewhere, 7)
    h1 = world["households"][0]["id"]
    url = f"/api/v1/assets/{asset['id']}/ownership"
    for body, status, field in (
        ({"owner_kind": "households", "household_ids": [stranger["id"]]}, 422, "household_ids[0]"),
        ({"owner_kind": "households", "household_ids": [999999]}, 422, "household_ids[0]"),
        ({"owner_kind": "households", "household_ids": [h1, h1]}, 400, "household_ids[1]"),
        ({"owner_kind": "households", "household_ids": []}, 400, "household_ids"),
        ({"owner_kind": "village_collective", "household_ids": [h1]}, 400, "household_ids"),
        ({"owner_kind": "village_collective", "document_no": ""}, 400, "document_no"),
        ({"owner_kind": "village_collective", "confirmed_on": "2999-01-01"}, 400, "confirmed_on"),
    ):
        before = await counts(*TABLES)
        full = {"confirmed_on": "2020-01-01", "document_no": "熊确1号", **body}
        r = await client.post(url, json=full, headers=world["finance"])
        assert (r.status_code, named(r, field)) == (status, True), (body, r.text)
        assert await counts(*TABLES) == before
    # the unregistered household of the village: neither on the register nor monitored
    pending = await make_household(client, world["officer"], world["village"], 8)
    r = await client.post(
        url,
        json={
            "owner_kind": "households",
            "household_ids": [pending["id"]],
            "confirmed_on": "2020-01-01",
            "document_no": "1",
        },
        headers=world["finance"],
    )
    assert r.status_code == 422 and "neither on the register nor monitored" in r.json()["detail"]

    town_b = await make_town(client, admin, "乙镇")
    other = await make_enterprise(client, admin, town_b, 2)
    other_operator = {"Authorization": (await _operator_of(other))}
    other_base = await make_base(client, other_operator, other, world["village"], name="乙基地")
    url = f"/api/v1/assets/{asset['id']}/agreements"
    for change, status, field in (
        ({"operator_id": 999999}, 422, "operator_id"),
        ({"operator_id": other}, 422, "base_id"),  # the asset's base is the world enterprise's
        ({"base_id": other_base}, 422, "base_id"),
        ({"base_id": 999999}, 422, "base_id"),
        ({"yearly_rent": "1000.00"}, 400, "guaranteed_rate"),
        ({"public_share": "1.5"}, 400, "public_share"),
        ({"guaranteed_rate": "0.08001"}, 400, "guaranteed_rate"),
        ({"ends_on": "2019-12-31"}, 400, "ends_on"),
        ({"signed_on": "2999-01-01"}, 400, "signed_on"),
        ({"form": "gift"}, 400, "form"),
        ({"method": "weighted"}, 400, "households[0].weight"),
        ({"households": [{"household_id": h1, "weight": "1"}]}, 400, "households[0].weight"),
        ({"households": [{"household_id": h1}, {"household_id": h1}]}, 400, "households[1].household_id"),
        ({"households": [{"household_id": 999999}]}, 422, "households[0].household_id"),
        ({"households": []}, 400, "households"),
    ):
        before = await counts(*TABLES)
        r = await client.post(url, json=agreement_body(world, **change), headers=world["finance"])
        assert (r.status_code, named(r, field)) == (status, True), (change, r.text)
        assert await counts(*TABLES) == before
    agreement = await sign(client, world, asset["id"])
    r = await client.post(url, json=agreement_body(world, starts_on="2025-01-01"), headers=world["finance"])
    assert r.status_code == 409 and r.json()["existing_agreement_id"] == agreement["id"]

    for change, status, field in (
        ({"amount": "0"}, 400, "amount"),
        ({"amount": "1e3"}, 400, "amount"),
        ({"period_year": 2019}, 422, "period_year"),
        ({"received_on": "2019-12-01"}, 422, "received_on"),
        ({"received_on": "2999-01-01"}, 400, "received_on"),
        ({"reference": ""}, 400, "reference"),
    ):
        before = await counts(*LEDGERS)
        r = await receive(client, world, agreement["id"], **{"amount": "100.00", **change})
        assert (r.status_code, named(r, field)) == (status, True), (change, r.text)
        assert await counts(*LEDGERS) == before
    income = (await receive(client, world, agreement["id"], "100.00")).json()
    for paid_on, status in (("2021-01-14", 422), ("2999-01-01", 400)):
        before = await counts(*LEDGERS)
        r = await distribute(client, world, income["id"], paid_on=paid_on)
        assert (r.status_code, named(r, "paid_on")) == (status, True), r.text
        assert await counts(*LEDGERS) == before
    r = await distribute(client, world, income["id"], method="cheque")
    assert r.status_code == 400 and named(r, "method")
    assert (
        await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["finance"])
    ).status_code == 404


async def _operator_of(enterprise_id: int) -> str:
    from tests.api.conftest import make_token

    return (await make_token("operator", enterprise_id=enterprise_id))["Authorization"]


# ---- asset links are the distribution's ----------------------------------------------------------------


async def test_an_asset_link_is_made_and_paid_only_by_a_distribution(client, world):
    h1 = world["households"][0]["id"]
    r = await client.post(
        "/api/v1/links",
        json={
            "enterprise_id": world["enterprise"],
            "base_id": world["base"],
            "household_id": h1,
            "start_date": "2020-01-01",
            "terms": {"kind": "asset"},
        },
        headers=world["operator"],
    )
    assert r.status_code == 400 and named(r, "terms.kind"), r.text
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "900.00")).json()
    assert (await distribute(client, world, income["id"])).status_code == 201
    link_id = (await fetchrow("SELECT id FROM link WHERE kind = 'asset' AND household = $1", h1))["id"]
    r = await client.post(
        "/api/v1/payouts",
        json={
            "link_id": link_id,
            "income_type": "asset_income",
            "amount": "10.00",
            "period_from": "2020-01-01",
            "period_to": "2020-12-31",
            "paid_on": "2021-01-20",
            "method": "bank",
            "reference": "manual-1",
        },
        headers=world["operator"],
    )
    assert r.status_code == 422 and named(r, "link_id"), r.text


async def test_a_share_or_franchise_link_of_the_household_on_the_base_does_not_stand_in_the_way(client, world):
    """Asset links are their own kind: a household's other links on the same base are not used nor block (the
    constraint that links of one kind never overlap numbers the kinds apart)."""
    from tests.world import add_link

    await add_link(client, world, SHARE)
    await add_link(client, world, FRANCHISE, household=1)
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "900.00")).json()
    assert (await distribute(client, world, income["id"])).status_code == 201
    kinds = await fetch("SELECT kind, count(*) AS n FROM link GROUP BY kind ORDER BY kind")
    assert [(k["kind"], k["n"]) for k in kinds] == [("asset", 3), ("franchise", 1), ("share", 1)]


# ---- scope -----------------------------------------------------------------------------------------------


async def test_who_reads_an_asset(client, world, admin, auth):
    asset = await make_asset(client, world)
    url = f"/api/v1/assets/{asset['id']}"
    town_b = await make_town(client, admin, "乙镇")
    other_officer = await auth("town_officer", town_id=town_b)
    e2 = await make_enterprise(client, admin, town_b, 2)
    other_operator = await auth("operator", enterprise_id=e2)
    assert (await client.get(url, headers=world["officer"])).status_code == 200
    assert (await client.get(url, headers=other_officer)).status_code == 403
    # an operator reads the assets it runs, only
    assert (await client.get(url, headers=world["operator"])).status_code == 403
    await sign(client, world, asset["id"])
    assert (await client.get(url, headers=world["operator"])).status_code == 200
    assert (await client.get(url, headers=other_operator)).status_code == 403
    lists = {
        "officer": world["officer"],
        "other officer": other_officer,
        "operator": world["operator"],
        "other operator": other_operator,
        "auditor": world["auditor"],
    }
    totals = {who: (await client.get("/api/v1/assets", headers=h)).json()["total"] for who, h in lists.items()}
    assert totals == {"officer": 1, "other officer": 0, "operator": 1, "other operator": 0, "auditor": 1}
    # writes are the county staff's
    r = await client.post("/api/v1/assets", json=asset_body(world, name="另一个"), headers=world["officer"])
    assert r.status_code == 403


async def test_the_list_filters(client, world):
    await make_asset(client, world)
    await make_asset(client, world, name="村道", asset_class="public_welfare", kind="road", industry=None, base_id=None)
    await make_asset(client, world, name="在建大棚", kind="greenhouse", status="under_construction", completed_on=None)

    async def names(query: str) -> list[str]:
        r = await client.get(f"/api/v1/assets?{query}", headers=world["auditor"])
        assert r.status_code == 200, r.text
        return [a["name"] for a in r.json()["items"]]

    assert await names("") == ["赵脑村虾稻冷库", "村道", "在建大棚"]
    assert await names("asset_class=public_welfare") == ["村道"]
    assert await names("kind=greenhouse") == ["在建大棚"]
    assert await names("status=under_construction") == ["在建大棚"]
    assert await names("industry=crayfish_rice") == ["赵脑村虾稻冷库", "在建大棚"]
    assert await names(f"village_id={world['village']}&limit=1&offset=1") == ["村道"]
    assert await names(f"town_id={world['town']}") == ["赵脑村虾稻冷库", "村道", "在建大棚"]
    assert await names("region=429005") == ["赵脑村虾稻冷库", "村道", "在建大棚"]
    assert await names("region=420100") == []
    assert await names(f"operator_id={world['enterprise']}") == []
    r = await client.get("/api/v1/assets?region=42x", headers=world["auditor"])
    assert r.status_code == 400
    r = await client.get("/api/v1/assets?kind=castle", headers=world["auditor"])
    assert r.status_code == 400


async def test_the_amounts_add_up_in_the_ledger(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"], method="equal", public_share="0.3333")
    income = (await receive(client, world, agreement["id"], "1234.57")).json()
    out = (await distribute(client, world, income["id"])).json()
    paid = (await fetchrow("SELECT sum(amount) AS s FROM payout WHERE batch = $1", out["payout_batch_id"]))["s"]
    assert paid + Decimal(out["public_amount"]) == Decimal("1234.57")
    assert str(paid) == out["distributed"]
    day = await fetchrow("SELECT payouts, amount FROM payout_day WHERE income_type = 'asset_income'")
    assert (day["payouts"], day["amount"]) == (3, paid)
