"""Subsidy schemes, claims, approval within budget and caps, vouchers and bank payment."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from tests.db import fetch
from tests.registry_helpers import (
    exit_household,
    make_household,
    make_town,
    make_village,
    step,
)
from tests.world import build_world

# a field check is dated on or after the day its claim was filed (today, in these tests)
TODAY = date.today().isoformat()

SCHEME = {
    "year": 2017,
    "name": "2017 special planting and breeding subsidy",
    "budget": "5000000.00",
    "household_cap": "5000.00",
    "exited_eligible_until": 2020,
    "rates": [
        {
            "industry": "crayfish_rice",
            "unit": "mu",
            "min_quantity": "1",
            "cap": "3000.00",
            "tiers": [{"up_to": "10", "rate": "300.00"}, {"up_to": None, "rate": "150.00"}],
        },
        {
            "industry": "pinellia",
            "unit": "mu",
            "min_quantity": "0.5",
            "cap": None,
            "tiers": [{"up_to": None, "rate": "500.00"}],
        },
    ],
}


@pytest.fixture
async def world(client, admin, auth):
    world = await build_world(
        client, admin, auth, households=3, enterprise=False, officer_name="熊口 扶贫专干", finance_name="财政局 王会计"
    )
    finance = world["finance"]
    scheme = (await client.post("/api/v1/subsidy-schemes", json=SCHEME, headers=finance)).json()
    assert (await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)).status_code == 200
    return {**world, "scheme": scheme}


async def file(client, w, household, industry, quantity, headers=None):
    return await client.post(
        "/api/v1/subsidy-claims",
        json={
            "scheme_id": w["scheme"]["id"],
            "household_id": household["id"],
            "industry": industry,
            "declared_quantity": quantity,
        },
        headers=headers or w["officer"],
    )


async def verify(client, w, claim_id, quantity, headers=None):
    return await client.post(
        f"/api/v1/subsidy-claims/{claim_id}/verify",
        json={"verified_quantity": quantity, "inspector": "刘工", "verified_on": TODAY, "note": "实地丈量"},
        headers=headers or w["officer"],
    )


async def filed_and_verified(client, w, household, industry, declared, verified):
    claim = (await file(client, w, household, industry, declared)).json()
    r = await verify(client, w, claim["id"], verified)
    assert r.status_code == 200, r.text
    return r.json()


async def test_scheme_lifecycle_and_fixed_rates(client, admin, auth):
    finance = await auth("finance")
    r = await client.post("/api/v1/subsidy-schemes", json=SCHEME, headers=finance)
    assert r.status_code == 201, r.text
    scheme = r.json()
    assert scheme["status"] == "draft" and scheme["left"] == "5000000.00"
    assert scheme["rates"][0]["tiers"] == [{"up_to": "10", "rate": "300.00"}, {"up_to": None, "rate": "150.00"}]
    new_rates = [{**SCHEME["rates"][0], "cap": "2500.00"}]
    r = await client.put(f"/api/v1/subsidy-schemes/{scheme['id']}/rates", json=new_rates, headers=finance)
    assert r.status_code == 200 and r.json()["rates"][0]["cap"] == "2500.00"
    await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)
    r = await client.put(f"/api/v1/subsidy-schemes/{scheme['id']}/rates", json=SCHEME["rates"], headers=finance)
    assert r.status_code == 409
    assert (await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)).status_code == 409
    assert (await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/close", headers=finance)).json()[
        "status"
    ] == "closed"
    assert (
        await client.post(
            "/api/v1/subsidy-schemes",
            json=SCHEME,
            headers=await auth("town_officer", town_id=await make_town(client, admin)),
        )
    ).status_code == 403


async def test_bad_schemes_are_refused_by_field(client, auth):
    finance = await auth("finance")
    cases = [
        ({**SCHEME, "budget": "-1"}, 400, "budget"),
        ({**SCHEME, "budget": 5000000.5}, 400, "budget"),
        (
            {
                **SCHEME,
                "rates": [{**SCHEME["rates"][0], "tiers": [{"up_to": None, "rate": "1"}, {"up_to": "5", "rate": "1"}]}],
            },
            422,
            "rates[0].tiers",
        ),
        ({**SCHEME, "rates": [{**SCHEME["rates"][0], "industry": "tea"}]}, 422, "rates"),
        ({**SCHEME, "rates": [SCHEME["rates"][0], SCHEME["rates"][0]]}, 400, "rates"),
    ]
    for body, status, field in cases:
        r = await client.post("/api/v1/subsidy-schemes", json=body, headers=finance)
        assert r.status_code == status, (field, r.text)
        got = r.json().get("field") or r.json()["errors"][0]["field"]
        assert got == field, r.json()
    assert (await fetch("SELECT count(*) AS n FROM subsidy_scheme"))[0]["n"] == 0


async def test_claim_explains_its_amount_and_approval_issues_a_numbered_voucher(client, world):
    h = world["households"][0]
    claim = (await file(client, world, h, "crayfish_rice", "12.5")).json()
    assert claim["status"] == "filed"
    # before verification the declared quantity counts: 10 × 300 + 2.5 × 150 = 3375.00, capped at 3000.00
    assert claim["amount"] == "3000.00"
    assert claim["explanation"][0].startswith("q = 12.5 mu (declared")
    assert any("capped at the rate's cap 3000.00" in line for line in claim["explanation"])
    verified = (await verify(client, world, claim["id"], "8")).json()
    assert verified["status"] == "verified" and verified["amount"] == "2400.00"  # 8 × 300
    r = await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])
    assert r.status_code == 201, r.text
    voucher = r.json()
    assert voucher["number"] == "BT2017-000001" and voucher["amount"] == "2400.00"
    assert voucher["payee"] == "张1" and voucher["approver_name"] == "财政局 王会计"
    detail = (await client.get(f"/api/v1/subsidy-claims/{claim['id']}", headers=world["officer"])).json()
    assert detail["status"] == "approved" and detail["voucher"]["number"] == "BT2017-000001"
    assert detail["explanation"] == voucher["explanation"]
    again = await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])
    assert again.status_code == 409
    second = await filed_and_verified(client, world, world["households"][1], "crayfish_rice", "3", "3")
    v2 = (await client.post(f"/api/v1/subsidy-claims/{second['id']}/approve", headers=world["finance"])).json()
    assert v2["number"] == "BT2017-000002" and v2["amount"] == "900.00"


async def test_two_schemes_of_one_year_number_their_vouchers_in_one_sequence(client, world):
    # voucher numbers are unique across the database: a second 2017 scheme must not issue BT2017-000001 again
    first = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "3", "3")
    r = await client.post(f"/api/v1/subsidy-claims/{first['id']}/approve", headers=world["finance"])
    assert r.status_code == 201 and r.json()["number"] == "BT2017-000001", r.text
    finance = world["finance"]
    other = (
        await client.post("/api/v1/subsidy-schemes", json={**SCHEME, "name": "2017 补充补贴"}, headers=finance)
    ).json()
    assert (await client.post(f"/api/v1/subsidy-schemes/{other['id']}/publish", headers=finance)).status_code == 200
    second = await filed_and_verified(
        client, {**world, "scheme": other}, world["households"][1], "crayfish_rice", "3", "3"
    )
    r = await client.post(f"/api/v1/subsidy-claims/{second['id']}/approve", headers=finance)
    assert r.status_code == 201 and r.json()["number"] == "BT2017-000002", r.text
    third = await filed_and_verified(client, world, world["households"][2], "crayfish_rice", "2", "2")
    r = await client.post(f"/api/v1/subsidy-claims/{third['id']}/approve", headers=finance)
    assert r.status_code == 201 and r.json()["number"] == "BT2017-000003", r.text


async def test_household_cap_applies_across_the_households_claims(client, world):
    h = world["households"][0]
    rice = await filed_and_verified(client, world, h, "crayfish_rice", "10", "10")  # 3000.00
    pinellia = await filed_and_verified(client, world, h, "pinellia", "8", "8")  # 4000.00 before the cap
    assert (await client.post(f"/api/v1/subsidy-claims/{rice['id']}/approve", headers=world["finance"])).json()[
        "amount"
    ] == "3000.00"
    v = (await client.post(f"/api/v1/subsidy-claims/{pinellia['id']}/approve", headers=world["finance"])).json()
    assert v["amount"] == "2000.00"  # 5000.00 cap − 3000.00 approved
    assert "household cap 5000.00" in v["explanation"][-1]


async def test_a_zero_claim_cannot_be_approved_and_is_rejected_instead(client, world):
    claim = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "2", "0.5")
    r = await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])
    assert r.status_code == 409 and "reject" in r.json()["detail"]
    assert "below threshold" in " ".join(r.json()["explanation"])
    no_reason = await client.post(
        f"/api/v1/subsidy-claims/{claim['id']}/reject", json={"reason": ""}, headers=world["finance"]
    )
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    rejected = await client.post(
        f"/api/v1/subsidy-claims/{claim['id']}/reject", json={"reason": "不足1亩"}, headers=world["finance"]
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


async def test_approver_may_not_be_the_filer_or_verifier(client, admin, world):
    h = world["households"][2]
    claim = (await file(client, world, h, "crayfish_rice", "5", headers=admin)).json()
    await verify(client, world, claim["id"], "5", headers=admin)
    r = await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=admin)
    assert r.status_code == 403 and "filed or verified" in r.json()["detail"]
    r = await client.post(f"/api/v1/subsidy-claims/{claim['id']}/reject", json={"reason": "x"}, headers=admin)
    assert r.status_code == 403
    assert (
        await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])
    ).status_code == 201


async def test_claims_need_an_eligible_household_and_one_per_industry(client, world):
    h = world["households"][0]
    assert (await file(client, world, h, "crayfish_rice", "5")).status_code == 201
    dup = await file(client, world, h, "crayfish_rice", "6")
    assert dup.status_code == 409
    assert (await file(client, world, h, "soybean", "5")).status_code == 422  # the scheme pays nothing for it
    applied = await make_household(client, world["officer"], world["village"], 9)
    r = await file(client, world, applied, "crayfish_rice", "5")
    assert r.status_code == 422 and r.json()["field"] == "household_id"
    removed = world["households"][1]
    await step(client, world["officer"], removed["id"], "removed", reason="other")
    assert (await file(client, world, removed, "crayfish_rice", "5")).status_code == 422
    exited = world["households"][2]
    await exit_household(client, world["officer"], exited["id"], 2016)
    assert (await file(client, world, exited, "crayfish_rice", "5")).status_code == 201  # 2017 ≤ 2020
    bad = await file(client, world, h, "pinellia", "-2")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "declared_quantity"


async def test_only_verified_claims_are_approved_and_bulk_answers_per_claim(client, world):
    a = (await file(client, world, world["households"][0], "crayfish_rice", "4")).json()
    b = await filed_and_verified(client, world, world["households"][1], "crayfish_rice", "4", "4")
    c = await filed_and_verified(client, world, world["households"][2], "crayfish_rice", "0.2", "0.2")
    r = await client.post(
        "/api/v1/subsidy-claims/approve", json={"claim_ids": [a["id"], b["id"], c["id"], 999]}, headers=world["finance"]
    )
    assert r.status_code == 200
    outcome = {o["claim_id"]: o for o in r.json()}
    assert outcome[a["id"]]["status"] == 409 and "verified" in outcome[a["id"]]["detail"]
    assert outcome[b["id"]]["ok"] and outcome[b["id"]]["amount"] == "1200.00"
    assert outcome[c["id"]]["status"] == 409
    assert outcome[999]["status"] == 404


async def test_a_hundred_concurrent_approvals_stop_exactly_at_the_budget(client, admin, auth):
    town = await make_town(client, admin)
    village = await make_village(client, admin, town)
    officer = await auth("town_officer", town_id=town)
    finance = await auth("finance")
    # 100 registered households, set up set-based (the registry flow is tested elsewhere)
    await fetch(
        "INSERT INTO household (registry_no, village, attribute, causes, status, late_addition, created_at)"
        " SELECT 'C' || g, $1, 'ordinary', ARRAY['illness'], 'registered', false, now() FROM generate_series(1, 100) g",
        village,
    )
    scheme = (
        await client.post(
            "/api/v1/subsidy-schemes",
            json={
                "year": 2018,
                "name": "budget test",
                "budget": "60000.00",
                "rates": [
                    {
                        "industry": "soybean",
                        "unit": "mu",
                        "min_quantity": "1",
                        "tiers": [{"up_to": None, "rate": "100.00"}],
                    }
                ],
            },
            headers=finance,
        )
    ).json()
    await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)
    claim_ids = []
    for row in await fetch("SELECT id FROM household WHERE registry_no LIKE 'C%' ORDER BY id"):
        c = (
            await client.post(
                "/api/v1/subsidy-claims",
                json={
                    "scheme_id": scheme["id"],
                    "household_id": row["id"],
                    "industry": "soybean",
                    "declared_quantity": "10",
                },
                headers=officer,
            )
        ).json()
        await client.post(
            f"/api/v1/subsidy-claims/{c['id']}/verify",
            json={"verified_quantity": "10", "inspector": "x", "verified_on": TODAY},
            headers=officer,
        )
        claim_ids.append(c["id"])
    results = await asyncio.gather(
        *(client.post(f"/api/v1/subsidy-claims/{cid}/approve", headers=finance) for cid in claim_ids)
    )
    statuses = [r.status_code for r in results]
    assert statuses.count(201) == 60 and statuses.count(409) == 40, statuses
    totals = await fetch(
        "SELECT count(*) AS n, sum(amount) AS total, count(DISTINCT number) AS numbers FROM voucher WHERE scheme = $1",
        scheme["id"],
    )
    assert totals[0]["n"] == 60 and totals[0]["total"] == 60000 and totals[0]["numbers"] == 60
    left = (await client.get(f"/api/v1/subsidy-schemes/{scheme['id']}", headers=finance)).json()
    assert left["approved"] == "60000.00" and left["left"] == "0.00"


async def test_preview_totals_against_the_budget(client, world):
    a = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "12", "12")  # 3000.00
    await filed_and_verified(client, world, world["households"][0], "pinellia", "5", "5")  # 2500 → cap left 2000
    await file(client, world, world["households"][1], "pinellia", "1")  # 500.00 declared
    await client.post(f"/api/v1/subsidy-claims/{a['id']}/approve", headers=world["finance"])
    r = await client.get(f"/api/v1/subsidy-schemes/{world['scheme']['id']}/preview", headers=world["finance"])
    assert r.status_code == 200, r.text
    p = r.json()
    assert (p["approved"], p["pending"], p["total"], p["over_budget"]) == ("3000.00", "2500.00", "5500.00", "0.00")
    assert {t["key"]: t["amount"] for t in p["by_industry"]} == {"crayfish_rice": "3000.00", "pinellia": "2500.00"}
    assert [(t["claims"], t["amount"]) for t in p["by_town"]] == [(3, "5500.00")]
    assert sorted(x["amount"] for x in p["claims"]) == ["2000.00", "3000.00", "500.00"]
    assert (p["claims_total"], p["limit"], p["offset"]) == (3, 50, 0)


async def test_preview_explains_only_the_page_it_shows_and_totals_them_all(client, world):
    a = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "12", "12")  # 3000.00
    await filed_and_verified(client, world, world["households"][0], "pinellia", "5", "5")  # 2500 → cap left 2000
    await file(client, world, world["households"][1], "pinellia", "1")  # 500.00 declared
    await client.post(f"/api/v1/subsidy-claims/{a['id']}/approve", headers=world["finance"])
    url = f"/api/v1/subsidy-schemes/{world['scheme']['id']}/preview"
    first = (await client.get(url, params={"limit": 2}, headers=world["finance"])).json()
    second = (await client.get(url, params={"limit": 2, "offset": 2}, headers=world["finance"])).json()
    for p in (first, second):  # the totals cover every claim whatever the page
        assert (p["total"], p["claims_total"]) == ("5500.00", 3)
    assert [len(first["claims"]), len(second["claims"])] == [2, 1]
    lines = first["claims"] + second["claims"]
    assert [x["claim_id"] for x in lines] == sorted(x["claim_id"] for x in lines)
    approved, capped, declared = lines
    assert approved["explanation"][-1].endswith("→ 3000.00")  # the voucher's lines, as approved
    assert "capped at what is left → 2000.00" in capped["explanation"][-1]
    assert declared["explanation"][0] == "q = 1 mu (declared)" and declared["amount"] == "500.00"
    r = await client.get(url, params={"limit": 0}, headers=world["finance"])
    assert r.status_code == 400 and "limit" in r.text


def decode_barcode_svg(svg: str) -> list[str]:
    """Draw the SVG's bars into pixels and let zxing-cpp read them."""
    bars = [
        (float(x), float(w))
        for x, w in re.findall(
            r'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm" height="[\d.]+mm" style="fill:black;"', svg
        )
    ]
    assert bars, "no bars in the SVG"
    scale = 20  # pixels per mm
    image = Image.new("L", (int((max(x + w for x, w in bars) + 3) * scale), 120), 255)
    draw = ImageDraw.Draw(image)
    for x, w in bars:
        draw.rectangle([round(x * scale), 10, round((x + w) * scale) - 1, 110], fill=0)
    return [r.text for r in zxingcpp.read_barcodes(image)]


async def test_voucher_data_barcode_and_print_page(client, world):
    claim = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "10", "10")
    number = (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])).json()[
        "number"
    ]
    data = (await client.get(f"/api/v1/vouchers/{number}", headers=world["officer"])).json()
    assert data["amount"] == "3000.00" and data["industry_name"] == "虾稻"
    svg = await client.get(f"/api/v1/vouchers/{number}/barcode.svg", headers=world["finance"])
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert decode_barcode_svg(svg.text) == [number]
    page = await client.get(f"/api/v1/vouchers/{number}/print", headers=world["finance"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "叁仟元整" in html and "¥3,000.00" in html and number in html and "<svg" in html
    assert "财政局 王会计" in html and "10 亩" in html
    assert (await client.get("/api/v1/vouchers/BT2017-999999", headers=world["finance"])).status_code == 404


async def test_payment_batch_export_and_reconcile_into_household_income(client, world):
    h1, h2, h3 = world["households"]
    ids = []
    for h, q in ((h1, "10"), (h2, "4"), (h3, "2")):
        c = await filed_and_verified(client, world, h, "crayfish_rice", q, q)
        ids.append(c["id"])
    r = await client.post("/api/v1/subsidy-claims/approve", json={"claim_ids": ids}, headers=world["finance"])
    numbers = [o["voucher_number"] for o in r.json()]
    batch = await client.post(
        "/api/v1/payment-batches", json={"scheme_id": world["scheme"]["id"]}, headers=world["finance"]
    )
    assert batch.status_code == 201, batch.text
    b = batch.json()
    assert b["vouchers"] == 3 and b["total"] == "4800.00" and b["pending"] == 3
    export = await client.get(f"/api/v1/payment-batches/{b['id']}/export.csv", headers=world["finance"])
    lines = export.text.strip().split("\r\n")
    assert lines[0] == "voucher_no,registry_no,payee,bank_card,amount"
    assert lines[1] == f"{numbers[0]},{h1['registry_no']},张1,6230901234567890123,3000.00"
    assert lines[-1] == "TOTAL,,,3,4800.00"
    again = await client.post(
        "/api/v1/payment-batches", json={"scheme_id": world["scheme"]["id"]}, headers=world["finance"]
    )
    assert again.status_code == 409  # nothing left to send
    # the bank pays after the batch is exported (today): the subsidy is income of the year paid
    paid_on = date.today()
    result = (
        "voucher_no,result,bank_reference,paid_on\n"
        f"{numbers[0]},paid,NX001,{paid_on}\n{numbers[1]},failed,,\n{numbers[2]},paid,NX003,{paid_on}\n"
    )
    r = await client.post(
        f"/api/v1/payment-batches/{b['id']}/reconcile",
        files={"file": ("result.csv", result.encode(), "text/csv")},
        headers=world["finance"],
    )
    assert r.status_code == 200, r.text
    assert (r.json()["paid"], r.json()["failed"], r.json()["status"]) == (2, 1, "reconciled")
    twice = await client.post(
        f"/api/v1/payment-batches/{b['id']}/reconcile",
        files={"file": ("result.csv", result.encode(), "text/csv")},
        headers=world["finance"],
    )
    assert twice.status_code == 422 and "already" in twice.json()["errors"][0]["message"]
    income = (
        await client.get(f"/api/v1/households/{h1['id']}/income?year={paid_on.year}", headers=world["finance"])
    ).json()
    assert {x["income_type"]: x["amount"] for x in income["by_type"]} == {"subsidy": "3000.00"}
    assert income["total"] == "3000.00" and income["per_capita"] == "1000.00"
    # the failed voucher goes into a later batch, and only it
    later = (
        await client.post(
            "/api/v1/payment-batches", json={"scheme_id": world["scheme"]["id"]}, headers=world["finance"]
        )
    ).json()
    assert later["vouchers"] == 1 and later["total"] == "1200.00"
    paid = await fetch("SELECT count(*) AS n FROM payment_line WHERE result = 'paid'")
    assert paid[0]["n"] == 2


async def test_cancelling_a_voucher_reopens_the_claim(client, world):
    claim = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "5", "5")
    number = (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])).json()[
        "number"
    ]
    r = await client.post(
        f"/api/v1/vouchers/{number}/cancel", json={"reason": "核实面积有误"}, headers=world["finance"]
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    detail = (await client.get(f"/api/v1/subsidy-claims/{claim['id']}", headers=world["finance"])).json()
    assert detail["status"] == "verified" and detail["voucher"] is None
    new = (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])).json()
    assert new["number"] == "BT2017-000002"
    old = (await client.get(f"/api/v1/vouchers/{number}", headers=world["finance"])).json()
    assert old["status"] == "cancelled" and old["cancel_reason"] == "核实面积有误"


async def test_town_officers_see_their_towns_claims_only(client, admin, auth, world):
    claim = (await file(client, world, world["households"][0], "crayfish_rice", "5")).json()
    other = await auth("town_officer", town_id=await make_town(client, admin, "周矶"))
    assert (await client.get(f"/api/v1/subsidy-claims/{claim['id']}", headers=other)).status_code == 403
    assert (await client.get("/api/v1/subsidy-claims", headers=other)).json()["total"] == 0
    assert (await verify(client, world, claim["id"], "5", headers=other)).status_code == 403
    assert (
        await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["officer"])
    ).status_code == 403


async def test_concurrent_approvals_never_pass_the_household_cap(client, world):
    """Four claims of one household, 3000.00 each, approved at once: the cap of 5000.00 holds."""
    finance = world["finance"]
    scheme = (
        await client.post(
            "/api/v1/subsidy-schemes",
            json={
                "year": 2019,
                "name": "cap race",
                "budget": "100000.00",
                "household_cap": "5000.00",
                "rates": [
                    {"industry": code, "unit": "mu", "min_quantity": "1", "tiers": [{"up_to": None, "rate": "300.00"}]}
                    for code in ("crayfish_rice", "soybean", "pinellia", "vegetables")
                ],
            },
            headers=finance,
        )
    ).json()
    await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)
    h = world["households"][0]
    ids = []
    for code in ("crayfish_rice", "soybean", "pinellia", "vegetables"):
        c = (
            await client.post(
                "/api/v1/subsidy-claims",
                json={"scheme_id": scheme["id"], "household_id": h["id"], "industry": code, "declared_quantity": "10"},
                headers=world["officer"],
            )
        ).json()
        await verify(client, world, c["id"], "10")
        ids.append(c["id"])
    results = await asyncio.gather(*(client.post(f"/api/v1/subsidy-claims/{i}/approve", headers=finance) for i in ids))
    amounts = sorted(r.json()["amount"] for r in results if r.status_code == 201)
    assert amounts == ["2000.00", "3000.00"], [r.text for r in results]
    assert sorted(r.status_code for r in results) == [201, 201, 409, 409]
    total = await fetch(
        "SELECT sum(amount) AS s FROM voucher WHERE scheme = $1 AND household = $2", scheme["id"], h["id"]
    )
    assert total[0]["s"] == 5000


async def test_a_verified_quantity_above_the_declared_one_is_recorded_but_not_paid_on(client, world):
    claim = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "3", "50")
    assert claim["verified_quantity"] == "50.00"  # recorded as measured, for review
    voucher = await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])
    assert voucher.status_code == 201, voucher.text
    assert voucher.json()["quantity"] == "3.00"  # paid on what the household declared


async def test_a_field_check_dated_before_the_claim_was_filed_is_refused(client, world):
    claim = (await file(client, world, world["households"][0], "crayfish_rice", "3")).json()
    r = await client.post(
        f"/api/v1/subsidy-claims/{claim['id']}/verify",
        json={"verified_quantity": "3", "inspector": "刘工", "verified_on": "2017-08-15"},
        headers=world["officer"],
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "verified_on" and "before the claim was filed" in r.json()["detail"]
    detail = (await client.get(f"/api/v1/subsidy-claims/{claim['id']}", headers=world["officer"])).json()
    assert detail["status"] == "filed"  # nothing was written


@pytest.mark.parametrize(
    "paid_on",
    [
        date.fromordinal(date.today().toordinal() + 1),  # in the future
        date(9999, 12, 31),
        date.fromordinal(date.today().toordinal() - 1),  # before the batch was exported (today)
        date(2017, 11, 2),
    ],
)
async def test_a_bank_result_is_paid_neither_in_the_future_nor_before_the_export(client, world, paid_on):
    """Found 4: a paid_on in 2030 was taken, and the subsidy showed as 2030 income."""
    claim = await filed_and_verified(client, world, world["households"][0], "crayfish_rice", "5", "5")
    number = (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=world["finance"])).json()[
        "number"
    ]
    b = (
        await client.post(
            "/api/v1/payment-batches", json={"scheme_id": world["scheme"]["id"]}, headers=world["finance"]
        )
    ).json()
    result = f"voucher_no,result,bank_reference,paid_on\n{number},paid,NX001,{paid_on.isoformat()}\n"
    r = await client.post(
        f"/api/v1/payment-batches/{b['id']}/reconcile",
        files={"file": ("result.csv", result.encode(), "text/csv")},
        headers=world["finance"],
    )
    assert r.status_code == 422, r.text  # a bad line rejects the whole file
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(2, "paid_on")]
    paid = await fetch("SELECT count(*) AS n FROM payment_line WHERE result <> 'pending'")
    assert paid[0]["n"] == 0


async def test_a_scheme_is_its_county_s_and_only_that_county_s_households_claim(client, admin, world):
    """With two counties, a scheme names its county; the same name is free in another county; a household
    of the neighbouring county cannot claim under it, and nothing is written."""
    assert world["scheme"]["county_code"] == "429005"
    finance = world["finance"]
    neighbour = await client.post("/api/v1/regions", json={"code": "429006", "name": "示范县2"}, headers=admin)
    assert neighbour.status_code == 201, neighbour.text
    r = await client.post("/api/v1/subsidy-schemes", json={**SCHEME, "name": "another"}, headers=finance)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "county_id", r.text
    r = await client.post(
        "/api/v1/subsidy-schemes", json={**SCHEME, "county_id": neighbour.json()["id"]}, headers=finance
    )
    assert r.status_code == 201, r.text
    assert (r.json()["county_code"], r.json()["name"]) == ("429006", SCHEME["name"])
    r = await client.post(
        "/api/v1/subsidy-schemes", json={**SCHEME, "county_id": neighbour.json()["id"]}, headers=finance
    )
    assert r.status_code == 409 and r.json()["field"] == "name"

    town = (
        await client.post("/api/v1/towns", json={"name": "邻县镇", "county_id": neighbour.json()["id"]}, headers=admin)
    ).json()
    assert town["code"] == "429006001"
    household = await make_household(client, admin, await make_village(client, admin, town["id"]), 90)
    claims = (await fetch("SELECT count(*) AS n FROM subsidy_claim"))[0]["n"]
    r = await file(client, world, household, "crayfish_rice", "5", headers=admin)
    assert r.status_code == 422 and r.json()["field"] == "household_id", r.text
    assert "429006" in r.json()["detail"]
    assert (await fetch("SELECT count(*) AS n FROM subsidy_claim"))[0]["n"] == claims
