"""Payouts: single, batch, CSV; idempotency; reversal; operator scope."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import pytest

from tests.chain_helpers import (
    COOPERATION,
    FRANCHISE,
    SHARE,
    WAGE,
    make_enterprise,
)
from tests.db import connection, fetch
from tests.registry_helpers import (
    step,
)
from tests.world import add_link, build_world


@pytest.fixture
async def chain(client, admin, auth):
    world = await build_world(client, admin, auth, households=2, base_name="积玉口虾稻基地")
    links = {terms["kind"]: await add_link(client, world, terms) for terms in (SHARE, WAGE, COOPERATION, FRANCHISE)}
    return {**world, "links": links, "wage2": await add_link(client, world, WAGE, household=1)}


def payout(link_id: int, income_type: str, amount: str = "400.00", reference: str = "P-1", **kw):
    body = {
        "link_id": link_id,
        "income_type": income_type,
        "amount": amount,
        "period_from": "2017-01-01",
        "period_to": "2017-12-31",
        "paid_on": "2017-12-20",
        "method": "bank",
        "reference": reference,
    }
    body.update(kw)
    return body


async def _count() -> int:
    return (await fetch("SELECT count(*) AS n FROM payout"))[0]["n"]


@pytest.mark.parametrize(
    ("kind", "income_type"),
    [
        ("share", "dividend"),
        ("wage", "wage"),
        ("cooperation", "purchase"),
        ("franchise", "franchise_income"),
    ],
)
async def test_each_link_kind_takes_its_income_type(client, chain, kind, income_type):
    r = await client.post(
        "/api/v1/payouts",
        json=payout(chain["links"][kind], income_type, reference=f"R-{kind}"),
        headers=chain["operator"],
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["amount"] == "400.00" and body["income_type"] == income_type
    assert body["household_id"] == chain["households"][0]["id"] and body["enterprise_id"] == chain["enterprise"]


async def test_wrong_income_type_is_refused_and_writes_nothing(client, chain):
    r = await client.post("/api/v1/payouts", json=payout(chain["links"]["share"], "wage"), headers=chain["operator"])
    assert r.status_code == 422 and r.json()["field"] == "income_type"
    assert "dividend" in r.json()["detail"]
    assert await _count() == 0


async def test_bad_fields_are_named(client, chain):
    lid = chain["links"]["wage"]
    for body, field in (
        (payout(lid, "wage", amount="-5"), "amount"),
        (payout(lid, "wage", amount="0"), "amount"),
        (payout(lid, "wage", amount="1.001"), "amount"),
        (payout(lid, "wage", amount=12.5), "amount"),
        (payout(lid, "wage", period_to="2016-12-31"), "period_to"),
        (payout(lid, "wage", method="wechat"), "method"),
        (payout(lid, "wage", reference=""), "reference"),
        (payout(lid, "wage", paid_on="2017-02-30"), "paid_on"),
    ):
        r = await client.post("/api/v1/payouts", json=body, headers=chain["operator"])
        assert r.status_code == 400, (body, r.text)
        assert r.json()["errors"][0]["field"] == field, r.json()
    assert await _count() == 0


async def test_period_outside_the_link_and_unknown_link_are_refused(client, chain):
    r = await client.post(
        "/api/v1/payouts",
        json=payout(chain["links"]["wage"], "wage", period_from="2016-06-01"),
        headers=chain["operator"],
    )
    assert r.status_code == 422 and r.json()["field"] == "period_from"
    r = await client.post("/api/v1/payouts", json=payout(9999, "wage"), headers=chain["operator"])
    assert r.status_code == 422 and r.json()["field"] == "link_id"
    future = date.today().replace(year=date.today().year + 1).isoformat()
    r = await client.post(
        "/api/v1/payouts",
        json=payout(chain["links"]["wage"], "wage", paid_on=future, period_to=future),
        headers=chain["operator"],
    )
    # a day of fact after today is refused with the body (400), before any link is read
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "paid_on"


async def test_a_removed_households_links_end_and_take_no_later_payouts(client, chain):
    hid = chain["households"][1]["id"]
    await step(client, chain["officer"], hid, "removed", reason="wrongly_included")
    ended = (await client.get(f"/api/v1/links/{chain['wage2']}", headers=chain["operator"])).json()
    assert ended["end_date"] == date.today().isoformat()
    year = date.today().year
    r = await client.post(
        "/api/v1/payouts",
        json=payout(
            chain["wage2"],
            "wage",
            period_from=f"{year}-01-01",
            period_to=f"{year}-12-31",
            paid_on=date.today().isoformat(),
        ),
        headers=chain["operator"],
    )
    assert r.status_code == 422 and r.json()["field"] == "period_to"


async def test_resending_is_safe_and_a_changed_body_is_409(client, chain):
    body = payout(chain["links"]["wage"], "wage", reference="2017-WAGE-0001")
    first = await client.post("/api/v1/payouts", json=body, headers=chain["operator"])
    again = await client.post("/api/v1/payouts", json=body, headers=chain["operator"])
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    changed = await client.post("/api/v1/payouts", json={**body, "amount": "401.00"}, headers=chain["operator"])
    assert changed.status_code == 409
    assert changed.json()["existing_payout_id"] == first.json()["id"] and changed.json()["field"] == "reference"
    assert await _count() == 1


async def test_fifty_concurrent_sends_leave_exactly_one_row(client, chain):
    body = payout(chain["links"]["share"], "dividend", reference="2017-DIV-0001")
    results = await asyncio.gather(
        *(client.post("/api/v1/payouts", json=body, headers=chain["operator"]) for _ in range(50))
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 49 + [201], statuses
    assert len({r.json()["id"] for r in results}) == 1
    assert await _count() == 1


async def test_reversal_cancels_and_a_second_is_refused(client, chain):
    original = (
        await client.post(
            "/api/v1/payouts", json=payout(chain["links"]["wage"], "wage", amount="1200.00"), headers=chain["operator"]
        )
    ).json()
    no_reason = await client.post(f"/api/v1/payouts/{original['id']}/reverse", json={}, headers=chain["operator"])
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    r = await client.post(
        f"/api/v1/payouts/{original['id']}/reverse", json={"reason": "重复录入"}, headers=chain["operator"]
    )
    assert r.status_code == 201
    reversal = r.json()
    assert reversal["amount"] == "-1200.00" and reversal["reverses"] == original["id"]
    assert reversal["paid_on"] == original["paid_on"] and reversal["reason"] == "重复录入"
    twice = await client.post(
        f"/api/v1/payouts/{original['id']}/reverse", json={"reason": "again"}, headers=chain["operator"]
    )
    assert twice.status_code == 409 and twice.json()["reversed_by"] == reversal["id"]
    of_reversal = await client.post(
        f"/api/v1/payouts/{reversal['id']}/reverse", json={"reason": "x"}, headers=chain["operator"]
    )
    assert of_reversal.status_code == 409
    reread = (await client.get(f"/api/v1/payouts/{original['id']}", headers=chain["operator"])).json()
    assert reread["amount"] == "1200.00" and reread["reversed_by"] == reversal["id"]
    assert await _count() == 2


async def test_the_ledger_refuses_updates_and_deletes(client, chain):
    await client.post("/api/v1/payouts", json=payout(chain["links"]["wage"], "wage"), headers=chain["operator"])
    async with connection() as conn:
        with pytest.raises(asyncpg.RestrictViolationError):
            await conn.execute("UPDATE payout SET amount = 1")
        with pytest.raises(asyncpg.RestrictViolationError):
            await conn.execute("DELETE FROM payout")


async def test_operators_report_and_read_only_their_own(client, admin, auth, chain):
    other = await make_enterprise(client, admin, chain["town"], 2)
    stranger = await auth("operator", enterprise_id=other)
    r = await client.post("/api/v1/payouts", json=payout(chain["links"]["wage"], "wage"), headers=stranger)
    assert r.status_code == 403
    mine = (
        await client.post("/api/v1/payouts", json=payout(chain["links"]["wage"], "wage"), headers=chain["operator"])
    ).json()
    assert (await client.get(f"/api/v1/payouts/{mine['id']}", headers=stranger)).status_code == 403
    assert (await client.get("/api/v1/payouts", headers=stranger)).json()["total"] == 0
    assert (await client.get("/api/v1/payouts", headers=chain["operator"])).json()["total"] == 1
    assert (
        await client.post(f"/api/v1/payouts/{mine['id']}/reverse", json={"reason": "x"}, headers=stranger)
    ).status_code == 403
    batch = await client.post(
        "/api/v1/payouts/batch", json=[payout(chain["links"]["wage"], "wage", reference="B")], headers=stranger
    )
    assert batch.status_code == 403 and batch.json()["errors"][0]["index"] == 0
    assert (await client.get("/api/v1/payouts", headers=await auth("finance"))).json()["total"] == 1
    assert await _count() == 1


async def test_batch_is_all_or_nothing_and_names_every_bad_row(client, chain):
    lid = chain["links"]["wage"]
    rows = [
        payout(lid, "wage", reference="B-0"),
        payout(lid, "dividend", reference="B-1"),  # wrong type
        payout(lid, "wage", reference="B-2"),
        payout(lid, "wage", amount="abc", reference="B-3"),  # not a number
        payout(9999, "wage", reference="B-4"),  # no such link
        payout(lid, "wage", reference="B-0"),  # repeats row 0's reference
    ]
    r = await client.post("/api/v1/payouts/batch", json=rows, headers=chain["operator"])
    assert r.status_code == 422, r.text
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [
        (1, "income_type"),
        (3, "amount"),
        (4, "link_id"),
        (5, "reference"),
    ]
    assert await _count() == 0
    assert (await fetch("SELECT count(*) AS n FROM payout_batch"))[0]["n"] == 0

    partial = await client.post("/api/v1/payouts/batch?partial=true", json=rows, headers=chain["operator"])
    assert partial.status_code == 201, partial.text
    result = partial.json()
    assert result["received"] == 6 and result["written"] == 2 and result["total_written"] == "800.00"
    assert [e["index"] for e in result["rejected"]] == [1, 3, 4, 5]
    assert await _count() == 2


async def test_batch_resend_records_nothing_twice_and_catches_changed_rows(client, chain):
    lid = chain["links"]["wage"]
    rows = [payout(lid, "wage", reference=f"M-{i}", amount=f"{100 + i}.00") for i in range(20)]
    first = (await client.post("/api/v1/payouts/batch", json=rows, headers=chain["operator"])).json()
    assert first["written"] == 20 and first["total_written"] == str(sum(100 + i for i in range(20))) + ".00"
    again = (await client.post("/api/v1/payouts/batch", json=rows, headers=chain["operator"])).json()
    assert again["written"] == 0 and again["already_recorded"] == 20 and again["rejected"] == []
    rows[7]["amount"] = "999.00"
    clash = await client.post(
        "/api/v1/payouts/batch", json=[*rows, payout(lid, "wage", reference="M-new")], headers=chain["operator"]
    )
    assert clash.status_code == 409 and clash.json()["errors"][0]["index"] == 7
    assert await _count() == 20  # the new row went back with the clash


async def test_batch_limits_and_malformed_bodies(client, chain):
    r = await client.post("/api/v1/payouts/batch", content=b"{not json", headers=chain["operator"])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "body"
    r = await client.post("/api/v1/payouts/batch", json={"link_id": 1}, headers=chain["operator"])
    assert r.status_code == 400
    too_many = [payout(chain["links"]["wage"], "wage", reference=f"X-{i}") for i in range(10_001)]
    r = await client.post("/api/v1/payouts/batch", json=too_many, headers=chain["operator"])
    assert r.status_code == 422 and "10000" in r.json()["detail"]
    assert await _count() == 0


CSV_HEADER = "registry_no,base,kind,amount,period_from,period_to,paid_on,method,reference\r\n"


async def test_csv_import_with_bom_and_chinese_base_names(client, chain):
    reg1, reg2 = (h["registry_no"] for h in chain["households"])
    text = CSV_HEADER + (
        f"{reg1},积玉口虾稻基地,share,400.00,2017-01-01,2017-12-31,2017-12-20,bank,分红-2017-001\r\n"
        f"{reg2},积玉口虾稻基地,wage,3600,2017-03-01,2017-11-30,2017-12-01,cash,工资-2017-001\r\n"
    )
    r = await client.post(
        "/api/v1/payouts/import",
        files={"file": ("收益.csv", b"\xef\xbb\xbf" + text.encode(), "text/csv")},
        headers=chain["operator"],
    )
    assert r.status_code == 201, r.text
    assert r.json()["written"] == 2 and r.json()["total_written"] == "4000.00"
    stored = await fetch("SELECT reference, link, income_type FROM payout ORDER BY id")
    assert [(s["reference"], s["link"], s["income_type"]) for s in stored] == [
        ("分红-2017-001", chain["links"]["share"], "dividend"),
        ("工资-2017-001", chain["wage2"], "wage"),
    ]


async def test_csv_import_reports_bad_lines_and_writes_nothing(client, chain):
    reg1, reg2 = (h["registry_no"] for h in chain["households"])
    text = CSV_HEADER + (
        f"{reg1},积玉口虾稻基地,share,400.00,2017-01-01,2017-12-31,2017-12-20,bank,C-1\n"
        f"9999999,积玉口虾稻基地,share,400.00,2017-01-01,2017-12-31,2017-12-20,bank,C-2\n"
        f"{reg2},积玉口虾稻基地,share,400.00,2017-01-01,2017-12-31,2017-12-20,bank,C-3\n"
        f"{reg1},没有这个基地,wage,400.00,2017-01-01,2017-12-31,2017-12-20,bank,C-4\n"
        f"{reg1},积玉口虾稻基地,wage,4OO,2017-01-01,2017-12-31,2017-12-20,bank,C-5\n"
    )
    r = await client.post(
        "/api/v1/payouts/import", files={"file": ("x.csv", text.encode(), "text/csv")}, headers=chain["operator"]
    )
    assert r.status_code == 422, r.text
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [
        (3, "registry_no"),
        (4, "kind"),
        (5, "base"),
        (6, "amount"),
    ]
    assert await _count() == 0
