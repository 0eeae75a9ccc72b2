"""联农带农: the linkage evaluation (GET /api/v1/linkage-evaluation and its workbook). The demo county's
evaluation against a computation by hand from the raw rows; a small world whose every figure is known, read
by each role and region; filters; bad input."""

from __future__ import annotations

import io
import re
import statistics
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from python_calamine import CalamineWorkbook

from app.demo import load_demo
from app.links.model import LinkKind
from tests.api.test_console import sign_in
from tests.api.test_console_imports import token
from tests.chain_helpers import SHARE, WAGE, link, make_base, make_enterprise
from tests.db import fetch
from tests.registry_helpers import make_household, make_village, register
from tests.world import build_world

API = "/api/v1/linkage-evaluation"
XLSX = "/api/v1/exports/linkage-evaluation.xlsx"
Y = date.today().year
ON_REGISTER = {"registered", "exited", "returned"}
KINDS = tuple(k.value for k in LinkKind)  # asset links (资产收益) are made by an asset income's distribution
FEN, HUNDREDTH, SHARE_PLACES = Decimal("0.01"), Decimal("0.01"), Decimal("0.0001")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _field(r) -> str | None:
    body = r.json()
    return body["errors"][0]["field"] if body.get("errors") else body.get("field")


# ---- the demo county, by hand ---------------------------------------------------------------------------


def _half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


async def _by_hand(year: int, minimum: int, continuation_years: int) -> dict[tuple[int, str, str], dict[str, Any]]:
    """The evaluation of ``year`` worked out in Python from the rows as stored, each read by a plain query."""
    industry = {r["id"]: r["code"] for r in await fetch("SELECT id, code FROM industry")}
    base_industry = {r["id"]: industry[r["industry"]] for r in await fetch("SELECT id, industry FROM base")}
    households = {r["id"]: r for r in await fetch("SELECT id, status, exited_year FROM household")}
    links = await fetch("SELECT id, enterprise, base, household, kind, start_date, end_date, county_code FROM link")
    payouts = await fetch("SELECT enterprise, link, household, amount, income_type, paid_on, county_code FROM payout")
    events = await fetch("SELECT id, household, to_status, at FROM household_event WHERE to_status IS NOT NULL")
    cases = await fetch("SELECT household, applied_on, eliminated_on FROM monitoring_case")
    agreements = await fetch(
        "SELECT g.asset, g.operator, g.base, g.starts_on, g.ends_on, g.county_code, a.disposed_on"
        " FROM asset_agreement g JOIN asset a ON a.id = g.asset"
    )
    zone = ZoneInfo((await fetch("SELECT current_setting('TimeZone') AS tz"))[0]["tz"])

    def in_force(lk, y: int) -> bool:
        end = lk["end_date"]
        h = households[lk["household"]]
        if h["status"] == "exited" and h["exited_year"] is not None:  # 脱贫不脱钩: to the continuation's end
            last = date(h["exited_year"] + continuation_years, 12, 31)
            end = last if end is None else min(end, last)
        return lk["start_date"] <= date(y, 12, 31) and (end is None or end >= date(y, 1, 1))

    linked: dict[tuple, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    before: set[tuple[int, int]] = set()
    link_of = {lk["id"]: lk for lk in links}
    for lk in links:
        key = (lk["enterprise"], lk["county_code"], base_industry[lk["base"]])
        if in_force(lk, year):
            linked[key][lk["household"]].add(lk["kind"])
        if in_force(lk, year - 1):
            before.add((lk["enterprise"], lk["household"]))
    paid: dict[tuple, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    asset: dict[tuple, Decimal] = defaultdict(Decimal)
    for p in payouts:
        if p["paid_on"].year != year:
            continue
        key = (p["enterprise"], p["county_code"], base_industry[link_of[p["link"]]["base"]])
        paid[key][p["household"]] += p["amount"]
        if p["income_type"] == "asset_income":
            asset[key] += p["amount"]
    end_of_year = datetime(year + 1, 1, 1, tzinfo=zone)
    last_event: dict[int, tuple] = {}
    for e in events:
        if e["at"] < end_of_year and (
            e["household"] not in last_event or (e["at"], e["id"]) > last_event[e["household"]][:2]
        ):
            last_event[e["household"]] = (e["at"], e["id"], e["to_status"])
    # the assets each operator ran in the year: an agreement in force on some day of it, the asset not disposed of
    # before it began; counted in the county and the industry of the agreement's base
    operated: dict[tuple, set[int]] = defaultdict(set)
    for g in agreements:
        if (
            g["starts_on"] <= date(year, 12, 31)
            and (g["ends_on"] is None or g["ends_on"] >= date(year, 1, 1))
            and (g["disposed_on"] is None or g["disposed_on"] >= date(year, 1, 1))
        ):
            operated[(g["operator"], g["county_code"], base_industry[g["base"]])].add(g["asset"])
    monitored = {
        c["household"]
        for c in cases
        if c["applied_on"] <= date(year, 12, 31)
        and (c["eliminated_on"] is None or c["eliminated_on"] >= date(year, 1, 1))
    }

    rows: dict[tuple, dict[str, Any]] = {}
    for key in set(linked) | set(paid) | set(operated):
        mine, money = linked.get(key, {}), paid.get(key, {})
        n = len(mine)
        incomes = [money.get(h, Decimal("0")) for h in mine]
        median = _half_up(Decimal(statistics.median(incomes)), FEN) if incomes else Decimal("0.00")
        continuing = sum(1 for h in mine if (key[0], h) in before)
        total = sum(money.values(), Decimal("0.00"))
        rows[key] = {
            "households_linked": n,
            "households_by_kind": {k: sum(1 for kinds in mine.values() if k in kinds) for k in KINDS},
            "households_registered": sum(1 for h in mine if h in last_event and last_event[h][2] in ON_REGISTER),
            "households_monitored": sum(1 for h in mine if h in monitored),
            "households_paid": sum(1 for amount in money.values() if amount > 0),
            "income_total": f"{total:.2f}",
            "income_mean": f"{_half_up(total / n, FEN) if n else Decimal('0.00'):.2f}",
            "income_median": f"{median:.2f}",
            "asset_income": f"{asset.get(key, Decimal('0.00')):.2f}",
            "assets_operated": len(operated.get(key, ())),
            "households_continuing": continuing,
            "continuing_share": f"{Decimal(continuing) / n if n else Decimal(0):.4f}",
            "min_households": minimum,
            "below_minimum": n < minimum,
            "_median": median,
        }
    # the score: 40 reach, 30 income, 20 continuity, 10 monitored, each against its county and industry
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for key in rows:
        groups[(key[1], key[2])].append(key)
    for members in groups.values():
        most = max(rows[k]["households_linked"] for k in members)
        highest = max(rows[k]["_median"] for k in members)

        def part(weight: int, a: Decimal | int, b: Decimal | int) -> Decimal:
            return _half_up(Decimal(weight) * Decimal(a) / Decimal(b), HUNDREDTH) if b > 0 else Decimal("0.00")

        for k in members:
            r = rows[k]
            n = r["households_linked"]
            r["points"] = {
                "reach": part(40, n, most),
                "income": part(30, max(r["_median"], Decimal(0)), highest),
                "continuity": part(20, r["households_continuing"], n),
                "monitored": part(10, r["households_monitored"], n),
            }
            r["score"] = sum(r["points"].values(), Decimal("0.00"))
        for k in members:
            rows[k]["rank"] = 1 + sum(1 for o in members if rows[o]["score"] > rows[k]["score"])
            rows[k]["ranked"] = len(members)
    for r in rows.values():
        del r["_median"]
        r["points"] = {name: f"{v:.2f}" for name, v in r["points"].items()}
        r["score"] = f"{r['score']:.2f}"
    return rows


SAMPLE = (1, 2, 17, 30, 42)  # enterprises of the demo county, each with a base in two industries


async def test_the_demo_county_s_evaluation_matches_a_computation_by_hand(client):
    tokens = (await load_demo()).tokens
    admin, auditor, operator = (_bearer(tokens[r]) for r in ("admin", "auditor", "operator"))
    # the county asks as many households as the operator that brought most along in 2017, so that the others
    # fall short; a reversal nets a payout out; a link that ended in 2021 and the households that exited in
    # 2016 (their continuation over in 2021) leave 2022's links
    before = (await client.get(f"{API}?year=2017&limit=500", headers=auditor)).json()["items"]
    most = max(i["households_linked"] for i in before)
    assert min(i["households_linked"] for i in before) < most
    r = await client.put("/api/v1/regions/429005/policy", json={"min_linked_households": most}, headers=admin)
    assert r.status_code == 200, r.text
    first = (
        await fetch("SELECT id FROM payout WHERE enterprise = 1 AND income_type = 'purchase' ORDER BY id LIMIT 1")
    )[0]
    r = await client.post(f"/api/v1/payouts/{first['id']}/reverse", json={"reason": "重复发放"}, headers=operator)
    assert r.status_code == 201, r.text
    ended = (await fetch("SELECT id FROM link WHERE enterprise = 2 ORDER BY id LIMIT 1"))[0]["id"]
    r = await client.post(f"/api/v1/links/{ended}/end", json={"end_date": "2021-12-31"}, headers=admin)
    assert r.status_code == 200, r.text

    for year in (2017, 2022):
        expected = await _by_hand(year, minimum=most, continuation_years=5)
        r = await client.get(f"{API}?year={year}&limit=500", headers=auditor)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == len(expected) == len(body["items"]) == 84  # 42 operators × their 2 industries
        assert body["year"] == year and body["region"] is None and body["formula"].startswith("score = 40 ×")
        got = {(i["enterprise_id"], i["county_code"], i["industry"]): i for i in body["items"]}
        sample = [key for key in expected if key[0] in SAMPLE]
        assert len(sample) == 2 * len(SAMPLE)
        for key in sample:
            item = {k: v for k, v in got[key].items() if k in expected[key]}
            assert item == expected[key], (year, key)
        # the list goes by county, industry and rank
        order = [(i["county_code"], i["industry"], i["rank"]) for i in body["items"]]
        assert order == sorted(order)
        # what the sample shows is not all alike: the figures that matter differ across it
        assert len({got[k]["rank"] for k in sample}) > 1 and True in {got[k]["below_minimum"] for k in got}
        if year == 2017:
            assert False in {got[k]["below_minimum"] for k in got}
            assert all(Decimal(got[k]["income_total"]) > 0 and got[k]["households_paid"] > 0 for k in sample)
        else:
            assert sum(got[k]["households_monitored"] for k in got) > 0
            # fewer households than in 2017: continuations over, a link ended
            linked_2017 = {(i["enterprise_id"], i["industry"]): i["households_linked"] for i in before}
            assert all(
                i["households_linked"] <= linked_2017[(i["enterprise_id"], i["industry"])] for i in body["items"]
            )
            assert sum(i["households_linked"] for i in body["items"]) < sum(linked_2017.values())

    # the operator's own rows, ranked among every operator of its county and industry
    mine = (await client.get(f"{API}?year=2017", headers=operator)).json()
    assert {i["enterprise_id"] for i in mine["items"]} == {1} and mine["total"] == 2
    everyone = {
        (i["enterprise_id"], i["industry"]): i
        for i in (await client.get(f"{API}?year=2017&limit=500", headers=auditor)).json()["items"]
    }
    for item in mine["items"]:
        assert item == everyone[(1, item["industry"])]
    # pages
    page = (await client.get(f"{API}?year=2017&limit=10&offset=80", headers=auditor)).json()
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (84, 4, 10, 80)


# ---- a small world, every figure known ------------------------------------------------------------------


def _payout(link_id: int, income_type: str, amount: str, reference: str) -> dict[str, Any]:
    day = date(Y, 1, 1).isoformat()
    return {
        "link_id": link_id,
        "income_type": income_type,
        "amount": amount,
        "period_from": day,
        "period_to": day,
        "paid_on": day,
        "method": "bank",
        "reference": reference,
    }


async def _linked(client, w, enterprise, base, household, terms, start="2017-01-01") -> int:
    r = await link(
        client,
        w["operator"] if enterprise == w["enterprise"] else w["operator2"],
        enterprise,
        base,
        household,
        terms,
        start=start,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _pay(client, headers, body) -> int:
    r = await client.post("/api/v1/payouts", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _account(client, admin, role: str, region_id: int) -> dict[str, str]:
    r = await client.post(
        "/api/v1/accounts", json={"name": f"{role} {region_id}", "role": role, "region_id": region_id}, headers=admin
    )
    assert r.status_code == 201, r.text
    return _bearer(r.json()["token"])


@pytest.fixture
async def world(client, admin, auth) -> dict[str, Any]:
    """Enterprise 1 with three households at home (429005) and one in the neighbouring county (429006);
    enterprise 2 with one household at home; payouts of this year on 1 January."""
    w = await build_world(client, admin, auth, households=3)
    op, e1, base = w["operator"], w["enterprise"], w["base"]
    h0, h1, h2 = (h["id"] for h in w["households"])
    w["e2"] = await make_enterprise(client, admin, w["town"], 2)
    w["operator2"] = await auth("operator", enterprise_id=w["e2"])
    base2 = await make_base(client, w["operator2"], w["e2"], w["village"], name="二号基地")
    share0 = await _linked(client, w, e1, base, h0, SHARE)
    wage0 = await _linked(client, w, e1, base, h0, WAGE)
    wage1 = await _linked(client, w, e1, base, h1, WAGE)
    await _linked(client, w, e1, base, h2, WAGE, start=date(Y, 1, 2).isoformat())  # new this year: not continuing
    await _linked(client, w, w["e2"], base2, h1, WAGE)
    await _pay(client, op, _payout(share0, "dividend", "400.00", "W-1"))
    await _pay(client, op, _payout(wage0, "wage", "300.00", "W-2"))
    await _pay(client, op, _payout(wage1, "wage", "150.00", "W-3"))
    wrong = await _pay(client, op, _payout(wage1, "wage", "99.00", "W-4"))
    r = await client.post(f"/api/v1/payouts/{wrong}/reverse", json={"reason": "多发"}, headers=op)
    assert r.status_code == 201, r.text
    # h0 taken into monitoring this year (written as it stands: the API takes in households off the register)
    await fetch(
        "INSERT INTO monitoring_case (household, channel, category, year, line, income, rigid_spending, consent,"
        " applied_on, step, steps, state, created_at) VALUES ($1, 'visit', 'sudden_hardship', $2, 8700, 6200, 0,"
        " 'x', $3, 'applied', '{}', 'identifying', now())",
        h0,
        Y - 1,
        date(Y, 1, 1),
    )
    # the neighbouring county: enterprise 1's base there, one household
    w["home"] = (await client.get("/api/v1/regions/429005", headers=admin)).json()
    w["away"] = (await client.post("/api/v1/regions", json={"code": "429006", "name": "示范县2"}, headers=admin)).json()
    town = (
        await client.post("/api/v1/towns", json={"name": "邻县镇", "county_id": w["away"]["id"]}, headers=admin)
    ).json()
    village = await make_village(client, admin, town["id"], name="邻村")
    far = await make_household(client, admin, village, 70)
    await register(client, admin, far["id"])
    away_base = await make_base(client, op, e1, village, name="邻县基地")
    away_link = await _linked(client, w, e1, away_base, far["id"], WAGE)
    await _pay(client, op, _payout(away_link, "wage", "250.00", "W-5"))
    return w


HOME_E1 = {
    "households_linked": 3,
    "households_by_kind": {"share": 1, "wage": 3, "cooperation": 0, "franchise": 0, "asset": 0},
    "households_registered": 3,
    "households_monitored": 1,
    "households_paid": 2,
    "income_total": "850.00",  # 400 + 300 + 150; the 99.00 reversed
    "income_mean": "283.33",
    "income_median": "150.00",  # of 700, 150 and 0
    "asset_income": "0.00",
    "assets_operated": 0,
    "households_continuing": 2,
    "continuing_share": "0.6667",
    # 40·3/3 | 30·150/150 | 20·2/3 = 13.33 | 10·1/3 = 3.33
    "points": {"reach": "40.00", "income": "30.00", "continuity": "13.33", "monitored": "3.33"},
    "score": "86.66",
    "rank": 1,
    "ranked": 2,
}
HOME_E2 = {
    "households_linked": 1,
    "households_by_kind": {"share": 0, "wage": 1, "cooperation": 0, "franchise": 0, "asset": 0},
    "households_registered": 1,
    "households_monitored": 0,
    "households_paid": 0,
    "income_total": "0.00",
    "income_median": "0.00",
    "households_continuing": 1,
    # 40·1/3 = 13.33 | 0 | 20·1/1 | 0
    "points": {"reach": "13.33", "income": "0.00", "continuity": "20.00", "monitored": "0.00"},
    "score": "33.33",
    "rank": 2,
    "ranked": 2,
}
AWAY_E1 = {
    "households_linked": 1,
    "income_total": "250.00",
    "income_median": "250.00",
    "points": {"reach": "40.00", "income": "30.00", "continuity": "20.00", "monitored": "0.00"},
    "score": "90.00",
    "rank": 1,
    "ranked": 1,
}


def _part(item: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in expected}


async def test_each_figure_of_a_small_world(client, admin, world):
    r = await client.get(f"{API}?year={Y}", headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3 and body["region"] is None and body["industry"] is None
    assert body["weights"] == {"reach": 40, "income": 30, "continuity": 20, "monitored": 10}
    home_e1, home_e2, away_e1 = body["items"]
    assert (home_e1["enterprise_id"], home_e1["county_code"], home_e1["industry"]) == (
        world["enterprise"],
        "429005",
        "crayfish_rice",
    )
    assert (home_e2["enterprise_id"], home_e2["county_code"]) == (world["e2"], "429005")
    assert (away_e1["enterprise_id"], away_e1["county_code"], away_e1["county_name"]) == (
        world["enterprise"],
        "429006",
        "示范县2",
    )
    assert _part(home_e1, HOME_E1) == HOME_E1
    assert _part(home_e2, HOME_E2) == HOME_E2
    assert _part(away_e1, AWAY_E1) == AWAY_E1
    assert home_e1["industry_name_zh"] == "虾稻" and home_e1["enterprise_kind"] == "cooperative"
    # the setting asks 10 households of each: everyone falls short; a county's own minimum holds there only
    assert [(i["min_households"], i["below_minimum"]) for i in body["items"]] == [(10, True)] * 3
    r = await client.put("/api/v1/regions/429005/policy", json={"min_linked_households": 2}, headers=admin)
    assert r.status_code == 200, r.text
    items = (await client.get(f"{API}?year={Y}", headers=admin)).json()["items"]
    assert [(i["min_households"], i["below_minimum"]) for i in items] == [(2, False), (2, True), (10, True)]
    # last year: the links started in 2017 ran, h2's had not begun; nothing was paid
    last = (await client.get(f"{API}?year={Y - 1}", headers=admin)).json()["items"]
    assert [(i["households_linked"], i["income_total"]) for i in last] == [(2, "0.00"), (1, "0.00"), (1, "0.00")]


async def test_scope_by_role_and_region(client, admin, auth, world):
    home = world["home"]
    county_auditor = await _account(client, admin, "auditor", home["id"])
    county_finance = await _account(client, admin, "finance", home["id"])

    async def read(headers, query: str = ""):
        return await client.get(f"{API}?year={Y}{query}", headers=headers)

    def keys(r) -> list[tuple[int, str]]:
        assert r.status_code == 200, r.text
        return [(i["enterprise_id"], i["county_code"]) for i in r.json()["items"]]

    e1, e2 = world["enterprise"], world["e2"]
    assert keys(await read(admin)) == [(e1, "429005"), (e2, "429005"), (e1, "429006")]
    assert keys(await read(admin, "&region=4290")) == keys(await read(admin, "&region=42"))
    assert keys(await read(admin, "&region=429006")) == [(e1, "429006")]
    for reader in (county_auditor, county_finance):
        r = await read(reader)
        assert keys(r) == [(e1, "429005"), (e2, "429005")] and r.json()["region"] == "429005"
        assert keys(await read(reader, "&region=429005")) == [(e1, "429005"), (e2, "429005")]
        for outside in ("429006", "42", "4290"):
            r = await read(reader, f"&region={outside}")
            assert r.status_code == 403, (outside, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
    # an operator reads its own rows, ranked among all the operators of its county and industry
    mine = (await read(world["operator"])).json()["items"]
    assert [(i["enterprise_id"], i["county_code"], i["rank"], i["ranked"]) for i in mine] == [
        (e1, "429005", 1, 2),
        (e1, "429006", 1, 1),
    ]
    theirs = (await read(world["operator2"])).json()["items"]
    assert [(i["enterprise_id"], i["rank"], i["ranked"]) for i in theirs] == [(e2, 2, 2)]
    assert keys(await read(world["operator"], "&region=429006")) == [(e1, "429006")]
    # a town officer has no part in it
    assert (await read(world["officer"])).status_code == 403
    assert (await client.get(f"{XLSX}?year={Y}", headers=world["officer"])).status_code == 403
    assert (await client.get(f"{API}?year={Y}")).status_code == 401


async def _run_asset(client, admin, w, enterprise: int, base: int, name: str, starts_on: str, **terms: Any) -> int:
    """An asset of the world's village run by ``enterprise`` on ``base`` from ``starts_on``; its agreement's id."""
    asset = await client.post(
        "/api/v1/assets",
        json={
            "name": name,
            "asset_class": "operating",
            "kind": "storage",
            "village_id": w["village"],
            "status": "in_use",
            "completed_on": "2014-06-30",
            "book_value": "100000.00",
            "funding": [{"source": "central", "year": 2014, "amount": "100000.00"}],
        },
        headers=admin,
    )
    assert asset.status_code == 201, asset.text
    agreement = await client.post(
        f"/api/v1/assets/{asset.json()['id']}/agreements",
        json={
            "operator_id": enterprise,
            "base_id": base,
            "form": "lease",
            "starts_on": starts_on,
            "signed_on": "2014-12-01",
            "yearly_rent": "1000.00",
            "method": "equal",
            "households": [{"household_id": w["households"][0]["id"]}],
            **terms,
        },
        headers=admin,
    )
    assert agreement.status_code == 201, agreement.text
    return int(agreement.json()["id"])


async def test_the_assets_each_operator_runs_and_their_return(client, admin, auth, world):
    base, e1 = world["base"], world["enterprise"]
    # run all along, its income of last year shared out on 2 January: 1000.00 to the one household listed
    running = await _run_asset(client, admin, world, e1, base, "冷库", "2017-01-01")
    income = await client.post(
        f"/api/v1/asset-agreements/{running}/income",
        json={"received_on": date(Y, 1, 2).isoformat(), "period_year": Y - 1, "amount": "1000.00", "reference": "R1"},
        headers=admin,
    )
    assert income.status_code == 201, income.text
    shared = await client.post(
        f"/api/v1/asset-income/{income.json()['id']}/distribution",
        json={"paid_on": date(Y, 1, 2).isoformat()},
        headers=admin,
    )
    assert shared.status_code == 201, shared.text
    # its agreement ended with last year; disposed of in the middle of last year
    await _run_asset(client, admin, world, e1, base, "烘干房", "2015-01-01", ends_on=date(Y - 1, 12, 31).isoformat())
    await _run_asset(client, admin, world, e1, base, "大棚", "2015-01-01")
    await fetch("UPDATE asset SET status = 'disposed', disposed_on = $1 WHERE name = '大棚'", date(Y - 1, 6, 30))
    # an operator that runs an asset and brought no household along: ranked, with nothing, short of the minimum
    e3 = await make_enterprise(client, admin, world["town"], 3)
    operator3 = await auth("operator", enterprise_id=e3)
    base3 = await make_base(client, operator3, e3, world["village"], name="三号基地")
    await _run_asset(client, admin, world, e3, base3, "加工厂", "2017-01-01")

    def rows(r) -> dict[int, dict[str, Any]]:
        assert r.status_code == 200, r.text
        return {i["enterprise_id"]: i for i in r.json()["items"] if i["county_code"] == "429005"}

    this_year = rows(await client.get(f"{API}?year={Y}", headers=admin))
    last_year = rows(await client.get(f"{API}?year={Y - 1}", headers=admin))
    assert (this_year[e1]["assets_operated"], this_year[e1]["asset_income"]) == (1, "1000.00")
    assert this_year[e1]["income_total"] == "1850.00"  # 850.00 of links and 1000.00 of the asset
    assert (last_year[e1]["assets_operated"], last_year[e1]["asset_income"]) == (3, "0.00")
    assert this_year[world["e2"]]["assets_operated"] == 0
    for found in (this_year[e3], last_year[e3]):
        assert (found["assets_operated"], found["households_linked"], found["income_total"]) == (1, 0, "0.00")
        assert (found["score"], found["rank"], found["ranked"], found["below_minimum"]) == ("0.00", 3, 3, True)
    # the operator's own rows: with its assets, ranked among every operator of its county
    mine = (await client.get(f"{API}?year={Y}", headers=operator3)).json()["items"]
    assert [(i["enterprise_id"], i["assets_operated"], i["rank"]) for i in mine] == [(e3, 1, 3)]
    # the workbook says it too
    book = await client.get(f"{XLSX}?year={Y}&region=429005", headers=admin)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(book.content)).get_sheet_by_name("联农带农评价").to_python()
    column = sheet[0].index("运营资产数")
    assert sorted(int(row[column]) for row in sheet[1:]) == [0, 1, 1]


async def test_filters(client, admin, world):
    r = await client.get(f"{API}?year={Y}&industry=crayfish_rice", headers=admin)
    assert r.status_code == 200 and r.json()["total"] == 3 and r.json()["industry"] == "crayfish_rice"
    r = await client.get(f"{API}?year={Y}&industry=soybean", headers=admin)
    assert r.status_code == 200 and r.json()["total"] == 0
    r = await client.get(f"{API}?year={Y}&industry=crayfish_rice&region=429005&limit=1&offset=1", headers=admin)
    body = r.json()
    assert (body["total"], [i["enterprise_id"] for i in body["items"]]) == (2, [world["e2"]])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "year"),
        ("year=1999", "year"),
        (f"year={Y + 1}", "year"),
        ("year=abc", "year"),
        (f"year={Y}&region=4290051", "region"),
        (f"year={Y}&region=42a", "region"),
        (f"year={Y}&region=", "region"),
        (f"year={Y}&industry=Crayfish!", "industry"),
        (f"year={Y}&industry=pig_breeding", "industry"),
        (f"year={Y}&limit=0", "limit"),
        (f"year={Y}&offset=-1", "offset"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(client, admin, query, field):
    for path in (API, XLSX) if "limit" not in query and "offset" not in query else (API,):  # the workbook is whole
        r = await client.get(f"{path}?{query}", headers=admin)
        assert r.status_code == 400, (path, query, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field in r.text and (_field(r) in (field, None)), (path, query, r.text)


async def test_the_workbook_holds_the_list_s_rows_in_chinese(client, admin, world):
    listed = (await client.get(f"{API}?year={Y}", headers=admin)).json()["items"]
    r = await client.get(f"{XLSX}?year={Y}", headers=admin)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert book.sheet_names == ["联农带农评价", "评分说明"]
    rows = book.get_sheet_by_name("联农带农评价").to_python()
    header, data = rows[0], rows[1:]
    assert header[:11] == [
        "县(市、区)代码",
        "县(市、区)",
        "产业",
        "年度",
        "排名",
        "参评主体数",
        "得分",
        "经营主体编号",
        "经营主体",
        "主体类型",
        "带动户数",
    ]
    assert "入股分红户数" in header and "收益中位数" in header and "未达最低带动户数" in header
    column = {name: n for n, name in enumerate(header)}
    assert len(data) == len(listed)
    for row, item in zip(data, listed, strict=True):
        assert row[column["经营主体编号"]] == item["enterprise_id"]
        assert row[column["县(市、区)代码"]] == item["county_code"] and row[column["产业"]] == "虾稻"
        assert Decimal(str(row[column["得分"]])) == Decimal(item["score"])
        assert Decimal(str(row[column["收益总额"]])) == Decimal(item["income_total"])
        assert row[column["排名"]] == item["rank"] and row[column["带动户数"]] == item["households_linked"]
        assert row[column["主体类型"]] == "合作社" and row[column["未达最低带动户数"]] == "是"
    notes = [row[0] for row in book.get_sheet_by_name("评分说明").to_python()]
    assert notes[1:4] == [f"年度:{Y}", "区域:全部", "产业:全部"]
    assert notes[4].startswith("得分") and "40" in notes[4] and "中位数" in notes[4]
    # a county's account gets its county's rows only
    county = await _account(client, admin, "auditor", world["home"]["id"])
    r = await client.get(f"{XLSX}?year={Y}", headers=county)
    data = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name("联农带农评价").to_python()[1:]
    assert {row[0] for row in data} == {"429005"} and len(data) == 2


# ---- the console's ranking page -------------------------------------------------------------------------


@pytest.fixture
async def web(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


async def test_the_console_ranks_the_county_s_operators_for_its_staff(web, client, admin, auth, world):
    county_auditor = await _account(client, admin, "auditor", world["home"]["id"])
    csrf = await sign_in(web, token(county_auditor))
    home = (await web.get("/console")).text
    assert '<a href="/console/linkage">联农带农排名</a>' in home
    page = await web.get(f"/console/linkage?year={Y}")
    assert page.status_code == 200, page.text
    text = page.text
    assert f"联农带农排名 · {Y}" in text and "评分方法" in text and "得分 = 40 × 带动户数" in text
    assert "潜江市 · 虾稻" in text and "示范县2" not in text  # the county's own operators only
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", text, re.S)
    cells = [
        [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]
    assert [c[0][0] for c in cells] == ["1", "2"]  # ranks
    assert [c[-2][0] for c in cells] == ["86.66", "33.33"]  # scores
    assert cells[0][2][0] == "3" and "入股分红" in " ".join(cells[0][2])  # households linked, by kind
    assert ["未达最低带动户数"] in [c[-1] for c in cells]  # the setting's 10 households: both fall short
    assert "规模 40.00 · 收益 30.00 · 持续 13.33 · 监测 3.33" in text
    # its workbook: the API's, for the same filters
    book = await web.get(f"/console/linkage/export.xlsx?year={Y}&industry=crayfish_rice")
    assert book.status_code == 200 and book.headers["content-type"].startswith("application/vnd.openxmlformats")
    data = CalamineWorkbook.from_filelike(io.BytesIO(book.content)).get_sheet_by_name("联农带农评价").to_python()[1:]
    assert [row[7] for row in data] == [world["enterprise"], world["e2"]]
    # in English
    switched = await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": "/console/linkage"})
    assert switched.status_code == 303
    english = (await web.get(f"/console/linkage?year={Y}&industry=crayfish_rice")).text
    assert "Operator ranking" in english and "score = 40 × households linked" in english
    assert "Short of the minimum" in english and "reach 40.00 · income 30.00" in english
    # a bad filter is the console's error page, naming it
    bad = await web.get(f"/console/linkage?year={Y}&region=4x")
    assert bad.status_code == 400 and "region" in bad.text


@pytest.mark.parametrize("role", ["finance", "auditor", "admin"])
async def test_county_staff_and_auditors_open_the_ranking(web, auth, world, role):
    await sign_in(web, token(await auth(role)))
    assert (await web.get(f"/console/linkage?year={Y}")).status_code == 200


async def test_operators_and_town_officers_have_no_ranking_page(web, world):
    for headers in (world["operator"], world["officer"]):
        web.cookies.clear()
        await sign_in(web, token(headers))
        assert 'href="/console/linkage"' not in (await web.get("/console")).text
        assert (await web.get(f"/console/linkage?year={Y}")).status_code == 403
        assert (await web.get(f"/console/linkage/export.xlsx?year={Y}")).status_code == 403
