"""The supervision of project assets (issue 15, point 3): each flag raised on its day (the day before: not) and
cleared when resolved; disposal refused without an approval by another account; the decisions on listed
households that left; an asset income's payout not reversed alone; who reads the flags."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.api.test_assets import distribute, make_asset, receive, sign
from tests.chain_helpers import make_enterprise
from tests.db import fetch
from tests.registry_helpers import exit_household, make_town, step
from tests.world import build_world

FLAGS = "/api/v1/asset-flags"
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
async def world(client, admin, auth) -> dict[str, Any]:
    w = await build_world(client, admin, auth, households=3)
    return {
        **w,
        "admin": admin,
        "admin2": await auth("admin", name="县乡村振兴局"),
        "finance": await auth("finance"),
        "auditor": await auth("auditor"),
    }


async def flags_on(client, world, as_of: date | str, kind: str | None = None, **query: Any) -> list[dict[str, Any]]:
    params = {"as_of": str(as_of), "limit": 500, **query}
    if kind is not None:
        params["kind"] = kind
    r = await client.get(FLAGS, params=params, headers=world["auditor"])
    assert r.status_code == 200, r.text
    assert r.json()["as_of"] == str(as_of)
    return r.json()["items"]


def brief(items: list[dict[str, Any]], *fields: str) -> list[tuple[Any, ...]]:
    return [tuple(i[f] for f in ("kind", "since", *fields)) for i in items]


async def policy(client, world, **values: int) -> None:
    r = await client.put("/api/v1/regions/429005/policy", json=values, headers=world["admin"])
    assert r.status_code == 200, r.text


def field_of(r) -> str | None:
    body = r.json()
    return body["errors"][0]["field"] if body.get("errors") else body.get("field")


# ---- idle -----------------------------------------------------------------------------------------------


async def test_idle_without_an_agreement_from_the_day_built_and_after_the_agreement_ends(client, world):
    asset = await make_asset(client, world)  # completed on 2019-06-30, in use
    await make_asset(client, world, name="在建大棚", kind="greenhouse", status="under_construction", completed_on=None)
    assert await flags_on(client, world, "2019-06-29", "idle") == []
    got = await flags_on(client, world, "2019-06-30", "idle")
    assert brief(got, "asset_id", "idle_reason", "agreement_id") == [
        ("idle", "2019-06-30", asset["id"], "no_agreement", None)
    ]
    agreement = await sign(
        client, world, asset["id"], ends_on="2021-12-31", guaranteed_rate=None, yearly_rent="8000.00"
    )
    assert brief(await flags_on(client, world, "2019-12-31", "idle"), "idle_reason") == [
        ("idle", "2019-06-30", "no_agreement")
    ]
    assert await flags_on(client, world, "2020-01-01", "idle") == []
    # in force, no income in its first twelve months: idle for want of income from the day they are up
    assert await flags_on(client, world, "2020-12-31", "idle") == []
    assert brief(await flags_on(client, world, "2021-12-31", "idle"), "idle_reason", "agreement_id") == [
        ("idle", "2021-01-01", "no_income", agreement["id"])
    ]
    # the agreement ended: idle again from the next day
    assert brief(await flags_on(client, world, "2022-01-01", "idle"), "idle_reason") == [
        ("idle", "2022-01-01", "no_agreement")
    ]


async def test_idle_without_income_for_the_county_s_months(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])  # from 2020-01-01, 8 % of 400,000.00 a year
    r = await receive(client, world, agreement["id"], "32000.00")  # received on 2021-01-15
    assert r.status_code == 201, r.text
    assert await flags_on(client, world, "2020-12-31", "idle") == []
    assert brief(await flags_on(client, world, "2021-01-14", "idle"), "idle_reason") == [
        ("idle", "2021-01-01", "no_income")
    ]
    assert await flags_on(client, world, "2021-01-15", "idle") == []  # the income came in that day
    assert await flags_on(client, world, "2022-01-14", "idle") == []
    assert brief(await flags_on(client, world, "2022-01-15", "idle"), "idle_reason", "operator_id") == [
        ("idle", "2022-01-15", "no_income", world["enterprise"])
    ]
    # a county that allows six months
    await policy(client, world, asset_idle_months=6)
    assert await flags_on(client, world, "2021-07-14", "idle") == []
    assert brief(await flags_on(client, world, "2021-07-15", "idle")) == [("idle", "2021-07-15")]
    # an asset declared idle is flagged all the same; disposed of, it is not
    r = await client.patch(f"/api/v1/assets/{asset['id']}", json={"status": "idle"}, headers=world["finance"])
    assert r.status_code == 200, r.text
    assert len(await flags_on(client, world, "2021-07-15", "idle")) == 1
    await fetch("UPDATE asset SET status = 'disposed', disposed_on = '2021-07-01' WHERE id = $1", asset["id"])
    assert await flags_on(client, world, "2021-07-15", "idle") == []


# ---- arrears --------------------------------------------------------------------------------------------


async def test_income_below_the_promise_after_the_year_and_its_grace(client, world):
    asset = await make_asset(client, world)  # funded with 400,000.00
    agreement = await sign(client, world, asset["id"], starts_on="2020-07-01")  # 8 %: 32,000.00 a year
    r = await receive(client, world, agreement["id"], "16000.00")  # for 2020, received 2021-01-15
    assert r.status_code == 201, r.text
    # 2020: 184 of its 366 days in force: 32000.00 × 184 / 366 = 16087.431… → 16087.43 (half-up to the fen)
    assert await flags_on(client, world, "2021-01-30", "arrears") == []  # 30 days of grace after the year
    got = await flags_on(client, world, "2021-01-31", "arrears")
    assert brief(got, "agreement_id", "operator_id", "period_year", "expected", "received", "shortfall") == [
        ("arrears", "2021-01-31", agreement["id"], world["enterprise"], 2020, "16087.43", "16000.00", "87.43")
    ]
    r = await receive(client, world, agreement["id"], "87.43", reference="HD-2020-2", received_on="2021-02-10")
    assert r.status_code == 201, r.text
    assert len(await flags_on(client, world, "2021-02-09", "arrears")) == 1
    assert await flags_on(client, world, "2021-02-10", "arrears") == []
    # 2021: nothing came in; a county with no grace flags it from the first day of 2022
    assert brief(await flags_on(client, world, "2022-01-31", "arrears"), "period_year", "expected", "received") == [
        ("arrears", "2022-01-31", 2021, "32000.00", "0.00")
    ]
    await policy(client, world, asset_arrears_grace_days=0)
    assert await flags_on(client, world, "2021-12-31", "arrears") == []
    assert brief(await flags_on(client, world, "2022-01-01", "arrears"), "period_year") == [
        ("arrears", "2022-01-01", 2021)
    ]


async def test_an_agreement_that_promises_nothing_owes_no_arrears_and_a_disposal_ends_what_is_owed(client, world):
    shared = await make_asset(client, world)
    await sign(client, world, shared["id"], guaranteed_rate=None, profit_share="0.3")
    rented = await make_asset(client, world, name="烘干房")
    agreement = await sign(client, world, rented["id"], guaranteed_rate=None, yearly_rent="36500.00")
    await fetch("UPDATE asset SET status = 'disposed', disposed_on = '2021-03-01' WHERE id = $1", rented["id"])
    got = await flags_on(client, world, "2022-06-01", "arrears")
    # only the rent, 2020 whole and 2021 to the day disposed of (60 of 365 days: 36500.00 × 60 / 365 = 6000.00)
    assert brief(got, "agreement_id", "period_year", "expected") == [
        ("arrears", "2021-01-31", agreement["id"], 2020, "36500.00"),
        ("arrears", "2022-01-31", agreement["id"], 2021, "6000.00"),
    ]


# ---- undistributed ------------------------------------------------------------------------------------------


async def test_income_not_distributed_within_the_county_s_days(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "32000.00")).json()  # received 2021-01-15
    assert await flags_on(client, world, "2021-02-14", "undistributed") == []  # 30 days after
    got = await flags_on(client, world, "2021-02-15", "undistributed")
    assert brief(got, "income_id", "amount", "received_on", "period_year") == [
        ("undistributed", "2021-02-15", income["id"], "32000.00", "2021-01-15", 2020)
    ]
    r = await distribute(client, world, income["id"], paid_on="2021-02-20")
    assert r.status_code == 201, r.text
    assert len(await flags_on(client, world, "2021-02-19", "undistributed")) == 1
    assert await flags_on(client, world, "2021-02-20", "undistributed") == []
    # a county that allows ten days
    await policy(client, world, asset_distribution_days=10)
    second = (
        await receive(
            client, world, agreement["id"], "32000.00", reference="HD-2021", received_on="2022-03-01", period_year=2021
        )
    ).json()
    assert await flags_on(client, world, "2022-03-11", "undistributed") == []
    assert brief(await flags_on(client, world, "2022-03-12", "undistributed"), "income_id") == [
        ("undistributed", "2022-03-12", second["id"])
    ]


# ---- disposal -------------------------------------------------------------------------------------------


def disposal_body(**change: Any) -> dict[str, Any]:
    return {
        "kind": "sale",
        "reason": "设备老化，村民代表会议同意拍卖",
        "proceeds": "52000.00",
        "proceeds_to": "赵脑村集体经济组织账户",
        **change,
    }


async def request(client, headers, asset_id: int, **change: Any):
    return await client.post(f"/api/v1/assets/{asset_id}/disposals", json=disposal_body(**change), headers=headers)


async def approve(client, headers, disposal_id: int, approved_on: str | None = None, **change: Any):
    body = {"approved_on": approved_on or TODAY.isoformat(), "document_no": "潜乡振〔2025〕7号", **change}
    return await client.post(f"/api/v1/asset-disposals/{disposal_id}/approve", json=body, headers=headers)


async def test_a_disposal_is_refused_without_an_approval_by_another_account(client, world):
    asset = await make_asset(client, world)
    url = f"/api/v1/assets/{asset['id']}"
    # a status is never set to disposed
    r = await client.patch(url, json={"status": "disposed"}, headers=world["admin"])
    assert r.status_code == 400 and field_of(r) == "status"
    r = await request(client, world["admin"], asset["id"], requested_on="2025-03-01")
    assert r.status_code == 201, r.text
    pending = r.json()
    assert (pending["status"], pending["proceeds"], pending["decided_on"]) == ("pending", "52000.00", None)
    assert (await client.get(url, headers=world["auditor"])).json()["status"] == "in_use"
    # resent: the same pending request; another one while it is pending: a conflict naming it
    again = await request(client, world["admin"], asset["id"], requested_on="2025-03-01")
    assert again.status_code == 200 and again.json() == pending
    other = await request(client, world["finance"], asset["id"], kind="scrapping", proceeds="0", proceeds_to=None)
    assert other.status_code == 409 and other.json()["existing_disposal_id"] == pending["id"]
    # the account that requested it does not approve it, finance never does, nor a town officer
    r = await approve(client, world["admin"], pending["id"])
    assert r.status_code == 403, r.text
    assert "requested" in r.json()["detail"]
    for headers in (world["finance"], world["officer"], world["auditor"]):
        assert (await approve(client, headers, pending["id"])).status_code == 403
    assert (await client.get(url, headers=world["auditor"])).json()["status"] == "in_use"
    assert (await fetch("SELECT status FROM asset_disposal"))[0]["status"] == "pending"
    # not before the day it was requested
    r = await approve(client, world["admin2"], pending["id"], "2025-02-28")
    assert r.status_code == 422 and field_of(r) == "approved_on"
    # approved by another admin: disposed of on the day approved
    r = await approve(client, world["admin2"], pending["id"], "2025-03-20")
    assert r.status_code == 200, r.text
    approved = r.json()
    assert (approved["status"], approved["decided_on"], approved["document_no"]) == (
        "approved",
        "2025-03-20",
        "潜乡振〔2025〕7号",
    )
    detail = (await client.get(url, headers=world["auditor"])).json()
    assert (detail["status"], detail["disposed_on"]) == ("disposed", "2025-03-20")
    actions = {
        r["action"] for r in await fetch("SELECT action FROM audit_entry WHERE entity IN ('asset', 'asset_disposal')")
    }
    assert {"request_disposal", "approve_disposal", "dispose"} <= actions
    # the approval again answers as it did; any other decision now is a conflict
    again = await approve(client, world["admin2"], pending["id"], "2025-03-20")
    assert again.status_code == 200 and again.json() == approved
    r = await client.post(
        f"/api/v1/asset-disposals/{pending['id']}/reject", json={"reason": "x"}, headers=world["admin2"]
    )
    assert r.status_code == 409
    # a disposed asset: no new agreement, income, disposal or change; its flags: none (approved in time)
    r = await client.post(
        f"/api/v1/assets/{asset['id']}/agreements",
        json={
            "operator_id": world["enterprise"],
            "form": "lease",
            "starts_on": "2025-04-01",
            "signed_on": "2025-03-01",
            "method": "equal",
            "households": [{"household_id": world["h"]["id"]}],
        },
        headers=world["finance"],
    )
    assert r.status_code == 409, r.text
    assert (await request(client, world["finance"], asset["id"])).status_code == 409
    assert (await client.patch(url, json={"note": "x"}, headers=world["finance"])).status_code == 409
    assert await flags_on(client, world, TODAY) == []
    assert [d["id"] for d in (await client.get(f"{url}/disposals", headers=world["officer"])).json()] == [pending["id"]]


async def test_a_disposed_asset_takes_no_new_income(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    first = await receive(client, world, agreement["id"], "32000.00")
    assert first.status_code == 201
    pending = (await request(client, world["finance"], asset["id"])).json()
    assert (await approve(client, world["admin"], pending["id"])).status_code == 200
    r = await receive(client, world, agreement["id"], "32000.00", reference="HD-2021", period_year=2021)
    assert r.status_code == 409, r.text
    # a resend of the income recorded before is still answered as it was, and it may still be shared out
    r = await receive(client, world, agreement["id"], "32000.00")
    assert r.status_code == 200 and r.json() == first.json()
    assert (await distribute(client, world, first.json()["id"])).status_code == 201


async def test_a_rejected_disposal_leaves_the_asset_as_it_is(client, world):
    asset = await make_asset(client, world)
    pending = (
        await request(client, world["finance"], asset["id"], kind="transfer", proceeds="0", proceeds_to=None)
    ).json()
    r = await client.post(
        f"/api/v1/asset-disposals/{pending['id']}/reject", json={"reason": "仍在使用"}, headers=world["admin"]
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["decision_note"], r.json()["decided_on"]) == (
        "rejected",
        "仍在使用",
        TODAY.isoformat(),
    )
    assert (await client.get(f"/api/v1/assets/{asset['id']}", headers=world["auditor"])).json()["status"] == "in_use"
    assert (await approve(client, world["admin"], pending["id"])).status_code == 409
    assert (await request(client, world["finance"], asset["id"])).status_code == 201  # a new request may follow


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"proceeds": "-1.00"}, "proceeds"),
        ({"proceeds": "1.001"}, "proceeds"),
        ({"proceeds": "100.00", "proceeds_to": None}, "proceeds_to"),
        ({"kind": "gift"}, "kind"),
        ({"reason": " "}, "reason"),
        ({"requested_on": (TODAY + timedelta(days=1)).isoformat()}, "requested_on"),
    ],
)
async def test_a_bad_disposal_request_is_refused_naming_the_field(client, world, change, field):
    asset = await make_asset(client, world)
    r = await request(client, world["finance"], asset["id"], **change)
    assert r.status_code == 400, r.text
    assert field_of(r) == field or field in r.text
    assert await fetch("SELECT 1 FROM asset_disposal") == []


async def test_disposed_without_approval_is_flagged_until_an_approval_of_that_day_is_recorded(client, world):
    # recorded as disposed by hand (an import, a fix): no approval behind it
    fixed = await make_asset(client, world, name="旧冷库")
    late = await make_asset(client, world, name="旧烘干房")
    dayless = await make_asset(client, world, name="旧大棚")
    for asset in (fixed, late):
        await fetch("UPDATE asset SET status = 'disposed', disposed_on = '2023-05-10' WHERE id = $1", asset["id"])
    await fetch("UPDATE asset SET status = 'disposed' WHERE id = $1", dayless["id"])
    assert await flags_on(client, world, "2023-05-09", "disposed_without_approval") == []
    got = await flags_on(client, world, "2023-05-10", "disposed_without_approval")
    assert brief(got, "asset_id", "disposed_on") == [
        ("disposed_without_approval", "2023-05-10", fixed["id"], "2023-05-10"),
        ("disposed_without_approval", "2023-05-10", late["id"], "2023-05-10"),
    ]
    assert brief(await flags_on(client, world, TODAY, "disposed_without_approval"), "asset_id")[-1] == (
        "disposed_without_approval",
        TODAY.isoformat(),
        dayless["id"],
    )
    # the approval that was given on paper, recorded: it clears the flag; one given after the asset went: not
    for asset, approved_on in ((fixed, "2023-05-08"), (late, "2023-06-01"), (dayless, "2023-06-01")):
        pending = (await request(client, world["finance"], asset["id"], requested_on="2023-05-01")).json()
        r = await approve(client, world["admin"], pending["id"], approved_on)
        assert r.status_code == 200, r.text
    assert (await client.get(f"/api/v1/assets/{fixed['id']}", headers=world["auditor"])).json()["disposed_on"] == (
        "2023-05-10"
    )  # the day it was recorded on stays
    assert (await client.get(f"/api/v1/assets/{dayless['id']}", headers=world["auditor"])).json()["disposed_on"] == (
        "2023-06-01"
    )
    assert brief(await flags_on(client, world, TODAY, "disposed_without_approval"), "asset_id") == [
        ("disposed_without_approval", "2023-05-10", late["id"])
    ]


# ---- households that left ------------------------------------------------------------------------------------


async def decide(client, headers, agreement_id: int, household_id: int, decision: str, reason: str = "村委会研究决定"):
    return await client.post(
        f"/api/v1/asset-agreements/{agreement_id}/households/{household_id}/decision",
        json={"decision": decision, "reason": reason},
        headers=headers,
    )


async def test_a_listed_household_that_left_is_kept_or_removed_by_a_recorded_decision(client, world, admin):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])  # 2020-01-01 to 2029-12-31, h1, h2, h3
    h1, h2, h3 = (h["id"] for h in world["households"])
    assert await flags_on(client, world, TODAY, "household_left") == []
    r = await step(client, world["officer"], h2, "removed", reason="moved_away")
    assert r.status_code == 200, r.text
    assert await flags_on(client, world, YESTERDAY, "household_left") == []
    got = await flags_on(client, world, TODAY, "household_left")
    assert brief(got, "agreement_id", "household_id", "standing") == [
        ("household_left", TODAY.isoformat(), agreement["id"], h2, "removed")
    ]
    assert got[0]["registry_no"] == world["households"][1]["registry_no"]
    # nothing to decide for a household still on the register; one not listed is not found
    assert (await decide(client, world["finance"], agreement["id"], h1, "keep")).status_code == 409
    assert (await decide(client, world["finance"], agreement["id"], 999999, "keep")).status_code == 404
    assert (await decide(client, world["officer"], agreement["id"], h2, "keep")).status_code == 403
    r = await client.post(
        f"/api/v1/asset-agreements/{agreement['id']}/households/{h2}/decision",
        json={"decision": "drop", "reason": "x"},
        headers=world["finance"],
    )
    assert r.status_code == 400 and field_of(r) == "decision"
    # kept: the flag clears, the household stays listed (and shares again should it come back)
    r = await decide(client, world["finance"], agreement["id"], h2, "keep", "户主外出务工，保留待返乡")
    assert r.status_code == 201, r.text
    kept = r.json()
    assert (kept["decision"], kept["standing"], kept["left_on"], kept["decided_on"], kept["position"]) == (
        "keep",
        "removed",
        TODAY.isoformat(),
        TODAY.isoformat(),
        1,
    )
    again = await decide(client, world["finance"], agreement["id"], h2, "keep", "户主外出务工，保留待返乡")
    assert again.status_code == 200 and again.json() == kept
    assert await flags_on(client, world, TODAY, "household_left") == []
    listed = (await client.get(f"/api/v1/asset-agreements/{agreement['id']}", headers=world["auditor"])).json()
    assert [b["household_id"] for b in listed["households"]] == [h1, h2, h3]
    # exited in 2017: its policy continuation ended with 2022; it left the list's standing today (its exit)
    r = await exit_household(client, world["officer"], h3, 2017)
    assert r.status_code == 200, r.text
    assert brief(await flags_on(client, world, TODAY, "household_left"), "household_id", "standing") == [
        ("household_left", TODAY.isoformat(), h3, "continuation_ended")
    ]
    r = await decide(client, world["admin"], agreement["id"], h3, "remove", "脱贫已满过渡期，移出分配名单")
    assert r.status_code == 201, r.text
    assert (r.json()["decision"], r.json()["standing"], r.json()["position"]) == ("remove", "continuation_ended", 2)
    listed = (await client.get(f"/api/v1/asset-agreements/{agreement['id']}", headers=world["auditor"])).json()
    assert [b["household_id"] for b in listed["households"]] == [h1, h2]
    assert await flags_on(client, world, TODAY, "household_left") == []
    # a removed household's decision sent again is answered as it was
    assert (
        await decide(client, world["admin"], agreement["id"], h3, "remove", "脱贫已满过渡期，移出分配名单")
    ).status_code == 200
    entries = await fetch("SELECT action FROM audit_entry WHERE entity = 'asset_beneficiary_decision' ORDER BY id")
    assert [e["action"] for e in entries] == ["keep_beneficiary", "remove_beneficiary"]
    # the next distribution shares among those listed: h2 (removed, kept on the list) gets nothing, h3 is gone
    income = (await receive(client, world, agreement["id"], "1000.00")).json()
    shared = await distribute(client, world, income["id"])
    assert shared.status_code == 201, shared.text
    assert (shared.json()["households_paid"], shared.json()["households_excluded"]) == (1, 1)


# ---- flags: on the asset, the filters, who reads them -----------------------------------------------------


async def test_an_asset_s_flags_on_its_page_and_the_list_s_filters_and_scope(client, world, admin, auth):
    idle = await make_asset(client, world)
    rented = await make_asset(client, world, name="烘干房")
    await sign(client, world, rented["id"], starts_on="2024-01-01", guaranteed_rate=None, yearly_rent="1000.00")
    # on the asset's page, today, for the roles that read flags; an operator reads the asset, not its flags
    detail = (await client.get(f"/api/v1/assets/{idle['id']}", headers=world["officer"])).json()
    assert brief(detail["flags"], "idle_reason") == [("idle", "2019-06-30", "no_agreement")]
    # the rent of every year over (and its 30 days of grace) is owed; nothing came in for twelve months and more
    owed = [y for y in range(2024, TODAY.year) if date(y, 12, 31) + timedelta(days=31) <= TODAY]
    rented_detail = (await client.get(f"/api/v1/assets/{rented['id']}", headers=world["auditor"])).json()
    assert sorted((f["kind"], f["period_year"]) for f in rented_detail["flags"]) == [
        *(("arrears", y) for y in owed),
        ("idle", None),
    ]
    r = await client.get(f"/api/v1/assets/{rented['id']}", headers=world["operator"])
    assert r.status_code == 200 and r.json()["flags"] is None
    assert (await client.get(FLAGS, headers=world["operator"])).status_code == 403
    # the list: every flag of today, by county, day and asset; paged; by kind
    everything = await flags_on(client, world, TODAY)
    assert everything[0]["kind"] == "idle" and len(everything) == 2 + len(owed)
    page = (await client.get(FLAGS, params={"limit": 1, "offset": 1}, headers=world["finance"])).json()
    assert (page["total"], len(page["items"]), page["as_of"]) == (len(everything), 1, TODAY.isoformat())
    assert page["items"][0] == everything[1]
    assert {i["kind"] for i in await flags_on(client, world, TODAY, "arrears")} == {"arrears"}
    # by region: the county, the town, the village; a town officer reads its town's
    town_code = (await fetch("SELECT code FROM town WHERE id = $1", world["town"]))[0]["code"]
    village_code = (await fetch("SELECT code FROM village WHERE id = $1", world["village"]))[0]["code"]
    for region in ("42", "429005", town_code, village_code):
        assert len(await flags_on(client, world, TODAY, region=region)) == len(everything), region
    other_town = await make_town(client, admin, "乙镇")
    other_officer = await auth("town_officer", town_id=other_town)
    assert (await client.get(FLAGS, headers=other_officer)).json()["total"] == 0
    assert (await client.get(FLAGS, headers=world["officer"])).json()["total"] == len(everything)
    away = (await client.post("/api/v1/regions", json={"code": "429006", "name": "邻县"}, headers=admin)).json()
    account = (
        await client.post(
            "/api/v1/accounts", json={"name": "邻县审计", "role": "auditor", "region_id": away["id"]}, headers=admin
        )
    ).json()
    away_auditor = {"Authorization": f"Bearer {account['token']}"}
    assert (await client.get(FLAGS, headers=away_auditor)).json()["total"] == 0
    r = await client.get(FLAGS, params={"region": "429005"}, headers=away_auditor)
    assert r.status_code == 403
    r = await client.get(f"/api/v1/assets/{idle['id']}", headers=away_auditor)
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"as_of": (TODAY + timedelta(days=1)).isoformat()}, "as_of"),
        ({"as_of": "1999-12-31"}, "as_of"),
        ({"as_of": "2024-13-01"}, "as_of"),
        ({"kind": "lost"}, "kind"),
        ({"region": "4290"}, None),  # a city: fine
        ({"region": "42900"}, "region"),
        ({"region": "42x"}, "region"),
        ({"limit": "0"}, "limit"),
    ],
)
async def test_bad_flag_queries_are_a_400_naming_the_parameter(client, world, query, field):
    r = await client.get(FLAGS, params=query, headers=world["auditor"])
    if field is None:
        assert r.status_code == 200, r.text
        return
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in r.text


# ---- a payout of an asset's income is not reversed alone ---------------------------------------------------


async def test_an_asset_income_payout_is_not_reversed_alone(client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "32000.00")).json()
    assert (await distribute(client, world, income["id"])).status_code == 201
    payout = (await fetch("SELECT id FROM payout WHERE income_type = 'asset_income' ORDER BY id LIMIT 1"))[0]["id"]
    for headers in (world["admin"], world["operator"]):
        r = await client.post(f"/api/v1/payouts/{payout}/reverse", json={"reason": "多发"}, headers=headers)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "corrected through its distribution" in r.json()["detail"]
    assert await fetch("SELECT 1 FROM payout WHERE reverses IS NOT NULL") == []
    shares = (await client.get(f"/api/v1/asset-income/{income['id']}/distribution", headers=world["auditor"])).json()
    assert sum(Decimal(s["amount"]) for s in shares["shares"]) == Decimal("28800.00")


async def test_an_operator_of_another_enterprise_sees_no_asset_of_ours(client, world, admin, auth):
    asset = await make_asset(client, world)
    await sign(client, world, asset["id"])
    e2 = await make_enterprise(client, admin, world["town"], 2)
    stranger = await auth("operator", enterprise_id=e2)
    for url in (
        f"/api/v1/assets/{asset['id']}/disposals",
        f"/api/v1/assets/{asset['id']}/evidence",
    ):
        assert (await client.get(url, headers=stranger)).status_code == 403, url
        assert (await client.get(url, headers=world["operator"])).status_code == 200, url
