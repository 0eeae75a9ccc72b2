"""Edges of the payout ledger found in review: references, dates, removed households, ended links."""

from __future__ import annotations

from datetime import date

import pytest

from tests.chain_helpers import SHARE, WAGE, link
from tests.registry_helpers import step
from tests.world import linked_household


@pytest.fixture
async def chain(client, admin, auth):
    c = await linked_household(client, admin, auth, WAGE)
    return {**c, "wage": c["link"]}


def payout(link_id, reference="P-1", **kw):
    body = {
        "link_id": link_id,
        "income_type": "wage",
        "amount": "100.00",
        "period_from": "2017-01-01",
        "period_to": "2017-01-31",
        "paid_on": "2017-02-01",
        "method": "bank",
        "reference": reference,
    }
    body.update(kw)
    return body


async def test_a_reversal_cannot_be_blocked_by_a_lookalike_reference(client, chain):
    r = await client.post("/api/v1/payouts", json=payout(chain["wage"], "R-1#reversal"), headers=chain["operator"])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reference"
    first = (await client.post("/api/v1/payouts", json=payout(chain["wage"], "R-1"), headers=chain["operator"])).json()
    r = await client.post(f"/api/v1/payouts/{first['id']}/reverse", json={"reason": "x"}, headers=chain["operator"])
    assert r.status_code == 201


async def test_payment_dates_must_make_sense(client, chain):
    r = await client.post(
        "/api/v1/payouts", json=payout(chain["wage"], paid_on="0001-01-01"), headers=chain["operator"]
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "paid_on"
    r = await client.post(
        "/api/v1/payouts", json=payout(chain["wage"], period_to="9999-12-31"), headers=chain["operator"]
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "period_to"


async def test_a_link_not_yet_started_pays_nothing_after_removal(client, chain):
    future = date.today().year + 1  # within the horizon (CHAINAID_HORIZON_DAYS, 366)
    later = (
        await link(
            client,
            chain["operator"],
            chain["enterprise"],
            chain["base"],
            chain["h"]["id"],
            SHARE,
            start=f"{future}-01-01",
        )
    ).json()
    await step(client, chain["officer"], chain["h"]["id"], "removed", reason="moved_away")
    r = await client.post(
        "/api/v1/payouts",
        json=payout(
            later["id"],
            income_type="dividend",
            period_from=f"{future}-01-01",
            period_to=f"{future}-01-31",
            paid_on=f"{future}-02-01",
        ),
        headers=chain["operator"],
    )
    # a payout for a period not begun is dated in the future, refused with the body (400); the rule that a
    # removed household's not-yet-started link pays nothing is tested pure in tests/unit/test_payout_rules.py
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "period_from"


async def test_a_link_cannot_end_before_the_periods_it_paid(client, chain):
    await client.post(
        "/api/v1/payouts",
        json=payout(chain["wage"], period_from="2018-03-01", period_to="2018-03-31", paid_on="2018-04-01"),
        headers=chain["operator"],
    )
    r = await client.post(
        f"/api/v1/links/{chain['wage']}/end", json={"end_date": "2017-12-31"}, headers=chain["operator"]
    )
    assert r.status_code == 409 and "2018-03-31" in r.json()["detail"]
    assert (
        await client.post(
            f"/api/v1/links/{chain['wage']}/end", json={"end_date": "2018-03-31"}, headers=chain["operator"]
        )
    ).status_code == 200


async def test_a_resent_batch_reports_a_zero_total_in_fen(client, chain):
    rows = [payout(chain["wage"], f"B-{i}") for i in range(3)]
    assert (await client.post("/api/v1/payouts/batch", json=rows, headers=chain["operator"])).json()[
        "total_written"
    ] == "300.00"
    again = (await client.post("/api/v1/payouts/batch", json=rows, headers=chain["operator"])).json()
    assert again["total_written"] == "0.00" and again["already_recorded"] == 3
