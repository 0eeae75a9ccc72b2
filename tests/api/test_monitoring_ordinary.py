"""An ordinary household (一般农户, never registered) taken into the registry is taken in by monitoring as
边缘易致贫户 (category ``marginal``) when its income is under the county's line; above it, without a
sudden hardship, it is not."""

from __future__ import annotations

from app.core.uow import reading
from tests.api.test_ordinary_households import ordinary_body
from tests.registry_helpers import make_town, make_village

APPLIED = "2024-03-01"


def _case(household_id: int, **over) -> dict:
    return {
        "household_id": household_id,
        "channel": "visit",
        "year": 2024,
        "income": "6200",
        "consent": "承诺授权书 2024-031",
        "applied_on": APPLIED,
    } | over


async def test_an_ordinary_household_under_the_line_opens_a_marginal_case(client, admin, auth):
    town = await make_town(client, admin)
    village = await make_village(client, admin, town, poor=False)
    officer = await auth("town_officer", town_id=town)
    taken = await client.post("/api/v1/ordinary-households", json=ordinary_body(village, 21), headers=officer)
    assert taken.status_code == 201, taken.text
    household = taken.json()
    line = await client.put("/api/v1/monitoring-lines/42/2024", json={"amount": "8700"}, headers=admin)
    assert line.status_code == 200, line.text

    above = await client.post("/api/v1/monitoring-cases", json=_case(household["id"], income="12000"), headers=officer)
    assert above.status_code == 422 and above.json()["field"] == "income"
    opened = await client.post("/api/v1/monitoring-cases", json=_case(household["id"]), headers=officer)
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert (case["category"], case["state"], case["step"], case["line"]) == (
        "marginal",
        "identifying",
        "applied",
        "8700.00",
    )
    listed = await client.get("/api/v1/monitoring-cases", params={"category": "marginal"}, headers=officer)
    assert [c["id"] for c in listed.json()["items"]] == [case["id"]]
    # the case is monitoring's: the household stays ordinary, off the register
    after = (await client.get(f"/api/v1/households/{household['id']}", headers=officer)).json()
    assert after["status"] == "ordinary"
    async with reading() as db:
        assert await db.fetchval("SELECT count(*) FROM monitoring_case WHERE household = $1", household["id"]) == 1
