"""The monitoring line per region and year (issue 14): a province sets it for its counties, a county where the
province delegates; the county's own holds in it; an admin sets only its region's; every change audited."""

from __future__ import annotations

from decimal import Decimal

from app.core.uow import reading
from app.monitoring.lines import monitoring_line


async def _admin_of(client, admin, code: str) -> dict[str, str]:
    region = (await client.get(f"/api/v1/regions/{code}", headers=admin)).json()
    created = await client.post(
        "/api/v1/accounts", json={"name": f"admin {code}", "role": "admin", "region_id": region["id"]}, headers=admin
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['token']}"}


async def test_the_province_line_holds_in_its_counties_unless_a_county_has_its_own(client, admin):
    set_2020 = await client.put("/api/v1/monitoring-lines/42/2020", json={"amount": "6000"}, headers=admin)
    assert set_2020.status_code == 200, set_2020.text
    assert set_2020.json() == {"region_code": "42", "level": "province", "year": 2020, "amount": "6000.00"}
    await client.put("/api/v1/monitoring-lines/42/2024", json={"amount": "8700"}, headers=admin)
    async with reading() as db:
        assert await monitoring_line(db, "429005", 2024) == Decimal("8700.00")
        assert await monitoring_line(db, "429005", 2023) is None
    own = await client.put("/api/v1/monitoring-lines/429005/2024", json={"amount": "9000.00"}, headers=admin)
    assert own.status_code == 200 and own.json()["level"] == "county"
    async with reading() as db:
        assert await monitoring_line(db, "429005", 2024) == Decimal("9000.00")
    listed = (await client.get("/api/v1/monitoring-lines", params={"region": "429005"}, headers=admin)).json()
    assert [(x["region_code"], x["year"], x["amount"]) for x in listed] == [
        ("42", 2020, "6000.00"),
        ("42", 2024, "8700.00"),
        ("429005", 2024, "9000.00"),
    ]
    only_2024 = (await client.get("/api/v1/monitoring-lines", params={"year": 2024}, headers=admin)).json()
    assert len(only_2024) == 2

    # raised again: the record changes, the audit keeps before and after
    await client.put("/api/v1/monitoring-lines/42/2024", json={"amount": "8800"}, headers=admin)
    entries = (await client.get("/api/v1/audit", params={"entity": "monitoring_line"}, headers=admin)).json()["items"]
    raised = next(e for e in entries if e["entity_id"] == "42:2024" and e["before"] is not None)
    assert raised["before"] == {"amount": "8700.00"} and raised["after"] == {"amount": "8800.00"}


async def test_a_county_admin_sets_its_own_county_line_only(client, admin):
    county_admin = await _admin_of(client, admin, "429005")
    assert (
        await client.put("/api/v1/monitoring-lines/429005/2024", json={"amount": "9000"}, headers=county_admin)
    ).status_code == 200
    refused = await client.put("/api/v1/monitoring-lines/42/2024", json={"amount": "9000"}, headers=county_admin)
    assert refused.status_code == 403


async def test_bad_lines_are_refused_naming_the_field_and_nothing_is_written(client, admin, auth):
    for body, field in (({"amount": "0"}, "amount"), ({"amount": "-1"}, "amount"), ({}, "amount")):
        r = await client.put("/api/v1/monitoring-lines/42/2024", json=body, headers=admin)
        assert r.status_code == 400 and field in r.text, body
    assert (
        await client.put("/api/v1/monitoring-lines/4290/2024", json={"amount": "1"}, headers=admin)
    ).status_code == 400
    unknown = await client.put("/api/v1/monitoring-lines/43/2024", json={"amount": "1"}, headers=admin)
    assert unknown.status_code == 422 and "region_code" in unknown.text
    finance = await auth("finance")
    assert (
        await client.put("/api/v1/monitoring-lines/42/2024", json={"amount": "1"}, headers=finance)
    ).status_code == 403
    assert (await client.get("/api/v1/monitoring-lines", headers=admin)).json() == []
