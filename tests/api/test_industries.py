"""Industries: four seeded, admins add more."""

from __future__ import annotations


async def test_the_four_industries_are_seeded(client, auth):
    r = await client.get("/api/v1/industries", headers=await auth("auditor"))
    assert [(i["code"], i["name_zh"], i["unit"]) for i in r.json()] == [
        ("crayfish_rice", "虾稻", "mu"),
        ("soybean", "大豆", "mu"),
        ("pinellia", "潜半夏", "mu"),
        ("vegetables", "果蔬", "mu"),
    ]


async def test_an_admin_adds_a_breeding_industry_counted_per_head(client, admin, auth):
    body = {"code": "pig_breeding", "name_zh": "生猪养殖", "name_en": "pig breeding", "unit": "head"}
    r = await client.post("/api/v1/industries", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["unit"] == "head"
    assert (await client.post("/api/v1/industries", json=body, headers=admin)).status_code == 409
    assert (
        await client.post("/api/v1/industries", json={**body, "code": "Pig Breeding!"}, headers=admin)
    ).status_code == 400
    assert (
        await client.post("/api/v1/industries", json={**body, "code": "goats"}, headers=await auth("finance"))
    ).status_code == 403
    codes = [i["code"] for i in (await client.get("/api/v1/industries", headers=admin)).json()]
    assert codes[-1] == "pig_breeding"
