"""Strict input (issue 16, Found 6): amounts and quantities are read from the text the client wrote,
with a ceiling per kind; references are unique whatever their case; free text refuses control and
bidirectional characters; registry numbers and phones have a pattern. Every refusal is a 400 naming
the field, and nothing is written."""

from __future__ import annotations

import importlib
import re
from datetime import date

import httpx
import pytest

from app.demo.loader import load_demo
from tests.chain_helpers import WAGE
from tests.db import fetch
from tests.factories import credit_code
from tests.registry_helpers import household_body
from tests.world import add_link, build_world

TODAY = date.today().isoformat()
# what Python's Decimal() (and so msgspec) took as numbers before
LENIENT = ["１２３.００", "١٢٣", "+5.00", ".5", "5.", "1e2", "1E2", " 5.00", "5.00 ", "5_000", "1,000.00", "-5.00"]


@pytest.fixture
async def chain(client, admin, auth):
    world = await build_world(client, admin, auth, households=1)
    return {**world, "wage": await add_link(client, world, WAGE)}


def payout(link_id: int, amount: object = "400.00", reference: str = "ref-1", **kw: object) -> dict[str, object]:
    body: dict[str, object] = {
        "link_id": link_id,
        "income_type": "wage",
        "amount": amount,
        "period_from": "2017-01-01",
        "period_to": "2017-01-31",
        "paid_on": "2017-02-01",
        "method": "bank",
        "reference": reference,
    }
    body.update(kw)
    return body


async def _count(table: str) -> int:
    return (await fetch(f"SELECT count(*) AS n FROM {table}"))[0]["n"]


def _field(r) -> str:
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return r.json()["errors"][0]["field"]


async def test_amounts_accept_only_ascii_digits_and_one_point(client, chain):
    for bad in [*LENIENT, 12.5, 1e2, True, -5, [], {}]:
        r = await client.post("/api/v1/payouts", json=payout(chain["wage"], bad), headers=chain["operator"])
        assert _field(r) == "amount", bad
        assert "digits 0-9" in r.json()["errors"][0]["message"], (bad, r.text)
    assert await _count("payout") == 0
    for n, good in enumerate(["400", "400.5", "400.50", "0400.00", 400]):
        r = await client.post(
            "/api/v1/payouts", json=payout(chain["wage"], good, reference=f"ok-{n}"), headers=chain["operator"]
        )
        assert r.status_code == 201, (good, r.text)
    amounts = [r["amount"] for r in await fetch("SELECT amount::text AS amount FROM payout ORDER BY id")]
    assert amounts == ["400.00", "400.50", "400.50", "400.00", "400.00"]


async def test_quantities_refuse_an_exponent_like_amounts(client, chain, auth):
    base = {
        "enterprise_id": chain["enterprise"],
        "industry": "crayfish_rice",
        "village_id": chain["village"],
        "name": "另一个基地",
    }
    for bad in ("1e2", "１００", "+100", ".5"):
        r = await client.post("/api/v1/bases", json={**base, "area": bad}, headers=chain["operator"])
        assert _field(r) == "area", bad
    finance = await auth("finance")
    scheme = {
        "year": 2017,
        "name": "x",
        "budget": "1000.00",
        "rates": [{"industry": "crayfish_rice", "unit": "mu", "min_quantity": "1e0", "tiers": []}],
    }
    r = await client.post("/api/v1/subsidy-schemes", json=scheme, headers=finance)
    assert _field(r) == "rates[0].min_quantity"
    scheme["rates"] = [
        {"industry": "crayfish_rice", "unit": "mu", "min_quantity": "1", "tiers": [{"up_to": None, "rate": "3e2"}]}
    ]
    r = await client.post("/api/v1/subsidy-schemes", json=scheme, headers=finance)
    assert _field(r) == "rates[0].tiers[0].rate"
    assert await _count("subsidy_scheme") == 0


async def test_a_claims_quantity_in_other_digits_is_refused(client, chain, auth):
    finance = await auth("finance")
    scheme = {
        "year": 2017,
        "name": "2017 补贴",
        "budget": "100000.00",
        "rates": [
            {"industry": "crayfish_rice", "unit": "mu", "min_quantity": "1", "tiers": [{"up_to": None, "rate": "300"}]}
        ],
    }
    made = await client.post("/api/v1/subsidy-schemes", json=scheme, headers=finance)
    assert made.status_code == 201, made.text
    scheme_id = made.json()["id"]
    assert (await client.post(f"/api/v1/subsidy-schemes/{scheme_id}/publish", headers=finance)).status_code == 200
    claim = {"scheme_id": scheme_id, "household_id": chain["h"]["id"], "industry": "crayfish_rice"}
    for bad in ("1e2", "３", "٣", "3."):
        r = await client.post(
            "/api/v1/subsidy-claims", json={**claim, "declared_quantity": bad}, headers=chain["officer"]
        )
        assert _field(r) == "declared_quantity", bad
    assert await _count("subsidy_claim") == 0


async def test_batch_and_csv_rows_read_amounts_the_same_way(client, chain):
    rows = [payout(chain["wage"], "１２３.００", "b-1"), payout(chain["wage"], "400.00", "b-2")]
    r = await client.post("/api/v1/payouts/batch", json=rows, headers=chain["operator"])
    assert r.status_code == 422, r.text
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [(0, "amount")]
    registry_no = chain["h"]["registry_no"]
    text = (
        "registry_no,base,kind,amount,period_from,period_to,paid_on,method,reference\n"
        f"{registry_no},虾稻共作基地,wage,１２３.００,2017-01-01,2017-01-31,2017-02-01,bank,c-1\n"
        f"{registry_no},虾稻共作基地,wage,+5.00,2017-02-01,2017-02-28,2017-03-01,bank,c-2\n"
    )
    r = await client.post(
        "/api/v1/payouts/import", files={"file": ("x.csv", text.encode(), "text/csv")}, headers=chain["operator"]
    )
    assert r.status_code == 422, r.text
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [(2, "amount"), (3, "amount")]
    assert await _count("payout") == 0


async def test_a_payout_above_the_ceiling_is_refused_naming_the_limit(client, chain):
    r = await client.post("/api/v1/payouts", json=payout(chain["wage"], "12345678901.00"), headers=chain["operator"])
    assert _field(r) == "amount"
    assert "1,000,000.00" in r.json()["errors"][0]["message"]
    assert "CHAINAID_CEILINGS payout" in r.json()["errors"][0]["message"]
    r = await client.post(
        "/api/v1/payouts/batch", json=[payout(chain["wage"], "1000000.01")], headers=chain["operator"]
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount"
    assert await _count("payout") == 0
    r = await client.post("/api/v1/payouts", json=payout(chain["wage"], "1000000.00"), headers=chain["operator"])
    assert r.status_code == 201, r.text


async def test_ceilings_of_schemes_links_support_and_income(client, admin, chain, auth):
    finance = await auth("finance")
    scheme = {"year": 2017, "name": "x", "budget": "1000000000.01", "rates": []}
    r = await client.post("/api/v1/subsidy-schemes", json=scheme, headers=finance)
    assert _field(r) == "budget" and "1,000,000,000.00" in r.text
    r = await client.post(
        "/api/v1/links",
        json={
            "enterprise_id": chain["enterprise"],
            "base_id": chain["base"],
            "household_id": chain["h"]["id"],
            "start_date": "2017-01-01",
            "terms": {**WAGE, "wage_rate": "2000000.00"},
        },
        headers=chain["operator"],
    )
    assert _field(r) == "terms.wage_rate"
    pairing = {"enterprise_id": chain["enterprise"], "village_id": chain["village"], "start_date": "2016-01-01"}
    assert (await client.post("/api/v1/pairings", json=pairing, headers=admin)).status_code == 201
    support = {
        "enterprise_id": chain["enterprise"],
        "village_id": chain["village"],
        "kind": "donation",
        "given_on": "2017-05-04",
        "reference": "s-1",
        "amount": "10000000.01",
    }
    r = await client.post("/api/v1/support-records", json=support, headers=chain["operator"])
    assert _field(r) == "amount" and "10,000,000.00" in r.text
    r = await client.put("/api/v1/poverty-lines/2021", json={"amount": "1000000.01"}, headers=admin)
    assert _field(r) == "amount"
    assert await _count("subsidy_scheme") == 0 and await _count("support_record") == 0


async def test_payout_references_are_one_whatever_their_case(client, chain):
    op = chain["operator"]
    first = await client.post("/api/v1/payouts", json=payout(chain["wage"], reference="ref-1"), headers=op)
    assert first.status_code == 201, first.text
    again = await client.post("/api/v1/payouts", json=payout(chain["wage"], reference="REF-1"), headers=op)
    assert again.status_code == 200, again.text  # a resend: the first payout, nothing written
    assert again.json()["id"] == first.json()["id"] and again.json()["reference"] == "ref-1"
    clash = await client.post("/api/v1/payouts", json=payout(chain["wage"], "401.00", "Ref-1"), headers=op)
    assert clash.status_code == 409 and clash.json()["field"] == "reference"
    batch = await client.post(
        "/api/v1/payouts/batch",
        json=[payout(chain["wage"], reference="REF-1"), payout(chain["wage"], "9.00", reference="rEf-1")],
        headers=op,
        params={"partial": "true"},
    )
    assert batch.status_code == 201, batch.text
    assert batch.json()["written"] == 0 and batch.json()["already_recorded"] == 1
    assert [(p["index"], p["field"]) for p in batch.json()["rejected"]] == [(1, "reference")]
    twins = await client.post(
        "/api/v1/payouts/batch",
        json=[payout(chain["wage"], reference="b-1"), payout(chain["wage"], reference="B-1")],
        headers=op,
    )
    assert twins.status_code == 422 and twins.json()["errors"][0]["index"] == 1
    assert await _count("payout") == 1


async def test_support_references_are_one_whatever_their_case(client, admin, chain):
    pairing = {"enterprise_id": chain["enterprise"], "village_id": chain["village"], "start_date": "2016-01-01"}
    assert (await client.post("/api/v1/pairings", json=pairing, headers=admin)).status_code == 201
    support = {
        "enterprise_id": chain["enterprise"],
        "village_id": chain["village"],
        "kind": "donation",
        "given_on": "2017-05-04",
        "reference": "s-1",
        "amount": "500.00",
    }
    op = chain["operator"]
    first = await client.post("/api/v1/support-records", json=support, headers=op)
    assert first.status_code == 201, first.text
    again = await client.post("/api/v1/support-records", json={**support, "reference": "S-1"}, headers=op)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = await client.post(
        "/api/v1/support-records", json={**support, "reference": "S-1", "amount": "1.00"}, headers=op
    )
    assert clash.status_code == 409, clash.text
    assert await _count("support_record") == 1


async def test_free_text_refuses_control_and_bidi_characters(client, admin, chain):
    for bad in ("张\u202e三", "张\u2066三", "张\u200f三", "张\x07三", "张\x85三", "张\n三", "张\t三"):
        body = household_body(chain["village"], 7)
        body["members"][0]["name"] = bad
        r = await client.post("/api/v1/households", json=body, headers=chain["officer"])
        assert _field(r) == "members[0].name", repr(bad)
        assert f"U+{ord(bad[1]):04X}" in r.json()["errors"][0]["message"]
    assert _field(await client.post("/api/v1/towns", json={"name": "镇\u202d"}, headers=admin)) == "name"
    r = await client.post(
        "/api/v1/payouts", json=payout(chain["wage"], reference="ref\u202e1"), headers=chain["operator"]
    )
    assert _field(r) == "reference"
    assert await _count("household") == 1 and await _count("payout") == 0


async def test_multi_line_fields_keep_their_line_breaks(client, chain):
    made = await client.post("/api/v1/payouts", json=payout(chain["wage"]), headers=chain["operator"])
    assert made.status_code == 201, made.text
    payout_id = made.json()["id"]
    bad = await client.post(
        f"/api/v1/payouts/{payout_id}/reverse", json={"reason": "错账\u202e"}, headers=chain["operator"]
    )
    assert _field(bad) == "reason"
    r = await client.post(
        f"/api/v1/payouts/{payout_id}/reverse", json={"reason": "错账\r\n重报"}, headers=chain["operator"]
    )
    assert r.status_code == 201, r.text
    assert r.json()["reason"] == "错账\n重报"


async def test_registry_numbers_and_phones_have_a_pattern(client, admin, chain):
    officer, village = chain["officer"], chain["village"]
    for bad in ("ABC-123", "4290 0500", "１２３４５６７８９", "1234567"):
        r = await client.post("/api/v1/households", json=household_body(village, 8, registry_no=bad), headers=officer)
        assert _field(r) == "registry_no", bad
        assert "8 to 20 digits" in r.json()["errors"][0]["message"]
    for bad in ("12345", "+86 138 0000 0000", "2345678901", "0728-123", "138000000001"):
        r = await client.post("/api/v1/households", json=household_body(village, 8, phone=bad), headers=officer)
        assert _field(r) == "phone", bad
        assert "0728-1234567" in r.json()["errors"][0]["message"]
    assert await _count("household") == 1
    for n, good in ((8, "13872001234"), (9, "0728-6234567"), (10, "07286234567")):
        r = await client.post("/api/v1/households", json=household_body(village, n, phone=good), headers=officer)
        assert r.status_code == 201, (good, r.text)
    r = await client.post(
        "/api/v1/enterprises",
        json={
            "name": "潜江市某合作社",
            "kind": "cooperative",
            "credit_code": credit_code(5),
            "town_id": chain["town"],
            "industries": ["crayfish_rice"],
            "contact_phone": "call me",
        },
        headers=admin,
    )
    assert _field(r) == "contact_phone"


async def test_the_console_reads_a_quantity_as_strictly_as_the_api(app):
    demo = (await load_demo()).tokens
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as web:
        form = await web.get("/console/sign-in")
        csrf = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
        r = await web.post("/console/sign-in", data={"_csrf_token": csrf, "token": demo["town_officer"]})
        assert r.status_code == 303, r.text
        filed = await web.get("/console/claims?status=filed")
        claim_id = int(re.search(r'href="/console/claims/(\d+)"', filed.text).group(1))
        for bad in ("４", "1e0", "+4", "4."):
            r = await web.post(
                f"/console/claims/{claim_id}/verify",
                data={"_csrf_token": csrf, "verified_quantity": bad, "inspector": "刘工", "verified_on": TODAY},
            )
            assert r.status_code == 400 and "verified_quantity" in r.text, bad
    row = (await fetch("SELECT status FROM subsidy_claim WHERE id = $1", claim_id))[0]
    assert row["status"] == "filed"


async def test_counts_of_people_have_a_ceiling_too(client, admin, chain):
    pairing = {"enterprise_id": chain["enterprise"], "village_id": chain["village"], "start_date": "2016-01-01"}
    assert (await client.post("/api/v1/pairings", json=pairing, headers=admin)).status_code == 201
    support = {
        "enterprise_id": chain["enterprise"],
        "village_id": chain["village"],
        "kind": "donation",
        "given_on": "2017-05-04",
        "reference": "s-1",
        "amount": "500.00",
        "households_benefited": 1,
        "people_benefited": 2**40,
    }
    r = await client.post("/api/v1/support-records", json=support, headers=chain["operator"])
    assert _field(r) == "people_benefited" and "10,000,000" in r.text
    village = {"town_id": chain["town"], "name": "新村", "rural_population": 2**31}
    assert _field(await client.post("/api/v1/villages", json=village, headers=admin)) == "rural_population"
    assert await _count("support_record") == 0


class _RolledBack(Exception):
    """Leaves a Piccolo transaction the test opened, undoing it."""


@pytest.mark.parametrize(
    ("app_dir", "migration", "table", "index"),
    [
        ("payouts", "payouts_2026_11_29t12_45_00_000000", "payout", "payout_reference_any_case"),
        ("pairing", "pairing_2026_11_29t12_45_01_000000", "support_record", "support_record_reference_any_case"),
    ],
)
async def test_the_migration_stops_on_references_differing_only_in_case(
    client, admin, chain, app_dir, migration, table, index
):
    import piccolo_conf

    module = importlib.import_module(f"migrations.{app_dir}.{migration}")
    if table == "payout":
        r = await client.post("/api/v1/payouts", json=payout(chain["wage"]), headers=chain["operator"])
    else:
        pairing = {"enterprise_id": chain["enterprise"], "village_id": chain["village"], "start_date": "2016-01-01"}
        assert (await client.post("/api/v1/pairings", json=pairing, headers=admin)).status_code == 201
        support = {
            "enterprise_id": chain["enterprise"],
            "village_id": chain["village"],
            "kind": "donation",
            "given_on": "2017-05-04",
            "reference": "ref-1",
            "amount": "500.00",
        }
        r = await client.post("/api/v1/support-records", json=support, headers=chain["operator"])
    assert r.status_code == 201, r.text
    db = piccolo_conf.DB
    columns = [
        c["column_name"]
        for c in await fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND column_name NOT IN"
            " ('id', 'reference') ORDER BY ordinal_position",
            table,
        )
    ]
    copy = (
        f"INSERT INTO {table} ({', '.join(columns)}, reference)"
        f" SELECT {', '.join(columns)}, 'REF-1' FROM {table} WHERE reference = 'ref-1'"
    )
    with pytest.raises(_RolledBack):
        async with db.transaction():
            await db.run_ddl(f"DROP INDEX {index}")
            await db.run_ddl(copy)
            with pytest.raises(RuntimeError, match=r"ref-1 \(.* 1\), REF-1 \(.* 2\)"):
                for step in (await module.forwards()).raw:
                    await step()
            raise _RolledBack
    with pytest.raises(_RolledBack):  # without such pairs it makes the index
        async with db.transaction():
            await db.run_ddl(f"DROP INDEX {index}")
            for step in (await module.forwards()).raw:
                await step()
            assert await db.run_ddl(f"SELECT 1 FROM pg_indexes WHERE indexname = '{index}'")
            raise _RolledBack
    assert await fetch("SELECT 1 FROM pg_indexes WHERE indexname = $1", index)
