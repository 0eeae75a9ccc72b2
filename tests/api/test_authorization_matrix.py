"""Every route × every role: 401 without a token, 403 for a role the route is not for, and through for
the others; plus operators and officers out of their scope. The table below is the access policy.

Each route × caller is its own case, named like ``POST /api/v1/payouts [operator]``, so one refusal in the
wrong place does not hide the rest. The cases come from the app's route table, read at collection; they all
share one world, built once for the module, and run in the order the single test used to (route by route,
callers in a fixed order), so the requests that change it (a revoked account, a published scheme) happen in
the same order as before.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from python_calamine import CalamineWorkbook

from app.core.access import OPERATIONS
from app.core.auth import policy_guard
from app.core.uow import reading
from tests.api.conftest import make_token, reset_database, use_test_database
from tests.chain_helpers import SHARE, make_enterprise
from tests.registry_helpers import make_household, make_town, step
from tests.world import add_link, build_world

# a field check is dated on or after the day its claim was filed (today, in these tests)
TODAY = date.today().isoformat()

ALL = "AFTOU"  # admin, finance, town officer, operator, auditor
POLICY = {
    "approveSubsidyClaim": "AF",
    "approveSubsidyClaims": "AF",
    "addMember": "AT",
    "assessHousehold": "AT",
    "cancelVoucher": "F",
    "closeSubsidyScheme": "AF",
    "confirmCrossCheckFlag": "AT",
    "countHouseholds": ALL,
    "createAccount": "A",
    "createBase": "AO",
    "createEnterprise": "A",
    "createHousehold": "AT",
    "createOrdinaryHousehold": "AT",
    "createIndustry": "A",
    "createLink": "AO",
    "createPairing": "A",
    "createPaymentBatch": "F",
    "createRegion": "A",
    "createSubsidyScheme": "AF",
    "createTown": "A",
    "createVillage": "A",
    "dismissCrossCheckFlag": "AT",
    "endLink": "AO",
    "endPairing": "A",
    "exitPoorVillage": "A",
    "exportHouseholds": ALL,
    "exportHouseholdsXlsx": ALL,
    "exportPaymentBatch": "AFU",
    "exportPaymentBatchXlsx": "AFU",
    "exportPayouts": "AFOU",
    "exportPayoutsXlsx": "AFOU",
    "exportSubsidyClaims": "AFTU",
    "exportSubsidyClaimsXlsx": "AFTU",
    "exportSupportRecords": ALL,
    "exportSupportRecordsXlsx": ALL,
    "fileSubsidyClaim": "AT",
    "getBase": ALL,
    "getCountyPolicy": ALL,
    "getEnterprise": ALL,
    "getEnterpriseSummary": "AFOU",
    "getHousehold": ALL,
    "getHouseholdIncome": "AFTU",
    "getImportTemplate": ALL,
    "getImport": ALL,
    "listMonitoringLines": ALL,
    "listMonitoringCases": "AFTU",
    "getMonitoringOverview": "AFTU",
    "listMonitoringRounds": "AFTU",
    "listMonitoringProposals": "AFTU",
    "listMonitoringVisits": "AFTU",
    "recordMonitoringVisit": "AT",
    "openMonitoringRound": "A",
    "openMonitoringCase": "AT",
    "recordMonitoringCaseStep": "AT",
    "addMonitoringMeasure": "AT",
    "beginRiskElimination": "AT",
    "recordRiskEliminationStep": "AT",
    "listMonitoringMeasures": "AFTU",
    "setMonitoringLine": "A",
    "getImportProblemsXlsx": ALL,
    "listImports": ALL,
    "startImport": "ATO",
    "getLink": ALL,
    "getMe": ALL,
    "getOverview": ALL,
    "getPaymentBatch": "AFU",
    "getPayout": "AFOU",
    "getRegion": ALL,
    "getSubsidyClaim": "AFTU",
    "getSubsidyScheme": ALL,
    "getTown": ALL,
    "getVillage": ALL,
    "getVoucher": "AFTU",
    "getVoucherBarcode": "AFTU",
    "importDepartmentRecords": "A",
    "importDepartmentRecordsCsv": "A",
    "importPayoutsCsv": "AO",
    "listAccounts": "A",
    "listAssessments": "AFTU",
    "listAuditCheckpoints": "AU",
    "listAuditEntries": "AU",
    "listBases": ALL,
    "listCrossCheckFlags": "AFTU",
    "listCrossCheckRules": "AFTU",
    "listDividendArrears": ALL,
    "listEnterprises": ALL,
    "listHouseholds": ALL,
    "listIndustries": ALL,
    "listLinkageEvaluation": "AFOU",
    "exportLinkageEvaluationXlsx": "AFOU",
    "listLinks": ALL,
    "listMonitoring": "AFTU",
    "listPairings": ALL,
    "listPaymentBatches": "AFU",
    "listPayouts": "AFOU",
    "listPoorVillage": "A",
    "listPovertyLines": ALL,
    "listRegions": ALL,
    "listSubsidyClaims": "AFTU",
    "listSubsidySchemes": ALL,
    "listSupportRecords": ALL,
    "listTowns": ALL,
    "listVillages": ALL,
    "memberLeaves": "AT",
    "pairingProgrammeReport": "AFTU",
    "previewSubsidyScheme": "AFU",
    "printVoucher": "AFTU",
    "publishSubsidyScheme": "AF",
    "raiseObjection": "AT",
    "reconcilePaymentBatch": "F",
    "recordHardship": "AT",
    "recordPayout": "AO",
    "recordPayoutBatch": "AO",
    "recordRevisit": "AT",
    "recordSupport": "AO",
    "rejectSubsidyClaim": "AF",
    "replaceSchemeRates": "AF",
    "resolveObjection": "AT",
    "reversePayout": "AO",
    "revokeAccount": "A",
    "saveCrossCheckRule": "A",
    "setCountyPolicy": "A",
    "setPovertyLine": "A",
    "transitionHousehold": "AT",
    "updateVillage": "A",
    "verifyAuditChain": "AU",
    "verifySubsidyClaim": "AT",
    "createNotice": "AT",
    "getNotice": "AFTU",
    "listNotices": "AFTU",
    "printNotice": "AFTU",
    "raiseNoticeObjection": "AT",
    "resolveNoticeObjection": "AT",
    "openClaimsNotice": "AT",
    "createAsset": "AF",
    "listAssets": ALL,
    "getAsset": ALL,
    "updateAsset": "AF",
    "confirmAssetOwnership": "AF",
    "signAssetAgreement": "AF",
    "listAssetAgreements": ALL,
    "getAssetAgreement": ALL,
    "recordAssetIncome": "AF",
    "listAssetIncome": ALL,
    "distributeAssetIncome": "AF",
    "getAssetDistribution": ALL,
    "uploadAssetEvidence": "AF",
    "listAssetEvidence": ALL,
    "getAssetEvidence": ALL,
    "downloadAssetEvidence": ALL,
    "removeAssetEvidence": "AF",
    "requestAssetDisposal": "AF",
    "listAssetDisposals": ALL,
    "approveAssetDisposal": "A",
    "rejectAssetDisposal": "A",
    "listAssetFlags": "AFTU",
    "decideAssetBeneficiary": "AF",
}
ROLES = {"A": "admin", "F": "finance", "T": "town_officer", "O": "operator", "U": "auditor"}
QUERY = {
    "getHouseholdIncome": "?year=2017",
    "getEnterpriseSummary": "?year=2017",
    "listDividendArrears": "?year=2018",  # the share link paid 2017's dividend, not 2018's
    "listLinkageEvaluation": "?year=2017",
    "exportLinkageEvaluationXlsx": "?year=2017",
    "listMonitoring": "?year=2017",
    "listMonitoringProposals": "?year=2024",
}


CALLERS = "AFUTO"  # the order the matrix has always asked in


def api_routes() -> list[tuple[str, str, str]]:
    """(method, path, operationId) of every /api/v1 route, from the app's own table."""
    use_test_database()  # building the app binds the database engine: bind it to the test database
    from app.main import create_app

    spec = create_app().openapi_schema.to_schema()
    return [
        (method.upper(), path, op["operationId"])
        for path, operations in spec["paths"].items()
        if path.startswith("/api/v1")
        for method, op in operations.items()
    ]


ROUTES = api_routes()
CASES = [
    pytest.param(method, path, op_id, caller, id=f"{method} {path} [{ROLES.get(caller, 'anonymous')}]")
    for method, path, op_id in ROUTES
    for caller in ("-", *CALLERS)
]


@pytest.fixture
async def clean_database() -> None:
    """The cases share the module's world: no reset between them."""


@pytest.fixture(scope="module")
async def world(app) -> dict[str, Any]:
    await reset_database()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://chainaid.test") as client:
        admin = await make_token("admin")
        w = await build_world(client, admin, make_token)
        town_a, village, e1, officer, operator, h = (
            w["town"],
            w["village"],
            w["enterprise"],
            w["officer"],
            w["operator"],
            w["h"],
        )
        town_b = await make_town(client, admin, "乙镇")
        e2 = await make_enterprise(client, admin, town_b, 2)
        finance = await make_token("finance")
        callers = {"A": admin, "F": finance, "U": await make_token("auditor"), "T": officer, "O": operator}
        strangers = {
            "T": await make_token("town_officer", town_id=town_b),
            "O": await make_token("operator", enterprise_id=e2),
        }
        base, link_id = w["base"], await add_link(client, w, SHARE)
        payout = (
            await client.post(
                "/api/v1/payouts",
                json={
                    "link_id": link_id,
                    "income_type": "dividend",
                    "amount": "400.00",
                    "period_from": "2017-01-01",
                    "period_to": "2017-12-31",
                    "paid_on": "2017-12-20",
                    "method": "bank",
                    "reference": "M-1",
                },
                headers=operator,
            )
        ).json()
        pending = await make_household(client, officer, village, 2)
        for target in ("surveyed", "reviewed", "notice"):
            await step(client, officer, pending["id"], target)
        objection = (
            await client.post(
                f"/api/v1/households/{pending['id']}/objections",
                json={"raised_by": "村民", "content": "异议"},
                headers=officer,
            )
        ).json()
        await client.post(
            "/api/v1/cross-check/records",
            json=[
                {
                    "department": "housing",
                    "item": "shop",
                    "id_number": h["members"][0]["id_number"],
                    "as_of": "2017-01-01",
                }
            ],
            headers=admin,
        )
        flag = (await client.get("/api/v1/cross-check/flags", headers=admin)).json()["items"][0]
        notice = await client.post(
            "/api/v1/notices",
            json={
                "kind": "monitoring_intake",
                "village_id": village,
                "starts_on": TODAY,
                "ends_on": (date.today() + timedelta(days=6)).isoformat(),
                "entries": [{"household_id": h["id"], "category": "unstable"}],
            },
            headers=officer,
        )
        assert notice.status_code == 201, notice.text
        notice_objection = await client.post(
            f"/api/v1/notices/{notice.json()['id']}/objections",
            json={"raised_by": "村民", "content": "异议", "raised_on": TODAY},
            headers=officer,
        )
        assert notice_objection.status_code == 201, notice_objection.text
        scheme = (
            await client.post(
                "/api/v1/subsidy-schemes",
                json={
                    "year": 2017,
                    "name": "矩阵",
                    "budget": "100000.00",
                    "rates": [
                        {
                            "industry": "crayfish_rice",
                            "unit": "mu",
                            "min_quantity": "1",
                            "tiers": [{"up_to": None, "rate": "100.00"}],
                        }
                    ],
                },
                headers=finance,
            )
        ).json()
        await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)
        claim = (
            await client.post(
                "/api/v1/subsidy-claims",
                json={
                    "scheme_id": scheme["id"],
                    "household_id": h["id"],
                    "industry": "crayfish_rice",
                    "declared_quantity": "5",
                },
                headers=officer,
            )
        ).json()
        await client.post(
            f"/api/v1/subsidy-claims/{claim['id']}/verify",
            json={"verified_quantity": "5", "inspector": "x", "verified_on": TODAY},
            headers=officer,
        )
        voucher = (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=finance)).json()
        batch = (await client.post("/api/v1/payment-batches", json={"scheme_id": scheme["id"]}, headers=finance)).json()
        pairing = (
            await client.post(
                "/api/v1/pairings",
                json={"enterprise_id": e1, "village_id": village, "start_date": "2016-01-01"},
                headers=admin,
            )
        ).json()
        county = await client.get("/api/v1/regions/429005", headers=admin)  # the home county (conftest)
        assert county.status_code == 200, county.text
        spare = (await client.post("/api/v1/accounts", json={"name": "spare", "role": "auditor"}, headers=admin)).json()
        support = await client.post(
            "/api/v1/support-records",
            json={
                "enterprise_id": e1,
                "village_id": village,
                "kind": "donation",
                "given_on": "2017-05-04",
                "reference": "S-1",
                "amount": "20000.00",
                "households_benefited": 3,
                "people_benefited": 8,
            },
            headers=operator,
        )
        assert support.status_code == 201, support.text
        # a project asset of the village, run by enterprise 1, its income shared with h
        asset = await client.post(
            "/api/v1/assets",
            json={
                "name": "矩阵冷库",
                "asset_class": "operating",
                "kind": "storage",
                "village_id": village,
                "status": "in_use",
                "completed_on": "2016-06-30",
                "book_value": "100000.00",
                "base_id": base,
                "funding": [{"source": "central", "year": 2016, "amount": "100000.00"}],
            },
            headers=finance,
        )
        assert asset.status_code == 201, asset.text
        agreement = await client.post(
            f"/api/v1/assets/{asset.json()['id']}/agreements",
            json={
                "operator_id": e1,
                "form": "lease",
                "starts_on": "2017-01-01",
                "signed_on": "2016-12-01",
                "yearly_rent": "8000.00",
                "method": "equal",
                "households": [{"household_id": h["id"]}],
            },
            headers=finance,
        )
        assert agreement.status_code == 201, agreement.text
        income = await client.post(
            f"/api/v1/asset-agreements/{agreement.json()['id']}/income",
            json={"received_on": "2017-12-01", "period_year": 2017, "amount": "8000.00", "reference": "A-1"},
            headers=finance,
        )
        assert income.status_code == 201, income.text
        shared = await client.post(
            f"/api/v1/asset-income/{income.json()['id']}/distribution", json={"paid_on": "2017-12-10"}, headers=finance
        )
        assert shared.status_code == 201, shared.text
        evidence = await client.post(
            f"/api/v1/assets/{asset.json()['id']}/evidence",
            files={"file": ("租赁合同.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
            data={"title": "租赁合同"},
            headers=finance,
        )
        assert evidence.status_code == 201, evidence.text
        disposal = await client.post(
            f"/api/v1/assets/{asset.json()['id']}/disposals",
            json={"kind": "scrapping", "reason": "矩阵", "proceeds": "0"},
            headers=finance,
        )
        assert disposal.status_code == 201, disposal.text
        # on the household still in identification: the matrix confirms h's cross-check flag (h is removed)
        hardship = await client.post(
            f"/api/v1/households/{pending['id']}/hardships",
            json={"kind": "illness", "occurred_on": "2017-03-01"},
            headers=officer,
        )
        assert hardship.status_code == 201, hardship.text
        ids = {
            "household_id": h["id"],
            "village_id": village,
            "town_id": town_a,
            "enterprise_id": e1,
            "base_id": base,
            "link_id": link_id,
            "payout_id": payout["id"],
            "objection_id": objection["id"],
            "notice_id": notice.json()["id"],
            "notice_objection_id": notice_objection.json()["id"],
            "flag_id": flag["id"],
            "claim_id": claim["id"],
            "scheme_id": scheme["id"],
            "number": voucher["number"],
            "batch_id": batch["id"],
            "pairing_id": pairing["id"],
            "account_id": spare["account"]["id"],
            "year": 2021,
            "member_id": h["members"][1]["id"],
            "region_code": "429005",
            "template": "households.xlsx",
            "kind": "households",
            "asset_id": asset.json()["id"],
            "agreement_id": agreement.json()["id"],
            "income_id": income.json()["id"],
            "evidence_id": evidence.json()["id"],
            "disposal_id": disposal.json()["id"],
        }
        # what marks a row of town A / enterprise 1 (the world's only rows) in a list or an export
        markers = {
            "town_id": town_a,
            "enterprise_id": e1,
            "household_id": h["id"],
            "village_id": village,
            "registry_no": h["registry_no"],
        }
        # an import job is read by the account that started it: each caller has one of its own
        own: dict[str, dict[str, int]] = {}
        async with reading() as db:
            for c, headers in callers.items():
                account = (await client.get("/api/v1/me", headers=headers)).json()["account_id"]
                job = await db.fetchval(
                    "INSERT INTO import_job (kind, account, actor_label, filename, sha256, size, dry_run, state, phase,"
                    " created_at, heartbeat_at) VALUES ('households', $1, 'x', 'h.xlsx', repeat('0', 64), 1, true,"
                    " 'checked', 'done', now(), now()) RETURNING id",
                    account,
                )
                own[c] = {"import_id": job}
            # a monitoring case of the world's household (written as it stands: the matrix tries the routes)
            ids["case_id"] = await db.fetchval(
                "INSERT INTO monitoring_case (household, channel, category, year, line, income, rigid_spending,"
                " consent, applied_on, step, steps, state, created_at) VALUES ($1, 'watch', 'unstable', 2024, 8700,"
                ' 6200, 0, \'x\', \'2024-03-01\', \'applied\', \'{"applied": {"on": "2024-03-01", "by": [],'
                " \"note\": null}}', 'identifying', now()) RETURNING id",
                ids["household_id"],
            )
            ids["round_id"] = await db.fetchval(
                "INSERT INTO monitoring_round (county, period, started_on, created_at)"
                " SELECT id, '2024-05', '2024-05-01', now() FROM region WHERE code = '429005' RETURNING id"
            )
        return {"callers": callers, "strangers": strangers, "ids": ids, "markers": markers, "own": own}


async def test_operators_and_officers_out_of_scope_get_403(client, world):
    ids, operator, officer = world["ids"], world["strangers"]["O"], world["strangers"]["T"]
    for url in (
        f"/api/v1/households/{ids['household_id']}",
        f"/api/v1/links/{ids['link_id']}",
        f"/api/v1/bases/{ids['base_id']}",
        f"/api/v1/payouts/{ids['payout_id']}",
        f"/api/v1/enterprises/{ids['enterprise_id']}/summary?year=2017",
        f"/api/v1/assets/{ids['asset_id']}",
        f"/api/v1/asset-agreements/{ids['agreement_id']}",
        f"/api/v1/asset-income/{ids['income_id']}/distribution",
        f"/api/v1/assets/{ids['asset_id']}/evidence",
        f"/api/v1/asset-evidence/{ids['evidence_id']}",
        f"/api/v1/asset-evidence/{ids['evidence_id']}/file",
        f"/api/v1/assets/{ids['asset_id']}/disposals",
    ):
        assert (await client.get(url, headers=operator)).status_code == 403, url
    r = await client.post(f"/api/v1/payouts/{ids['payout_id']}/reverse", json={"reason": "x"}, headers=operator)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/links/{ids['link_id']}/end", json={"end_date": "2018-01-01"}, headers=operator)
    assert r.status_code == 403
    for url in (
        f"/api/v1/households/{ids['household_id']}",
        f"/api/v1/bases/{ids['base_id']}",
        f"/api/v1/subsidy-claims/{ids['claim_id']}",
        f"/api/v1/vouchers/{ids['number']}",
        f"/api/v1/households/{ids['household_id']}/income?year=2017",
        f"/api/v1/households/{ids['household_id']}/assessments",
        f"/api/v1/links/{ids['link_id']}",
        f"/api/v1/assets/{ids['asset_id']}",
        f"/api/v1/asset-agreements/{ids['agreement_id']}/income",
        f"/api/v1/asset-income/{ids['income_id']}/distribution",
        f"/api/v1/asset-evidence/{ids['evidence_id']}/file",
        f"/api/v1/assets/{ids['asset_id']}/disposals",
    ):
        assert (await client.get(url, headers=officer)).status_code == 403, url
    for url, body in (
        (f"/api/v1/households/{ids['household_id']}/transitions", {"to": "removed", "reason": "other"}),
        (f"/api/v1/households/{ids['household_id']}/hardships", {"kind": "illness", "occurred_on": "2017-01-01"}),
        (f"/api/v1/objections/{ids['objection_id']}/resolve", {"note": "x"}),
        (f"/api/v1/cross-check/flags/{ids['flag_id']}/dismiss", {"note": "x"}),
        (
            f"/api/v1/subsidy-claims/{ids['claim_id']}/verify",
            {"verified_quantity": "1", "inspector": "x", "verified_on": TODAY},
        ),
    ):
        assert (await client.post(url, json=body, headers=officer)).status_code == 403, url
    assert (await client.get("/api/v1/households", headers=officer)).json()["total"] == 0
    assert (await client.get("/api/v1/payouts", headers=operator)).json()["total"] == 0


@pytest.mark.parametrize(("method", "path", "op_id", "caller"), CASES)
async def test_route_for_caller(client, world, method, path, op_id, caller):
    assert op_id in POLICY, f"{op_id} has no entry in the access policy"
    ids = {**world["ids"], **world["own"].get(caller, world["own"]["A"])}
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path) + QUERY.get(op_id, "")
    if caller == "-":
        r = await client.request(method, url)
        assert r.status_code == 401, (op_id, r.status_code)
        return
    body = None if method == "GET" else {}
    r = await client.request(method, url, json=body, headers=world["callers"][caller])
    if caller in POLICY[op_id]:
        assert r.status_code not in (401, 403), (op_id, ROLES[caller], r.status_code, r.text[:200])
        if method == "GET":
            assert r.status_code == 200, (op_id, ROLES[caller], r.status_code, r.text[:200])
    else:
        assert r.status_code == 403, (op_id, ROLES[caller], r.status_code, r.text[:200])


def test_the_policy_names_only_routes_that_exist():
    assert set(POLICY) - {op_id for _, _, op_id in ROUTES} == set()


def test_every_api_route_is_named_in_the_access_policy():
    """The guard refuses an operation the policy does not name; none must be refused by accident."""
    assert {op_id for _, _, op_id in ROUTES} - set(OPERATIONS) == set()


def test_the_policy_guard_is_the_only_guard_on_the_api(app):
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            guards = [getattr(g, "func", g) for g in handler.resolve_guards()]  # Litestar wraps them
            if route.path.startswith("/api/"):
                assert guards == [policy_guard], (route.path, handler)
            elif not route.path.startswith("/console"):
                assert guards == [], (route.path, handler)  # /health and the OpenAPI documents stay public


# Scope on every list and export: each GET collection or export route that a town officer or an operator
# may read is either scoped (a town officer reads only its town's rows, an operator only its enterprise's)
# or a directory everyone reads whole (towns, villages, enterprises, industries, lines, schemes,
# cross-check rules, the programme's report and overview figures). The world's rows are all of town A and
# enterprise 1; the strangers (an officer of town B, the operator of enterprise 2) must see none of them,
# the officer and operator of town A / enterprise 1 and the unscoped roles must see them.
SCOPED = {
    # op_id: the roles that must see the world's row (listAssessments is one household's, refused whole
    # out of scope)
    "countHouseholds": "AFTOU",
    "exportHouseholds": "AFTOU",
    "exportHouseholdsXlsx": "AFTOU",
    "exportPayouts": "AFOU",
    "exportPayoutsXlsx": "AFOU",
    "exportSubsidyClaims": "AFTU",
    "exportSubsidyClaimsXlsx": "AFTU",
    "exportSupportRecords": "AFTOU",
    "exportSupportRecordsXlsx": "AFTOU",
    "listAssessments": "",
    "listImports": "",  # an account's own import jobs, no row of the world in them
    "listMonitoringCases": "",  # the world's case is not among its markers; strangers must still see none
    "listMonitoringMeasures": "",  # one case's, refused whole out of scope
    "listMonitoringRounds": "",  # a county's rounds: no row of the world's town in them
    "listMonitoringProposals": "",  # the world has no monitoring line: no proposal
    "listMonitoringVisits": "",  # one round's
    "listBases": "AFTOU",
    "listCrossCheckFlags": "AFTU",
    "listDividendArrears": "AFTOU",
    "listHouseholds": "AFTOU",
    "listLinkageEvaluation": "AFOU",  # an operator of another enterprise reads none of enterprise 1's rows
    "exportLinkageEvaluationXlsx": "",  # its rows name no registry number nor reference: strangers must see none
    "listLinks": "AFTOU",
    "listMonitoring": "AFTU",
    "listNotices": "AFTU",
    "listPairings": "AFTOU",
    "listPayouts": "AFOU",
    "listSubsidyClaims": "AFTU",
    "listSupportRecords": "AFTOU",
    "listAssets": "AFTOU",
    "listAssetAgreements": "AFTOU",  # one asset's, refused whole out of scope
    "listAssetIncome": "",  # one agreement's, refused whole out of scope; no row of it names a marker
    "listAssetEvidence": "",  # one asset's, refused whole out of scope; no row of it names a marker
    "listAssetDisposals": "",  # one asset's, refused whole out of scope; no row of it names a marker
    "listAssetFlags": "AFTU",  # the world's asset is owed its rent of the years after 2017: flags of town A
}
DIRECTORY = {
    "listCrossCheckRules",
    "listEnterprises",
    "listIndustries",
    "listPovertyLines",
    "listMonitoringLines",
    "listRegions",
    "listSubsidySchemes",
    "listTowns",
    "listVillages",
    "pairingProgrammeReport",
}
CSV_MARKERS = ("M-1", "S-1")  # the world's payout and support references


# lists under an object of the whole county (a monitoring round): an officer of another town of the county
# reads it, narrowed to its own town
NARROWED_UNDER_A_COUNTY = {"listMonitoringVisits"}


def list_routes() -> list[tuple[str, str]]:
    """(path, operationId) of every GET route that lists rows or exports them."""
    return [
        (path, op_id)
        for method, path, op_id in ROUTES
        if method == "GET" and (op_id.startswith(("list", "export", "count")) or op_id == "pairingProgrammeReport")
    ]


def test_every_list_and_export_route_a_scoped_role_reads_is_classified():
    readable = {op_id for _, op_id in list_routes() if set(POLICY[op_id]) & {"T", "O"}}
    assert readable - set(SCOPED) - DIRECTORY == set(), "classify the new list or export route"
    assert set(SCOPED) & DIRECTORY == set()


def _rows_of_the_world(r: httpx.Response, markers: dict[str, Any]) -> int:
    """How many rows (list items, CSV lines, workbook rows, counted households) belong to town A / enterprise 1."""
    if r.headers["content-type"].startswith("text/csv"):
        lines = r.text.splitlines()[1:]
        return sum(1 for line in lines if markers["registry_no"] in line or any(m in line for m in CSV_MARKERS))
    if r.headers["content-type"].startswith("application/vnd.openxmlformats"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
        lines = [
            " ".join(str(cell) for cell in row)
            for sheet in book.sheet_names
            for row in book.get_sheet_by_name(sheet).to_python()[1:]
        ]
        return sum(1 for line in lines if markers["registry_no"] in line or any(m in line for m in CSV_MARKERS))
    body = r.json()
    if isinstance(body, dict) and "households" in body and "by_status" in body:
        return int(body["households"])
    items = body["items"] if isinstance(body, dict) else body
    return sum(1 for item in items if any(item.get(key) == value for key, value in markers.items()))


SCOPE_CASES = [
    pytest.param(path, op_id, caller, id=f"{op_id} [{who}]")
    for path, op_id in list_routes()
    if op_id in SCOPED
    for caller, who in (
        *((c, ROLES[c]) for c in CALLERS if c in POLICY[op_id]),
        *(
            (f"~{c}", f"{ROLES[c]} of another {'town' if c == 'T' else 'enterprise'}")
            for c in "TO"
            if c in POLICY[op_id]
        ),
    )
]


@pytest.mark.parametrize(("path", "op_id", "caller"), SCOPE_CASES)
async def test_list_and_export_scope_for_caller(client, world, path, op_id, caller):
    url = re.sub(r"\{(\w+)\}", lambda m: str(world["ids"][m.group(1)]), path) + QUERY.get(op_id, "")
    headers = world["strangers"][caller[1]] if caller.startswith("~") else world["callers"][caller]
    r = await client.get(url, headers=headers)
    if caller.startswith("~"):
        if "{" in path and op_id not in NARROWED_UNDER_A_COUNTY:  # a list under one household: refused whole
            assert r.status_code == 403, (op_id, caller, r.status_code)
            return
        assert r.status_code == 200, (op_id, caller, r.status_code, r.text[:200])
        assert _rows_of_the_world(r, world["markers"]) == 0, (op_id, caller, r.text[:400])
        return
    assert r.status_code == 200, (op_id, caller, r.status_code, r.text[:200])
    if caller in SCOPED[op_id]:
        assert _rows_of_the_world(r, world["markers"]) >= 1, (op_id, caller, r.text[:400])


@pytest.mark.parametrize(("path", "op_id"), [pytest.param(p, o, id=o) for p, o in list_routes() if o in DIRECTORY])
async def test_a_directory_reads_the_same_for_every_role(client, world, path, op_id):
    """Directories carry no scope: each role that may read one, in scope or not, reads the same rows."""
    url = path + QUERY.get(op_id, "")
    callers = {**{c: world["callers"][c] for c in CALLERS}, **{f"~{c}": world["strangers"][c] for c in "TO"}}
    bodies = {}
    for caller, headers in callers.items():
        if caller[-1] not in POLICY[op_id]:
            continue
        r = await client.get(url, headers=headers)
        assert r.status_code == 200, (op_id, caller, r.status_code)
        bodies[caller] = r.json()
    first = next(iter(bodies.values()))
    assert all(body == first for body in bodies.values()), (op_id, {c: str(b)[:200] for c, b in bodies.items()})
