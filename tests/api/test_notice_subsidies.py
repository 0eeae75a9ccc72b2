"""A scheme with ``notice_days`` puts its verified claims on their village's notice (公示) first: a claim is
approved only after that notice ended with no open objection; a scheme without (0, every scheme before) is
approved as it always was."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.db import fetch
from tests.registry_helpers import make_town
from tests.world import build_world

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def scheme_body(notice_days: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": TODAY.year,
        "name": f"虾稻补贴（公示{notice_days}天）",
        "budget": "100000.00",
        "rates": [
            {
                "industry": "crayfish_rice",
                "unit": "mu",
                "min_quantity": "1",
                "tiers": [{"up_to": None, "rate": "300.00"}],
            }
        ],
    }
    if notice_days:
        body["notice_days"] = notice_days
    return body


async def _world(client, admin, auth, notice_days: int) -> dict[str, Any]:
    w = await build_world(client, admin, auth, households=2, enterprise=False, finance_name="财政局")
    r = await client.post("/api/v1/subsidy-schemes", json=scheme_body(notice_days), headers=w["finance"])
    assert r.status_code == 201, r.text
    scheme = r.json()
    assert scheme["notice_days"] == notice_days
    assert (
        await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=w["finance"])
    ).status_code == 200
    claims = []
    for h in w["households"]:
        r = await client.post(
            "/api/v1/subsidy-claims",
            json={
                "scheme_id": scheme["id"],
                "household_id": h["id"],
                "industry": "crayfish_rice",
                "declared_quantity": "6",
            },
            headers=w["officer"],
        )
        assert r.status_code == 201, r.text
        claim = r.json()
        r = await client.post(
            f"/api/v1/subsidy-claims/{claim['id']}/verify",
            json={"verified_quantity": "5", "inspector": "刘工", "verified_on": day(0)},
            headers=w["officer"],
        )
        assert r.status_code == 200, r.text
        claims.append(claim["id"])
    return {**w, "scheme": scheme, "claims": claims}


@pytest.fixture
async def noticed(client, admin, auth) -> dict[str, Any]:
    return await _world(client, admin, auth, 7)


async def open_notice(client, w, starts: int, ends: int):
    return await client.post(
        f"/api/v1/subsidy-schemes/{w['scheme']['id']}/notices",
        json={"village_id": w["village"], "starts_on": day(starts), "ends_on": day(ends)},
        headers=w["officer"],
    )


async def approve(client, w, claim_id: int):
    return await client.post(f"/api/v1/subsidy-claims/{claim_id}/approve", headers=w["finance"])


async def test_a_scheme_without_notice_approves_as_before(client, admin, auth):
    w = await _world(client, admin, auth, 0)
    r = await approve(client, w, w["claims"][0])
    assert r.status_code == 201, r.text
    r = await open_notice(client, w, 0, 6)
    assert r.status_code == 409, r.text  # the scheme asks for none


async def test_a_claim_on_no_notice_is_not_approved(client, noticed):
    r = await approve(client, noticed, noticed["claims"][0])
    assert r.status_code == 422, r.text
    assert "public notice" in r.json()["detail"]
    assert await fetch("SELECT id FROM voucher") == []


async def test_verified_claims_go_on_their_villages_notice(client, noticed):
    # the scheme's 7 days are longer than the deployment's 5 for subsidy claims: 6 days is refused
    r = await open_notice(client, noticed, 0, 5)
    assert r.status_code == 422 and r.json()["least_days"] == 7, r.text
    r = await open_notice(client, noticed, 0, 6)
    assert r.status_code == 201, r.text
    notice = r.json()
    assert (notice["kind"], notice["scheme_id"], notice["standing"]) == (
        "subsidy_claims",
        noticed["scheme"]["id"],
        "posted",
    )
    assert [e["claim_id"] for e in notice["entries"]] == noticed["claims"]
    facts = notice["entries"][0]["facts"]
    assert (facts["declared_quantity"], facts["verified_quantity"], facts["amount"], facts["unit"]) == (
        "6.00",
        "5.00",
        "1500.00",
        "mu",
    )
    listed = await client.get(f"/api/v1/notices?scheme_id={noticed['scheme']['id']}", headers=noticed["finance"])
    assert [n["id"] for n in listed.json()["items"]] == [notice["id"]]
    # the claims are on a notice now: none waits for another
    r = await open_notice(client, noticed, 0, 6)
    assert r.status_code == 422 and r.json()["field"] == "village_id", r.text
    page = (await client.get(f"/api/v1/notices/{notice['id']}/print", headers=noticed["finance"])).text
    assert "特色种植养殖补贴申领公示" in page and "1500.00" in page and "5 亩" in page


async def test_approval_waits_for_the_notice_to_end(client, noticed):
    notice = (await open_notice(client, noticed, -3, 3)).json()
    r = await approve(client, noticed, noticed["claims"][0])
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["notice_number"] == notice["number"] and problem["notice_id"] == notice["id"]
    assert notice["number"] in problem["detail"] and day(3) in problem["detail"]
    assert await fetch("SELECT id FROM voucher") == []


async def test_approval_waits_for_every_objection_to_be_resolved(client, noticed):
    notice = (await open_notice(client, noticed, -10, -4)).json()
    assert notice["standing"] == "ended"
    r = await client.post(
        f"/api/v1/notices/{notice['id']}/objections",
        json={"raised_by": "村民", "content": "面积不实", "raised_on": day(-5)},
        headers=noticed["officer"],
    )
    assert r.status_code == 201, r.text
    objection = r.json()
    r = await approve(client, noticed, noticed["claims"][1])
    assert r.status_code == 422, r.text
    assert r.json()["notice_number"] == notice["number"] and "objection" in r.json()["detail"]
    r = await client.post(
        f"/api/v1/notices/{notice['id']}/objections/{objection['id']}/resolve",
        json={"note": "复核面积无误", "resolved_on": day(0)},
        headers=noticed["officer"],
    )
    assert r.status_code == 200, r.text
    for claim_id in noticed["claims"]:
        r = await approve(client, noticed, claim_id)
        assert r.status_code == 201, r.text


async def test_a_notice_that_ended_clean_lets_its_claims_be_approved(client, noticed):
    await open_notice(client, noticed, -8, -2)
    r = await approve(client, noticed, noticed["claims"][0])
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == "1500.00"


async def test_only_the_villages_town_puts_its_claims_on_notice(client, admin, auth, noticed):
    other = await auth("town_officer", town_id=await make_town(client, admin, "渔洋镇"))
    r = await client.post(
        f"/api/v1/subsidy-schemes/{noticed['scheme']['id']}/notices",
        json={"village_id": noticed["village"], "starts_on": day(0), "ends_on": day(6)},
        headers=other,
    )
    assert r.status_code == 403, r.text
    assert await fetch("SELECT id FROM notice") == []
