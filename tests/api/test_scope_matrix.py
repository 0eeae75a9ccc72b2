"""Scopes at every level: accounts of a province, a city and a county (admin, finance, auditor), a town
officer and an operator, against the same objects in their county, in a neighbouring county of the same
city, and in a county outside the city.

The province is Hubei (42); the city Jingzhou (4210) with two districts, Shashi (421002, "home") and
Jingzhou district (421003, "neighbour"); Qianjiang (429005, "outside") hangs directly from the province.
Each county has a town, a poor village, an enterprise with its operator, a base, a registered household
linked to the base, a payout, a pairing, a support record, a cross-check flag, a hardship, a subsidy scheme
with a claim approved into a voucher paid through a payment batch. The home enterprise also has a base in
the neighbour county, linked to a household there ("far"): its operator sees it, the neighbour's officer
and county accounts do not.

Reaching into a county out of reach is 403, for a read of one object and for a write alike (never 404, and
never a write); lists and exports show exactly the rows in reach. The world is built once for the module.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from python_calamine import CalamineWorkbook

from app.core.access import OPERATIONS, can
from app.core.principal import Role
from tests.api.conftest import make_token, reset_database, use_test_database
from tests.chain_helpers import SHARE, link, make_base, make_enterprise
from tests.db import fetch
from tests.factories import resident_id
from tests.registry_helpers import make_household, register

TODAY = date.today().isoformat()
IN_A_WEEK = (date.today() + timedelta(days=6)).isoformat()
HOME, NEIGHBOUR, OUTSIDE = "421002", "421003", "429005"
COUNTIES = (HOME, NEIGHBOUR, OUTSIDE)
LEVELS = {"province": "42", "city": "4210", "county": HOME}
REACH = {"province": set(COUNTIES), "city": {HOME, NEIGHBOUR}, "county": {HOME}}
REGION_ROLES = ("admin", "finance", "auditor")
# every caller: (level or None, role)
CALLERS = [*((level, role) for level in LEVELS for role in REGION_ROLES), (None, "town_officer"), (None, "operator")]


def caller_id(c: tuple[str | None, str]) -> str:
    return f"{c[0]} {c[1]}" if c[0] else c[1]


def api_routes() -> dict[str, tuple[str, str]]:
    """operationId -> (method, path), from the app's own route table."""
    use_test_database()
    from app.main import create_app

    spec = create_app().openapi_schema.to_schema()
    return {
        op["operationId"]: (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/v1")
        for method, op in operations.items()
    }


ROUTES = api_routes()


def may(role: str, op_id: str) -> bool:
    return can(Role(role), OPERATIONS[op_id])


@pytest.fixture
async def clean_database() -> None:
    """The cases share the module's world: no reset between them."""


async def _post(client, url: str, body: Any, headers: dict[str, str], expect: int = 201) -> dict[str, Any]:
    r = await client.post(url, json=body, headers=headers)
    assert r.status_code == expect, (url, r.status_code, r.text)
    return r.json()


def _scheme_body(name: str, county_region_id: int) -> dict[str, Any]:
    return {
        "year": 2017,
        "name": name,
        "budget": "100000.00",
        "county_id": county_region_id,
        "rates": [
            {
                "industry": "crayfish_rice",
                "unit": "mu",
                "min_quantity": "1",
                "tiers": [{"up_to": None, "rate": "100.00"}],
            }
        ],
    }


def _notice_body(village: int, household: int) -> dict[str, Any]:
    return {
        "kind": "monitoring_intake",
        "village_id": village,
        "starts_on": TODAY,
        "ends_on": IN_A_WEEK,
        "entries": [{"household_id": household, "category": "unstable"}],
    }


def _asset_body(village: int, base: int) -> dict[str, Any]:
    return {
        "name": "虾稻冷库",
        "asset_class": "operating",
        "kind": "storage",
        "village_id": village,
        "status": "in_use",
        "completed_on": "2016-06-30",
        "book_value": "100000.00",
        "base_id": base,
    }


def _agreement_body(enterprise: int, household: int) -> dict[str, Any]:
    return {
        "operator_id": enterprise,
        "form": "lease",
        "starts_on": "2017-01-01",
        "signed_on": "2016-12-01",
        "yearly_rent": "8000.00",
        "method": "equal",
        "households": [{"household_id": household}],
    }


_INCOME = {"received_on": "2017-12-01", "period_year": 2017, "amount": "8000.00", "reference": "A-1"}
_DISPOSAL = {"kind": "scrapping", "reason": "报废", "proceeds": "0", "requested_on": "2024-01-01"}


async def _county_objects(client, admin, finance, code: str, n: int, region_ids: dict[str, int]) -> dict[str, Any]:
    """One county's objects, built by the unscoped admin and finance and the county's own officer and operator."""
    town = (await _post(client, "/api/v1/towns", {"name": f"镇{code}", "county_id": region_ids[code]}, admin))["id"]
    village = (
        await _post(
            client,
            "/api/v1/villages",
            {
                "town_id": town,
                "name": f"村{code}",
                "rural_population": 1200,
                "is_poor_village": True,
                "registered_year": 2014,
            },
            admin,
        )
    )["id"]
    officer = await make_token("town_officer", town_id=town, name=f"officer {code}")
    enterprise = await make_enterprise(client, admin, town, n)
    operator = await make_token("operator", enterprise_id=enterprise, name=f"operator {code}")
    base = await make_base(client, operator, enterprise, village, name=f"基地{code}")
    h = await make_household(client, officer, village, n)
    await register(client, officer, h["id"])
    r = await link(client, operator, enterprise, base, h["id"], SHARE)
    assert r.status_code == 201, r.text
    link_id = r.json()["id"]
    payout_body = {
        "link_id": link_id,
        "income_type": "dividend",
        "amount": "400.00",
        "period_from": "2017-01-01",
        "period_to": "2017-12-31",
        "paid_on": "2017-12-20",
        "method": "bank",
        "reference": f"P-{code}",
    }
    payout = (await _post(client, "/api/v1/payouts", payout_body, operator))["id"]
    pairing = (
        await _post(
            client,
            "/api/v1/pairings",
            {"enterprise_id": enterprise, "village_id": village, "start_date": "2016-01-01"},
            admin,
        )
    )["id"]
    support_body = {
        "enterprise_id": enterprise,
        "village_id": village,
        "kind": "donation",
        "given_on": "2017-05-04",
        "reference": f"S-{code}",
        "amount": "20000.00",
        "households_benefited": 3,
        "people_benefited": 8,
    }
    support = (await _post(client, "/api/v1/support-records", support_body, operator))["id"]
    await _post(
        client,
        f"/api/v1/households/{h['id']}/hardships",
        {"kind": "illness", "occurred_on": "2017-03-01"},
        officer,
    )
    scheme = await _post(client, "/api/v1/subsidy-schemes", _scheme_body(f"虾稻补贴{code}", region_ids[code]), finance)
    await _post(client, f"/api/v1/subsidy-schemes/{scheme['id']}/publish", None, finance, expect=200)
    claim = await _post(
        client,
        "/api/v1/subsidy-claims",
        {"scheme_id": scheme["id"], "household_id": h["id"], "industry": "crayfish_rice", "declared_quantity": "5"},
        officer,
    )
    await _post(
        client,
        f"/api/v1/subsidy-claims/{claim['id']}/verify",
        {"verified_quantity": "5", "inspector": "x", "verified_on": TODAY},
        officer,
        expect=200,
    )
    voucher = await _post(client, f"/api/v1/subsidy-claims/{claim['id']}/approve", None, finance)
    batch = await _post(client, "/api/v1/payment-batches", {"scheme_id": scheme["id"]}, finance)
    notice = await _post(client, "/api/v1/notices", _notice_body(village, h["id"]), officer)
    notice_objection = await _post(
        client,
        f"/api/v1/notices/{notice['id']}/objections",
        {"raised_by": "村民", "content": "异议", "raised_on": TODAY},
        officer,
    )
    # a project asset of the village, run by the county's enterprise, with an income not yet distributed (a
    # distribution would add payouts to the lists below)
    asset = await _post(client, "/api/v1/assets", _asset_body(village, base), finance)
    agreement = await _post(
        client, f"/api/v1/assets/{asset['id']}/agreements", _agreement_body(enterprise, h["id"]), finance
    )
    income = await _post(client, f"/api/v1/asset-agreements/{agreement['id']}/income", _INCOME, finance)
    # its evidence (a contract; a second one removed already) and a disposal awaiting approval
    evidence = {}
    for name in ("合同", "错传"):
        r = await client.post(
            f"/api/v1/assets/{asset['id']}/evidence",
            files={"file": (f"{name}.pdf", f"%PDF-1.4 {name}{code}\n".encode(), "application/pdf")},
            data={"title": name},
            headers=finance,
        )
        assert r.status_code == 201, r.text
        evidence[name] = r.json()["id"]
    await _post(client, f"/api/v1/asset-evidence/{evidence['错传']}/remove", {"reason": "错传"}, finance, expect=200)
    disposal = await _post(client, f"/api/v1/assets/{asset['id']}/disposals", _DISPOSAL, finance)
    return {
        "asset": asset["id"],
        "evidence": evidence["合同"],
        "removed_evidence": evidence["错传"],
        "disposal": disposal["id"],
        "agreement": agreement["id"],
        "income": income["id"],
        "county": code,
        "town": town,
        "village": village,
        "officer": officer,
        "enterprise": enterprise,
        "operator": operator,
        "base": base,
        "base_name": f"基地{code}",
        "household": h["id"],
        "registry_no": h["registry_no"],
        "member": h["members"][0],
        "link": link_id,
        "payout": payout,
        "payout_body": payout_body,
        "pairing": pairing,
        "support": support,
        "support_body": support_body,
        "scheme": scheme["id"],
        "claim": claim["id"],
        "voucher": voucher["number"],
        "batch": batch["id"],
        "notice": notice["id"],
        "notice_objection": notice_objection["id"],
    }


@pytest.fixture(scope="module")
async def world(app) -> dict[str, Any]:
    await reset_database()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://chainaid.test") as client:
        admin, finance = await make_token("admin"), await make_token("finance")
        region_ids: dict[str, int] = {}
        for code, name in (
            ("42", "湖北省"),
            ("4210", "荆州市"),
            (HOME, "沙市区"),
            (NEIGHBOUR, "荆州区"),
            (OUTSIDE, "潜江市"),
        ):
            # the province and Qianjiang are the test directory's already (tests/api/conftest.py)
            r = await client.post("/api/v1/regions", json={"code": code, "name": name}, headers=admin)
            if r.status_code == 409:
                r = await client.get(f"/api/v1/regions/{code}", headers=admin)
            assert r.status_code in (200, 201), r.text
            region_ids[code] = r.json()["id"]
        c = {
            code: await _county_objects(client, admin, finance, code, n, region_ids)
            for n, code in enumerate(COUNTIES, start=1)
        }
        home, neighbour = c[HOME], c[NEIGHBOUR]
        # the home enterprise works in the neighbour county too: a base there, linked to a household of it
        far_base = await make_base(client, home["operator"], home["enterprise"], neighbour["village"], name="远基地")
        far_h = await make_household(client, neighbour["officer"], neighbour["village"], 7)
        await register(client, neighbour["officer"], far_h["id"])
        r = await link(client, home["operator"], home["enterprise"], far_base, far_h["id"], SHARE)
        assert r.status_code == 201, r.text
        far_link = r.json()["id"]
        far_payout_body = {**home["payout_body"], "link_id": far_link, "reference": "P-far"}
        far_payout = (await _post(client, "/api/v1/payouts", far_payout_body, home["operator"]))["id"]
        # the flags: one department record per county's household head
        await _post(
            client,
            "/api/v1/cross-check/records",
            [
                {"department": "housing", "item": "shop", "id_number": x["member"]["id_number"], "as_of": "2017-01-01"}
                for x in c.values()
            ],
            admin,
            expect=200,
        )
        flags = {r["household"]: r["id"] for r in await fetch("SELECT id, household FROM cross_check_flag")}
        for x in c.values():
            x["flag"] = flags[x["household"]]
        callers: dict[str, dict[str, str]] = {}
        for level, code in LEVELS.items():
            for role in REGION_ROLES:
                callers[f"{level} {role}"] = await _scoped_token(role, region_ids[code])
        callers["town_officer"], callers["operator"] = home["officer"], home["operator"]
        far = {
            "county": NEIGHBOUR,
            "base": far_base,
            "household": far_h["id"],
            "registry_no": far_h["registry_no"],
            "link": far_link,
            "payout": far_payout,
            "enterprise": home["enterprise"],
        }
        return {"c": c, "far": far, "callers": callers, "region_ids": region_ids, "admin": admin}


async def _scoped_token(role: str, region_id: int) -> dict[str, str]:
    from app.accounts.schemas import AccountCreate
    from app.accounts.service import create_account
    from app.core.principal import system_principal

    created = await create_account(
        system_principal("tests"), AccountCreate(name=f"{role} of {region_id}", role=Role(role), region_id=region_id)
    )
    return {"Authorization": f"Bearer {created.token}"}


def _url(op_id: str, **ids: Any) -> tuple[str, str]:
    method, path = ROUTES[op_id]
    return method, re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(ids[m.group(1)]), path)


def reaches(caller: tuple[str | None, str], county: str) -> bool:
    """Whether a region caller, or the home town's officer, reaches an object of this county (the home
    county has one town: the officer's)."""
    level, role = caller
    if level is not None:
        return county in REACH[level]
    assert role == "town_officer"
    return county == HOME


# ---- who the principal is ------------------------------------------------------------------------


@pytest.mark.parametrize("caller", CALLERS, ids=caller_id)
async def test_me_says_the_region(client, world, caller):
    me = (await client.get("/api/v1/me", headers=world["callers"][caller_id(caller)])).json()
    level, role = caller
    assert me["role"] == role
    assert me["region_code"] == (LEVELS[level] if level else HOME if role == "town_officer" else None)


# ---- one object: read ----------------------------------------------------------------------------

# op_id -> (the key of its object in a county's world, the path parameters it takes, a query string)
READS: dict[str, tuple[str, str, str]] = {
    "getHousehold": ("household", "household_id", ""),
    "getHouseholdIncome": ("household", "household_id", "?year=2017"),
    "listAssessments": ("household", "household_id", ""),
    "getBase": ("base", "base_id", ""),
    "getLink": ("link", "link_id", ""),
    "getPayout": ("payout", "payout_id", ""),
    "getSubsidyClaim": ("claim", "claim_id", ""),
    "getSubsidyScheme": ("scheme", "scheme_id", ""),
    "previewSubsidyScheme": ("scheme", "scheme_id", ""),
    "getVoucher": ("voucher", "number", ""),
    "getVoucherBarcode": ("voucher", "number", ""),
    "printVoucher": ("voucher", "number", ""),
    "getPaymentBatch": ("batch", "batch_id", ""),
    "exportPaymentBatch": ("batch", "batch_id", ""),
    "exportPaymentBatchXlsx": ("batch", "batch_id", ""),
    "getEnterpriseSummary": ("enterprise", "enterprise_id", "?year=2017"),
    "getNotice": ("notice", "notice_id", ""),
    "getAsset": ("asset", "asset_id", ""),
    "listAssetAgreements": ("asset", "asset_id", ""),
    "getAssetAgreement": ("agreement", "agreement_id", ""),
    "listAssetIncome": ("agreement", "agreement_id", ""),
    "listAssetEvidence": ("asset", "asset_id", ""),
    "getAssetEvidence": ("evidence", "evidence_id", ""),
    "downloadAssetEvidence": ("evidence", "evidence_id", ""),
    "listAssetDisposals": ("asset", "asset_id", ""),
    "printNotice": ("notice", "notice_id", ""),
}

# what an operator (of the home enterprise) reads: its enterprise's objects, the households it links, every
# county's schemes (public notices); nothing else
OPERATOR_READS = {
    "household": {HOME},
    "base": {HOME},
    "link": {HOME},
    "payout": {HOME},
    "enterprise": {HOME},
    "asset": {HOME},  # the assets its enterprise runs
    "agreement": {HOME},
    "evidence": {HOME},
}

READ_CASES = [
    pytest.param(caller, op_id, county, id=f"{op_id} {county} [{caller_id(caller)}]")
    for op_id in READS
    for caller in CALLERS
    if may(caller[1], op_id)
    for county in COUNTIES
]


@pytest.mark.parametrize(("caller", "op_id", "county"), READ_CASES)
async def test_reading_one_object(client, world, caller, op_id, county):
    key, param, query = READS[op_id]
    _, url = _url(op_id, **{param: world["c"][county][key]})
    r = await client.get(url + query, headers=world["callers"][caller_id(caller)])
    if caller[1] == "operator":  # the far household is read in its own test
        expected = key == "scheme" or county in OPERATOR_READS.get(key, set())
    else:
        expected = reaches(caller, county)
    assert r.status_code == (200 if expected else 403), (r.status_code, r.text[:300])


async def test_an_operator_reads_its_enterprise_everywhere_and_the_county_next_door_does_not(client, world):
    far, neighbour_county_auditor = world["far"], world["callers"]["county auditor"]
    operator = world["callers"]["operator"]
    for url in (
        f"/api/v1/bases/{far['base']}",
        f"/api/v1/links/{far['link']}",
        f"/api/v1/payouts/{far['payout']}",
        f"/api/v1/households/{far['household']}",
    ):
        assert (await client.get(url, headers=operator)).status_code == 200, url
        # the home county's auditor: the far base is in the neighbour county, though its enterprise is home's
        assert (await client.get(url, headers=neighbour_county_auditor)).status_code == 403, url
        assert (await client.get(url, headers=world["callers"]["city auditor"])).status_code == 200, url
    bases = (await client.get("/api/v1/bases?limit=500", headers=operator)).json()["items"]
    assert {b["id"] for b in bases} == {world["c"][HOME]["base"], far["base"]}


# ---- one object: write ---------------------------------------------------------------------------


def _member(n: int) -> dict[str, Any]:
    return {"name": "新成员", "id_number": resident_id(400 + n), "relation": "head", "labour_ability": "full"}


# op_id -> a function of a county's world giving (path parameters, body). Each body passes validation and,
# in reach, is refused only after the scope check (a conflict, a resend) or writes harmlessly; out of reach
# the answer is 403 whatever the body would have done.
WRITES: dict[str, Any] = {
    "transitionHousehold": lambda x: ({"household_id": x["household"]}, {"to": "applied"}),
    "raiseObjection": lambda x: ({"household_id": x["household"]}, {"raised_by": "村民", "content": "异议"}),
    "addMember": lambda x: ({"household_id": x["household"]}, _member(1)),
    "recordHardship": lambda x: ({"household_id": x["household"]}, {"kind": "disaster", "occurred_on": "2017-07-01"}),
    "dismissCrossCheckFlag": lambda x: ({"flag_id": x["flag"]}, {}),
    "createHousehold": lambda x: (
        {},
        {
            "registry_no": x["registry_no"],
            "village_id": x["village"],
            "attribute": "ordinary",
            "causes": ["illness"],
            "members": [
                {
                    "name": x["member"]["name"],
                    "id_number": x["member"]["id_number"],
                    "relation": "head",
                    "labour_ability": "full",
                }
            ],
        },
    ),
    "createBase": lambda x: (
        {},
        {
            "enterprise_id": x["enterprise"],
            "industry": "crayfish_rice",
            "village_id": x["village"],
            "name": x["base_name"],
            "area": "1",
        },
    ),
    "createLink": lambda x: (
        {},
        {
            "enterprise_id": x["enterprise"],
            "base_id": x["base"],
            "household_id": x["household"],
            "start_date": "2017-01-01",
            "terms": SHARE,
        },
    ),
    "endLink": lambda x: ({"link_id": x["link"]}, {"end_date": "2001-01-01"}),
    "recordPayout": lambda x: ({}, x["payout_body"]),
    "recordPayoutBatch": lambda x: ({}, [x["payout_body"]]),
    "verifySubsidyClaim": lambda x: (
        {"claim_id": x["claim"]},
        {"verified_quantity": "5", "inspector": "x", "verified_on": TODAY},
    ),
    "approveSubsidyClaim": lambda x: ({"claim_id": x["claim"]}, None),
    "rejectSubsidyClaim": lambda x: ({"claim_id": x["claim"]}, {"reason": "不符"}),
    "cancelVoucher": lambda x: ({"number": x["voucher"]}, {"reason": "错"}),
    "createPaymentBatch": lambda x: ({}, {"scheme_id": x["scheme"]}),
    "publishSubsidyScheme": lambda x: ({"scheme_id": x["scheme"]}, None),
    "closeSubsidyScheme": lambda x: ({"scheme_id": x["scheme"]}, None),
    "replaceSchemeRates": lambda x: ({"scheme_id": x["scheme"]}, _scheme_body("x", 1)["rates"]),
    "createPairing": lambda x: (
        {},
        {"enterprise_id": x["enterprise"], "village_id": x["village"], "start_date": "2016-01-01"},
    ),
    "endPairing": lambda x: ({"pairing_id": x["pairing"]}, {"end_date": "2001-01-01"}),
    "recordSupport": lambda x: ({}, x["support_body"]),
    "createVillage": lambda x: ({}, {"town_id": x["town"], "name": f"村{x['county']}"}),
    "updateVillage": lambda x: ({"village_id": x["village"]}, {}),
    "listPoorVillage": lambda x: ({"village_id": x["village"]}, {"registered_year": 2014}),
    "exitPoorVillage": lambda x: ({"village_id": x["village"]}, {"year": 2013}),
    "setCountyPolicy": lambda x: ({"region_code": x["county"]}, {}),
    # a one-day notice: refused for its length (422) once past the scope check, so no list grows
    "createNotice": lambda x: ({}, {**_notice_body(x["village"], x["household"]), "ends_on": TODAY}),
    "raiseNoticeObjection": lambda x: (  # raised before the notice stood: 422 once past the scope check
        {"notice_id": x["notice"]},
        {"raised_by": "村民", "content": "异议", "raised_on": "2001-01-01"},
    ),
    "resolveNoticeObjection": lambda x: (
        {"notice_id": x["notice"], "notice_objection_id": x["notice_objection"]},
        {"note": "已核实", "resolved_on": TODAY},
    ),
    "createAsset": lambda x: ({}, _asset_body(x["village"], x["base"])),  # the name is taken: 409
    "updateAsset": lambda x: ({"asset_id": x["asset"]}, {"note": "核实"}),
    "confirmAssetOwnership": lambda x: (
        {"asset_id": x["asset"]},
        {"owner_kind": "village_collective", "confirmed_on": "2017-01-01", "document_no": "确1"},
    ),
    # the term overlaps the asset's agreement: 409 once past the scope check
    "signAssetAgreement": lambda x: ({"asset_id": x["asset"]}, _agreement_body(x["enterprise"], x["household"])),
    "recordAssetIncome": lambda x: ({"agreement_id": x["agreement"]}, _INCOME),  # a resend: 200
    # paid before the income was received: 422 once past the scope check (nothing written)
    "distributeAssetIncome": lambda x: ({"income_id": x["income"]}, {"paid_on": "2017-11-30"}),
    # another disposal while one is pending: 409 once past the scope check
    "requestAssetDisposal": lambda x: ({"asset_id": x["asset"]}, {**_DISPOSAL, "kind": "sale"}),
    # decided before it was requested: 422 once past the scope check (and not by the account that requested it)
    "approveAssetDisposal": lambda x: ({"disposal_id": x["disposal"]}, {"approved_on": "2023-12-31"}),
    "rejectAssetDisposal": lambda x: ({"disposal_id": x["disposal"]}, {"reason": "否", "rejected_on": "2023-12-31"}),
    # removed already for another reason: 409 once past the scope check
    "removeAssetEvidence": lambda x: ({"evidence_id": x["removed_evidence"]}, {"reason": "另一理由"}),
    # a household on the register: nothing to decide, 409 once past the scope check
    "decideAssetBeneficiary": lambda x: (
        {"agreement_id": x["agreement"], "household_id": x["household"]},
        {"decision": "keep", "reason": "保留"},
    ),
    "openClaimsNotice": lambda x: (  # the scheme asks for no notice: 409 once past the scope check
        {"scheme_id": x["scheme"]},
        {"village_id": x["village"], "starts_on": TODAY, "ends_on": IN_A_WEEK},
    ),
}

WRITE_CASES = [
    pytest.param(caller, op_id, county, id=f"{op_id} {county} [{caller_id(caller)}]")
    for op_id in WRITES
    for caller in CALLERS
    if caller[1] != "operator" and may(caller[1], op_id)
    for county in COUNTIES
]


@pytest.mark.parametrize(("caller", "op_id", "county"), WRITE_CASES)
async def test_writing_one_object(client, world, caller, op_id, county):
    params, body = WRITES[op_id](world["c"][county])
    method, url = _url(op_id, **params)
    r = await client.request(method, url, json=body, headers=world["callers"][caller_id(caller)])
    if reaches(caller, county):
        # past the scope check: written, or refused for what the body asks (never a 400: the body is valid)
        assert r.status_code not in (400, 403) and r.status_code < 500, (r.status_code, r.text[:300])
    else:
        assert r.status_code == 403, (r.status_code, r.text[:300])


OPERATOR_WRITES = ("createBase", "createLink", "endLink", "recordPayout", "recordPayoutBatch", "recordSupport")


@pytest.mark.parametrize("op_id", OPERATOR_WRITES)
@pytest.mark.parametrize("county", COUNTIES)
async def test_an_operator_writes_for_its_enterprise_only(client, world, op_id, county):
    params, body = WRITES[op_id](world["c"][county])
    method, url = _url(op_id, **params)
    r = await client.request(method, url, json=body, headers=world["callers"]["operator"])
    if county == HOME:
        assert r.status_code not in (400, 403) and r.status_code < 500, (r.status_code, r.text[:300])
    else:
        assert r.status_code == 403, (r.status_code, r.text[:300])


async def test_an_operator_writes_in_another_county_through_its_enterprise(client, world):
    far, home, neighbour = world["far"], world["c"][HOME], world["c"][NEIGHBOUR]
    operator = world["callers"]["operator"]
    r = await client.post(f"/api/v1/links/{far['link']}/end", json={"end_date": "2001-01-01"}, headers=operator)
    assert r.status_code == 422, r.text  # refused for its date, not its county
    base = {"enterprise_id": home["enterprise"], "industry": "crayfish_rice", "area": "1", "name": "远基地"}
    r = await client.post("/api/v1/bases", json={**base, "village_id": neighbour["village"]}, headers=operator)
    assert r.status_code == 409, r.text  # the name is taken: it got past the county
    # the neighbour county's admin may not touch the home enterprise's base in the home county
    r = await client.post(
        f"/api/v1/links/{home['link']}/end", json={"end_date": "2001-01-01"}, headers=world["callers"]["county admin"]
    )
    assert r.status_code == 422, r.text  # the home county's admin does reach it


async def test_reversing_a_payout_next_door_is_refused(client, world):
    for payout in (world["c"][NEIGHBOUR]["payout"], world["far"]["payout"]):
        r = await client.post(
            f"/api/v1/payouts/{payout}/reverse", json={"reason": "错"}, headers=world["callers"]["county admin"]
        )
        assert r.status_code == 403, r.text
    assert not await fetch("SELECT 1 FROM payout WHERE reverses IS NOT NULL")


@pytest.mark.parametrize(
    "caller", [c for c in CALLERS if c[1] != "operator" and may(c[1], "uploadAssetEvidence")], ids=caller_id
)
@pytest.mark.parametrize("county", COUNTIES)
async def test_attaching_evidence_in_reach(client, world, caller, county):
    """The upload is multipart: the file each county's asset holds already, sent again (200 in reach)."""
    x = world["c"][county]
    _, url = _url("uploadAssetEvidence", asset_id=x["asset"])
    r = await client.post(
        url,
        files={"file": ("合同.pdf", f"%PDF-1.4 合同{county}\n".encode(), "application/pdf")},
        data={"title": "合同"},
        headers=world["callers"][caller_id(caller)],
    )
    assert r.status_code == (200 if reaches(caller, county) else 403), r.text


# ---- lists and exports ---------------------------------------------------------------------------

# op_id -> (query, the key of an item's id, the world's key of the objects listed)
LISTS: dict[str, tuple[str, str, str]] = {
    "listHouseholds": ("", "id", "household"),
    "listBases": ("", "id", "base"),
    "listLinks": ("", "id", "link"),
    "listPayouts": ("", "id", "payout"),
    "listSubsidyClaims": ("", "id", "claim"),
    "listSubsidySchemes": ("", "id", "scheme"),
    "listPaymentBatches": ("", "id", "batch"),
    "listPairings": ("", "id", "pairing"),
    "listSupportRecords": ("", "id", "support"),
    "listCrossCheckFlags": ("", "id", "flag"),
    "listTowns": ("", "id", "town"),
    "listVillages": ("", "id", "village"),
    "listDividendArrears": ("year=2018", "link_id", "link"),
    "listMonitoring": ("year=2017", "household_id", "household"),
    "listNotices": ("", "id", "notice"),
    "listAssets": ("", "id", "asset"),
    "listAssetFlags": ("", "asset_id", "asset"),  # each county's asset: its income undistributed, its rent owed
}
NOT_FAR = {"listMonitoring"}  # the far household had no hardship: it is not monitored

# what the home operator lists: its enterprise's rows (in any county), the households it links; the
# directories (towns, villages, schemes) whole
OPERATOR_LISTS = {"household", "base", "link", "payout", "pairing", "support", "asset"}

LIST_CASES = [
    pytest.param(caller, op_id, id=f"{op_id} [{caller_id(caller)}]")
    for op_id in LISTS
    for caller in CALLERS
    if may(caller[1], op_id)
]


def _expected_ids(world: dict[str, Any], caller: tuple[str | None, str], key: str, far_too: bool = True) -> set[Any]:
    rows = [(x["county"], x[key], x["county"] == HOME) for x in world["c"].values()]
    far = world["far"]
    if key in far and far_too:  # the home enterprise's rows in the neighbour county
        rows.append((NEIGHBOUR, far[key], True))
    if caller[1] == "operator":
        if key in OPERATOR_LISTS:
            return {ident for _, ident, of_home_enterprise in rows if of_home_enterprise}
        return {ident for _, ident, _ in rows}
    return {ident for county, ident, _ in rows if reaches(caller, county)}


@pytest.mark.parametrize(("caller", "op_id"), LIST_CASES)
async def test_a_list_shows_the_rows_in_reach(client, world, caller, op_id):
    query, id_key, key = LISTS[op_id]
    _, url = _url(op_id)
    r = await client.get(f"{url}?limit=500&{query}", headers=world["callers"][caller_id(caller)])
    assert r.status_code == 200, r.text
    body = r.json()
    items = body["items"] if isinstance(body, dict) else body
    assert {item[id_key] for item in items} == _expected_ids(world, caller, key, op_id not in NOT_FAR)


# op_id -> the world's key whose value marks a county's row in the CSV
EXPORTS = {
    "exportHouseholds": "registry_no",
    "exportPayouts": "payout_ref",
    "exportSubsidyClaims": "registry_no",
    "exportSupportRecords": "support_ref",
    "exportHouseholdsXlsx": "registry_no",
    "exportPayoutsXlsx": "registry_no",  # its sheets: the payouts, and the totals per household and year
    "exportSubsidyClaimsXlsx": "registry_no",
    "exportSupportRecordsXlsx": "support_ref",
}


def _text_of(r: httpx.Response) -> str:
    """A CSV as it is; a workbook as the text of all its cells."""
    if not r.headers["content-type"].startswith(("application/vnd", "application/octet")):
        return r.text
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    return "\n".join(
        " ".join(str(cell) for cell in row)
        for sheet in book.sheet_names
        for row in book.get_sheet_by_name(sheet).to_python()
    )


EXPORT_CASES = [
    pytest.param(caller, op_id, id=f"{op_id} [{caller_id(caller)}]")
    for op_id in EXPORTS
    for caller in CALLERS
    if may(caller[1], op_id) and caller[1] != "operator"
]


@pytest.mark.parametrize(("caller", "op_id"), EXPORT_CASES)
async def test_an_export_holds_the_rows_in_reach(client, world, caller, op_id):
    _, url = _url(op_id)
    r = await client.get(url, headers=world["callers"][caller_id(caller)])
    assert r.status_code == 200, r.text
    marks = {
        "registry_no": lambda x: x["registry_no"],
        "payout_ref": lambda x: x["payout_body"]["reference"],
        "support_ref": lambda x: x["support_body"]["reference"],
    }[EXPORTS[op_id]]
    text = _text_of(r)
    seen = {x["county"] for x in world["c"].values() if marks(x) in text}
    assert seen == {county for county in COUNTIES if reaches(caller, county)}


@pytest.mark.parametrize("caller", [c for c in CALLERS if c[1] != "operator"], ids=caller_id)
async def test_the_household_count_counts_the_households_in_reach(client, world, caller):
    r = await client.get(_url("countHouseholds")[1], headers=world["callers"][caller_id(caller)])
    assert r.status_code == 200, r.text
    expected = sum(1 for county in COUNTIES if reaches(caller, county))
    expected += 1 if reaches(caller, NEIGHBOUR) else 0  # the far household lives in the neighbour county
    assert r.json()["households"] == expected


# ---- the overview --------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", CALLERS, ids=caller_id)
async def test_the_overview_is_of_the_callers_region_and_refuses_others(client, world, caller):
    headers = world["callers"][caller_id(caller)]
    r = await client.get("/api/v1/stats/overview", headers=headers)
    assert r.status_code == 200, r.text
    level, role = caller
    own = LEVELS[level] if level else HOME if role == "town_officer" else None
    assert r.json().get("region") == own
    if own is not None:
        assert {c["code"] for c in r.json()["counties"]} == {c for c in COUNTIES if c.startswith(own)}
    for region in ("42", "4210", HOME, NEIGHBOUR, OUTSIDE):
        r = await client.get(f"/api/v1/stats/overview?region={region}", headers=headers)
        within = own is None or region.startswith(own)
        assert r.status_code == (200 if within else 403), (region, r.status_code, r.text[:200])


# ---- administering a region ----------------------------------------------------------------------


async def test_an_admin_adds_regions_towns_and_enterprises_under_its_region_only(client, world):
    county_admin, city_admin = world["callers"]["county admin"], world["callers"]["city admin"]
    ids = world["region_ids"]
    assert (
        await client.post("/api/v1/regions", json={"code": "421081", "name": "新县"}, headers=city_admin)
    ).status_code == 201
    r = await client.post("/api/v1/regions", json={"code": "421082", "name": "又一县"}, headers=county_admin)
    assert r.status_code == 403, r.text
    r = await client.post("/api/v1/regions", json={"code": "429004", "name": "仙桃市"}, headers=city_admin)
    assert r.status_code == 403, r.text
    r = await client.post("/api/v1/towns", json={"name": "邻镇", "county_id": ids[NEIGHBOUR]}, headers=county_admin)
    assert r.status_code == 403, r.text
    r = await client.post("/api/v1/towns", json={"name": "本镇", "county_id": ids[HOME]}, headers=county_admin)
    assert r.status_code == 201, r.text
    body = {"name": "邻企", "kind": "cooperative", "industries": ["crayfish_rice"]}
    from tests.factories import credit_code

    r = await client.post(
        "/api/v1/enterprises",
        json={**body, "credit_code": credit_code(90), "town_id": world["c"][NEIGHBOUR]["town"]},
        headers=county_admin,
    )
    assert r.status_code == 403, r.text
    r = await client.post(
        "/api/v1/enterprises",
        json={**body, "credit_code": credit_code(91), "town_id": world["c"][HOME]["town"]},
        headers=county_admin,
    )
    assert r.status_code == 201, r.text
    r = await client.put(
        f"/api/v1/poverty-lines/{date.today().year}",
        json={"amount": "5000.00", "province_code": "42"},
        headers=city_admin,
    )
    assert r.status_code == 403, r.text
    r = await client.put(
        f"/api/v1/poverty-lines/{date.today().year}",
        json={"amount": "5000.00"},
        headers=world["callers"]["province admin"],
    )
    assert r.status_code == 403, r.text  # the national line is the whole deployment's


async def test_an_admin_manages_the_accounts_of_its_region_only(client, world):
    ids, c = world["region_ids"], world["c"]
    county_admin, city_admin = world["callers"]["county admin"], world["callers"]["city admin"]
    for body in (
        {"name": "邻县财政", "role": "finance", "region_id": ids[NEIGHBOUR]},
        {"name": "市审计", "role": "auditor", "region_id": ids["4210"]},  # wider than its maker
        {"name": "邻镇专干", "role": "town_officer", "town_id": c[NEIGHBOUR]["town"]},
        {"name": "邻企出纳", "role": "operator", "enterprise_id": c[NEIGHBOUR]["enterprise"]},
    ):
        r = await client.post("/api/v1/accounts", json=body, headers=county_admin)
        assert r.status_code == 403, (body, r.text)
    made = await _post(client, "/api/v1/accounts", {"name": "本县审计", "role": "auditor"}, county_admin)
    assert made["account"]["region_code"] == HOME  # none named: its maker's region
    made = await _post(
        client,
        "/api/v1/accounts",
        {"name": "本镇专干", "role": "town_officer", "town_id": c[HOME]["town"]},
        county_admin,
    )
    assert made["account"]["region_code"] == HOME
    r = await client.post(
        "/api/v1/accounts", json={"name": "专干", "role": "town_officer", "region_id": ids[HOME]}, headers=city_admin
    )
    assert r.status_code == 400, r.text  # a town officer's scope is its town
    listed = (await client.get("/api/v1/accounts?limit=500", headers=county_admin)).json()["items"]
    assert listed
    for a in listed:  # its county's accounts, and the operator of the enterprise registered in it
        assert (a["region_code"] or "").startswith(HOME) or a["enterprise_id"] == c[HOME]["enterprise"], a
    in_city = (await client.get("/api/v1/accounts?limit=500", headers=city_admin)).json()["items"]
    city_enterprises = {c[HOME]["enterprise"], c[NEIGHBOUR]["enterprise"]}
    for a in in_city:
        assert (a["region_code"] or "").startswith("4210") or a["enterprise_id"] in city_enterprises, a
    assert any(a["enterprise_id"] == c[NEIGHBOUR]["enterprise"] for a in in_city)
    neighbours = in_city
    neighbour_officer = next(a for a in neighbours if a["town_id"] == c[NEIGHBOUR]["town"])
    r = await client.post(f"/api/v1/accounts/{neighbour_officer['id']}/revoke", headers=county_admin)
    assert r.status_code == 403, r.text


@pytest.mark.parametrize("caller", [c for c in CALLERS if c[1] != "operator"], ids=caller_id)
async def test_the_programme_report_sums_the_counties_in_reach(client, world, caller):
    r = await client.get(_url("pairingProgrammeReport")[1], headers=world["callers"][caller_id(caller)])
    assert r.status_code == 200, r.text
    report = r.json()
    in_reach = [x for x in world["c"].values() if reaches(caller, x["county"])]
    assert report["villages_paired"] == len(in_reach)
    assert {s["id"] for s in report["by_village"]} == {x["village"] for x in in_reach}
    assert {s["id"] for s in report["by_enterprise"]} == {x["enterprise"] for x in in_reach}


@pytest.mark.parametrize("table", ["household", "payout", "subsidy_claim", "link"])
async def test_a_region_filter_reads_the_county_index_even_in_a_generic_plan(world, table):
    """The clause every list splices in (``county_clause``) is an index range with its bounds as parameters:
    in a cached, generic plan too (the one a prepared statement settles on), where ``LIKE $1`` would scan."""
    from app.core.counties import county_clause
    from app.core.uow import reading

    args: list[Any] = []
    sql = f"SELECT t.id FROM {table} t" + county_clause("t.county_code", "4210", args, keyword="WHERE")
    async with reading() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")  # small tables: ask what the index can do
        await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute(f"PREPARE scoped (text, text) AS {sql}")
        plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN EXECUTE scoped ('4210', '4211')"))
        await conn.execute("DEALLOCATE scoped")
    assert f"{table}_county_code" in plan and "Index Cond" in plan, plan
    assert "$1" in plan  # generic: the bounds are parameters, still an index range


# ---- the audit trail -----------------------------------------------------------------------------


@pytest.mark.parametrize("level", list(LEVELS))
async def test_an_auditor_reads_and_verifies_the_chains_of_its_region(client, world, level):
    headers = world["callers"][f"{level} auditor"]
    r = await client.get("/api/v1/audit?limit=500", headers=headers)
    assert r.status_code == 200, r.text
    # the chains of its counties (a county another test adds under the city may have one too), and the
    # province's own chain for the province's auditor alone
    chains = {e["chain"] for e in r.json()["items"]}
    assert REACH[level] | ({""} if level == "province" else set()) <= chains
    assert all(c.startswith(LEVELS[level]) or (c == "" and level == "province") for c in chains), chains
    r = await client.get("/api/v1/audit/verify", headers=headers)
    assert r.status_code == 200 and r.json()["ok"], r.text
    verified = {c["region"] for c in r.json()["chains"]}
    assert REACH[level] <= verified and all(c.startswith(LEVELS[level]) for c in verified), verified
    for region in ("42", "4210", HOME, NEIGHBOUR, OUTSIDE, "province"):
        r = await client.get(f"/api/v1/audit/verify?region={region}", headers=headers)
        within = region.startswith(LEVELS[level]) or (region == "province" and level == "province")
        assert r.status_code == (200 if within else 403), (region, r.status_code, r.text[:200])
