"""CSV exports follow the lists' filters and scope."""

from __future__ import annotations

import csv
import io

from tests.chain_helpers import WAGE, make_enterprise
from tests.registry_helpers import household_body, make_household, make_town, make_village, register
from tests.world import linked_household


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_household_export_filters_and_scopes(client, admin, auth):
    town, other_town = await make_town(client, admin), await make_town(client, admin, "广华")
    village, other_village = await make_village(client, admin, town), await make_village(client, admin, other_town)
    officer = await auth("town_officer", town_id=town)
    other_officer = await auth("town_officer", town_id=other_town)
    mine = [await make_household(client, officer, village, n) for n in (1, 2)]
    await make_household(client, other_officer, other_village, 3)
    await register(client, officer, mine[0]["id"])
    everything = rows(await client.get("/api/v1/exports/households.csv", headers=admin))
    assert (
        len(everything) == 3 and everything[0]["head"] == "张1" and everything[0]["causes"] == "illness;lack_of_capital"
    )
    scoped = rows(await client.get("/api/v1/exports/households.csv", headers=officer))
    assert [r["registry_no"] for r in scoped] == [h["registry_no"] for h in mine]
    registered = rows(await client.get("/api/v1/exports/households.csv?status=registered", headers=officer))
    assert [r["id"] for r in registered] == [str(mine[0]["id"])]
    bad = await client.get("/api/v1/exports/households.csv?status=nope", headers=officer)
    assert bad.status_code == 400


async def test_payout_export_is_the_operators_own_ledger(client, admin, auth):
    chain = await linked_household(client, admin, auth, WAGE)
    town, officer, operator, lid = chain["town"], chain["officer"], chain["operator"], chain["link"]
    rows_in = [
        {
            "link_id": lid,
            "income_type": "wage",
            "amount": f"{100 + i}.00",
            "period_from": "2017-01-01",
            "period_to": "2017-01-31",
            "paid_on": "2017-02-01",
            "method": "cash",
            "reference": f"E-{i}",
        }
        for i in range(4500)
    ]  # more than one streamed chunk
    assert (await client.post("/api/v1/payouts/batch", json=rows_in, headers=operator)).status_code == 201
    mine = rows(await client.get("/api/v1/exports/payouts.csv", headers=operator))
    assert len(mine) == 4500 and mine[0]["amount"] == "100.00" and mine[-1]["reference"] == "E-4499"
    stranger = await auth("operator", enterprise_id=await make_enterprise(client, admin, town, 2))
    assert rows(await client.get("/api/v1/exports/payouts.csv", headers=stranger)) == []
    assert (await client.get("/api/v1/exports/payouts.csv", headers=officer)).status_code == 403


FORMULA = "=cmd|'/C calc'!A0"


async def test_exports_write_formula_text_as_text(client, admin, auth):
    """A name or reference that a spreadsheet would run as a formula opens as the text it is."""
    chain = await linked_household(client, admin, auth, WAGE)
    operator, lid = chain["operator"], chain["link"]
    payout = {
        "link_id": lid,
        "income_type": "wage",
        "amount": "100.00",
        "period_from": "2017-01-01",
        "period_to": "2017-01-31",
        "paid_on": "2017-02-01",
        "method": "cash",
        "reference": FORMULA,
    }
    assert (await client.post("/api/v1/payouts", json=payout, headers=operator)).status_code == 201
    ledger = rows(await client.get("/api/v1/exports/payouts.csv", headers=operator))
    assert [r["reference"] for r in ledger] == ["'" + FORMULA]

    village = chain["village"]
    body = household_body(village, 77)
    body["members"][0]["name"] = "@HYPERLINK(1)"
    r = await client.post("/api/v1/households", json=body, headers=chain["officer"])
    assert r.status_code == 201, r.text
    households = rows(await client.get("/api/v1/exports/households.csv", headers=admin))
    assert "'@HYPERLINK(1)" in [h["head"] for h in households]
