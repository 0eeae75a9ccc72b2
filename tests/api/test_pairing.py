"""千企帮千村: pairings with a derived mode, support records only for paired villages, the report."""

from __future__ import annotations

import pytest

from tests.chain_helpers import make_enterprise
from tests.registry_helpers import make_town, make_village


@pytest.fixture
async def programme(client, admin, auth):
    town = await make_town(client, admin)
    villages = [await make_village(client, admin, town, name) for name in ("甲村", "乙村", "丙村")]
    plain = await make_village(client, admin, town, "丁村", poor=False)
    enterprises = [await make_enterprise(client, admin, town, n) for n in (1, 2, 3)]
    operators = [await auth("operator", enterprise_id=e) for e in enterprises]
    return {"town": town, "villages": villages, "plain": plain, "enterprises": enterprises, "operators": operators}


async def pair(client, admin, enterprise, village, start="2016-01-01", end=None):
    body = {"enterprise_id": enterprise, "village_id": village, "start_date": start}
    if end:
        body["end_date"] = end
    return await client.post("/api/v1/pairings", json=body, headers=admin)


def support(enterprise, village, reference="S-1", **kw):
    body = {
        "enterprise_id": enterprise,
        "village_id": village,
        "kind": "donation",
        "given_on": "2017-05-04",
        "reference": reference,
        "amount": "20000.00",
        "households_benefited": 30,
        "people_benefited": 85,
    }
    body.update(kw)
    return body


async def test_modes_are_derived_from_the_pairings(client, admin, programme):
    e1, e2, e3 = programme["enterprises"]
    v1, v2, v3 = programme["villages"]
    assert (await pair(client, admin, e1, v1)).json()["mode"] == "one_enterprise_one_village"
    await pair(client, admin, e2, v2)
    await pair(client, admin, e3, v2)  # two enterprises help 乙村
    await pair(client, admin, e1, v3)  # 甲村 and 丙村 share enterprise 1
    modes = {
        (p["enterprise_id"], p["village_id"]): p["mode"]
        for p in (await client.get("/api/v1/pairings", headers=admin)).json()["items"]
    }
    assert modes == {
        (e1, v1): "one_enterprise_several_villages",
        (e1, v3): "one_enterprise_several_villages",
        (e2, v2): "several_enterprises_one_village",
        (e3, v2): "several_enterprises_one_village",
    }
    assert (await pair(client, admin, e1, v1, start="2017-01-01")).status_code == 409
    assert (await pair(client, admin, e1, 9999)).status_code == 422
    assert (await pair(client, admin, e1, v1, start="2016-01-01", end="2015-01-01")).status_code == 400
    assert (
        await client.post(
            "/api/v1/pairings",
            json={"enterprise_id": e1, "village_id": v2, "start_date": "2016-01-01"},
            headers=programme["operators"][0],
        )
    ).status_code == 403


async def test_support_only_for_paired_villages_and_own_enterprise(client, admin, programme):
    e1, _e2, _ = programme["enterprises"]
    v1, v2, _ = programme["villages"]
    op1, op2, _ = programme["operators"]
    await pair(client, admin, e1, v1, start="2016-01-01", end="2017-12-31")
    r = await client.post("/api/v1/support-records", json=support(e1, v1), headers=op1)
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == "20000.00"
    not_paired = await client.post("/api/v1/support-records", json=support(e1, v2, "S-2"), headers=op1)
    assert not_paired.status_code == 422 and not_paired.json()["field"] == "village_id"
    after_end = await client.post(
        "/api/v1/support-records", json=support(e1, v1, "S-3", given_on="2018-02-01"), headers=op1
    )
    assert after_end.status_code == 422
    other = await client.post("/api/v1/support-records", json=support(e1, v1, "S-4"), headers=op2)
    assert other.status_code == 403
    assert (await client.get("/api/v1/support-records", headers=op2)).json()["total"] == 0
    nothing = await client.post("/api/v1/support-records", json=support(e1, v1, "S-5", amount=None), headers=op1)
    assert nothing.status_code == 400 and nothing.json()["errors"][0]["field"] == "amount"
    in_kind = await client.post(
        "/api/v1/support-records",
        json=support(e1, v1, "S-6", amount=None, kind="training", in_kind="虾稻共作技术培训 2 期"),
        headers=op1,
    )
    assert in_kind.status_code == 201


async def test_support_is_retry_safe_by_reference(client, admin, programme):
    e1, v1, op1 = programme["enterprises"][0], programme["villages"][0], programme["operators"][0]
    await pair(client, admin, e1, v1)
    first = await client.post("/api/v1/support-records", json=support(e1, v1), headers=op1)
    again = await client.post("/api/v1/support-records", json=support(e1, v1), headers=op1)
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    changed = await client.post("/api/v1/support-records", json=support(e1, v1, amount="1.00"), headers=op1)
    assert changed.status_code == 409 and changed.json()["field"] == "reference"


async def test_programme_report(client, admin, auth, programme):
    e1, e2, _ = programme["enterprises"]
    v1, v2, v3 = programme["villages"]
    op1, op2, _ = programme["operators"]
    await pair(client, admin, e1, v1)
    await pair(client, admin, e2, v1)
    await pair(client, admin, e2, programme["plain"])
    await client.post("/api/v1/support-records", json=support(e1, v1, "A"), headers=op1)
    await client.post(
        "/api/v1/support-records",
        json=support(e1, v1, "B", kind="employment", amount="500.50", given_on="2016-03-01"),
        headers=op1,
    )
    await client.post("/api/v1/support-records", json=support(e2, v1, "C", amount="1000.00"), headers=op2)
    r = (await client.get("/api/v1/pairings/report", headers=await auth("auditor"))).json()
    assert (r["enterprises_paired"], r["villages_paired"], r["poor_villages_paired"]) == (2, 2, 1)
    assert [v["id"] for v in r["poor_villages_without_pairing"]] == [v2, v3]
    assert [(x["id"], x["year"], x["kind"], x["amount"]) for x in r["by_enterprise"]] == [
        (e1, 2016, "employment", "500.50"),
        (e1, 2017, "donation", "20000.00"),
        (e2, 2017, "donation", "1000.00"),
    ]
    assert [(x["id"], x["year"], x["kind"], x["amount"], x["records"]) for x in r["by_village"]] == [
        (v1, 2016, "employment", "500.50", 1),
        (v1, 2017, "donation", "21000.00", 2),
    ]
    only_2016 = (await client.get("/api/v1/pairings/report?year=2016", headers=admin)).json()
    assert [x["amount"] for x in only_2016["by_village"]] == ["500.50"]


async def test_support_export_follows_the_list_filters_and_scope(client, admin, programme):
    import csv
    import io

    e1, e2, _ = programme["enterprises"]
    v1, v2, _ = programme["villages"]
    op1, op2, _ = programme["operators"]
    await pair(client, admin, e1, v1)
    await pair(client, admin, e2, v2)
    for ref in ("X-1", "X-2"):
        assert (await client.post("/api/v1/support-records", json=support(e1, v1, ref), headers=op1)).status_code == 201
    in_kind = support(e2, v2, "Y-1", amount=None, kind="training", in_kind="=1+1 培训")
    assert (await client.post("/api/v1/support-records", json=in_kind, headers=op2)).status_code == 201

    async def export(headers, query=""):
        r = await client.get(f"/api/v1/exports/support-records.csv{query}", headers=headers)
        assert r.status_code == 200, r.text
        return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))

    everything = await export(admin)
    assert [(r["reference"], r["kind"], r["amount"]) for r in everything] == [
        ("X-1", "donation", "20000.00"),
        ("X-2", "donation", "20000.00"),
        ("Y-1", "training", ""),
    ]
    assert [r["reference"] for r in await export(op2)] == ["Y-1"]  # an operator gets its own
    assert [r["reference"] for r in await export(admin, "?kind=training")] == ["Y-1"]
    assert await export(admin, "?year=2016") == []


async def test_a_town_officer_reads_only_support_given_in_the_town(client, admin, auth, programme):
    import csv
    import io

    e1, e2, _ = programme["enterprises"]
    v1, _, _ = programme["villages"]
    op1, op2, _ = programme["operators"]
    other_town = await make_town(client, admin, "广华")
    elsewhere = await make_village(client, admin, other_town, "戊村")
    await pair(client, admin, e1, v1)
    await pair(client, admin, e2, elsewhere)
    assert (await client.post("/api/v1/support-records", json=support(e1, v1, "HOME"), headers=op1)).status_code == 201
    away = support(e2, elsewhere, "AWAY")
    assert (await client.post("/api/v1/support-records", json=away, headers=op2)).status_code == 201
    officer = await auth("town_officer", town_id=programme["town"])
    listed = (await client.get("/api/v1/support-records", headers=officer)).json()
    assert [r["reference"] for r in listed["items"]] == ["HOME"] and listed["total"] == 1
    exported = await client.get("/api/v1/exports/support-records.csv", headers=officer)
    assert [r["reference"] for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))] == ["HOME"]
    assert (await client.get("/api/v1/support-records", headers=admin)).json()["total"] == 2
