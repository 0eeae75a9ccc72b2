"""Building towns, villages and households over the API, for the tests."""

from __future__ import annotations

from typing import Any

from tests.factories import resident_id


async def make_town(client, admin, name: str = "熊口镇") -> int:
    r = await client.post("/api/v1/towns", json={"name": name}, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def make_village(client, admin, town_id: int, name: str = "赵脑村", poor: bool = True) -> int:
    body: dict[str, Any] = {"town_id": town_id, "name": name, "rural_population": 1200}
    if poor:
        body |= {"is_poor_village": True, "registered_year": 2014}
    r = await client.post("/api/v1/villages", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def household_body(village_id: int, n: int, **overrides: Any) -> dict[str, Any]:
    """A household of three: head, spouse, child in school; ID numbers unique per ``n``."""
    body = {
        "registry_no": f"4290050{n:05d}",
        "village_id": village_id,
        "attribute": "ordinary",
        "causes": ["illness", "lack_of_capital"],
        "bank_name": "潜江农商行",
        "bank_card": "6230 9012 3456 7890 123",
        "members": [
            {
                "name": f"张{n}",
                "id_number": resident_id(3 * n, birth="19650304"),
                "relation": "head",
                "labour_ability": "full",
            },
            {
                "name": f"李{n}",
                "id_number": resident_id(3 * n + 1, birth="19680512", male=False),
                "relation": "spouse",
                "labour_ability": "partial",
                "health": "chronic_illness",
            },
            {
                "name": f"张小{n}",
                "id_number": resident_id(3 * n + 2, birth="20080901"),
                "relation": "child",
                "labour_ability": "none",
                "in_school": True,
            },
        ],
    }
    body.update(overrides)
    return body


async def make_household(client, headers, village_id: int, n: int = 1, **overrides: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/households", json=household_body(village_id, n, **overrides), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def step(client, headers, household_id: int, to: str, **extra: Any):
    return await client.post(
        f"/api/v1/households/{household_id}/transitions", json={"to": to, **extra}, headers=headers
    )


async def backdate_notice(household_id: int, days: int) -> None:
    """Pretend the public notice started ``days`` ago (the clock can't be waited on in a test)."""
    from tests.db import fetch

    await fetch(
        "UPDATE household SET notice_started_at = now() - make_interval(days => $2) WHERE id = $1", household_id, days
    )


async def city_admin() -> dict[str, str]:
    """An admin account for the city's approval step (town officers cannot take it)."""
    from app.accounts.schemas import AccountCreate
    from app.accounts.service import create_account
    from app.core.principal import Role, system_principal

    created = await create_account(system_principal("tests"), AccountCreate(name="市扶贫办", role=Role.admin))
    return {"Authorization": f"Bearer {created.token}"}


async def register(client, headers, household_id: int) -> None:
    """Walk a household through the whole identification flow; the city approves the last step."""
    for target in ("surveyed", "reviewed", "notice"):
        assert (await step(client, headers, household_id, target)).status_code == 200
    await backdate_notice(household_id, 8)
    r = await step(client, headers, household_id, "town_reviewed")
    assert r.status_code == 200, r.text
    r = await step(client, await city_admin(), household_id, "registered")
    assert r.status_code == 200, r.text


ALL_MET = {
    k: {"met": True}
    for k in ("food", "clothing", "compulsory_education", "basic_medical_care", "safe_housing", "safe_drinking_water")
}


async def pass_exit_test(client, headers, household_id: int, year: int) -> None:
    """A passing exit assessment for ``year``: every guarantee met, income well above the line."""
    r = await client.post(
        f"/api/v1/households/{household_id}/assessments",
        json={
            "year": year,
            **ALL_MET,
            "verification": "full_survey",
            "other_net_income": "30000.00",
        },
        headers=headers,
    )
    assert r.status_code == 201 and r.json()["passed"], r.text


async def exit_household(client, headers, household_id: int, year: int):
    await pass_exit_test(client, headers, household_id, year)
    return await step(client, headers, household_id, "exited", exit_year=year)
