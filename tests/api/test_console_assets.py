"""Project assets in the console (issue 15, point 5): the register with its filters, pages and totals and the
form that registers an asset with its funding; an asset's page with its funding, ownership history,
agreements, income and distributions, and the forms that confirm ownership, sign an agreement, record income
and distribute it, each household's part explained in the reader's language; the chart of asset income by
industry and year. Every form's refusal reads in Chinese and writes nothing."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.console import asset_pages
from tests.api.test_assets import make_asset, receive, sign
from tests.api.test_console import sign_in
from tests.api.test_console_imports import token
from tests.db import fetch
from tests.registry_helpers import make_town, make_village, step
from tests.world import build_world

WRITTEN = (
    "asset",
    "asset_funding",
    "asset_ownership",
    "asset_owner",
    "asset_agreement",
    "asset_beneficiary",
    "asset_income",
    "asset_distribution",
    "payout",
    "link",
)


async def counts() -> dict[str, int]:
    return {t: (await fetch(f"SELECT count(*) AS n FROM {t}"))[0]["n"] for t in WRITTEN}


@pytest.fixture
async def web(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


@pytest.fixture
async def world(client, admin, auth) -> dict[str, Any]:
    w = await build_world(client, admin, auth, households=3)
    return {**w, "finance": await auth("finance"), "auditor": await auth("auditor"), "admin": admin}


def _notes(page: str) -> list[str]:
    return re.findall(r'<div class="(?:msg|err)">([^<]*)</div>', page)


async def _after(web, r: httpx.Response) -> str:
    """The page a form's redirect leads to."""
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return (await web.get(r.headers["location"])).text


async def _refused(web, r: httpx.Response) -> str:
    """The refusal a form's redirect carries, as the page shows it."""
    assert r.status_code == 303 and "err=" in r.headers["location"], r.headers.get("location")
    page = await _after(web, r)
    notes = re.findall(r'<div class="err">([^<]*)</div>', page)
    assert len(notes) == 1, notes
    return notes[0]


OVERLAP = "该资产的经营协议 {agreement} 在此期限内已生效"


def _registry(world, i: int) -> str:
    return world["households"][i]["registry_no"]


# ---- the register ---------------------------------------------------------------------------------------


async def test_the_register_lists_filters_pages_and_sums_the_assets(web, client, world, monkeypatch):
    store = await make_asset(client, world)
    plant = await make_asset(
        client,
        world,
        name="赵脑村半夏烘干线",
        kind="processing",
        industry="pinellia",
        book_value="250000.50",
        status="idle",
        funding=[{"source": "provincial", "year": 2020, "amount": "250000.50"}],
    )
    road = await make_asset(
        client,
        world,
        name="赵脑村机耕道",
        asset_class="public_welfare",
        kind="road",
        industry=None,
        base_id=None,
        depreciation="none",
        useful_life_years=None,
        book_value="80000.00",
        funding=[],
    )
    await sign_in(web, token(world["finance"]))
    page = (await web.get("/console/assets")).text
    assert '<a href="/console/assets">项目资产</a>' in page
    assert "项目资产 (3)" in page
    for a in (store, plant, road):
        assert f'href="/console/assets/{a["id"]}"' in page
    totals = re.search(r'<div class="grid totals" id="totals">(.*?)</div>\s*<p', page, re.S).group(1)
    assert "¥730,000.50" in totals and "¥650,000.50" in totals and "<b>3</b>" in totals
    assert "经营性资产" in page and "公益性资产" in page and "冷库" in page and "半夏" in page and "闲置" in page
    # each filter narrows the list and its totals alike
    for query, shown in (
        ("kind=processing", [plant]),
        ("status=idle", [plant]),
        ("asset_class=public_welfare", [road]),
        ("industry=crayfish_rice", [store]),
        (f"town_id={world['town']}&village_id={world['village']}", [store, plant, road]),
    ):
        filtered = (await web.get(f"/console/assets?{query}")).text
        listed = re.findall(r'<td><a href="/console/assets/(\d+)">', filtered)
        assert sorted(int(i) for i in listed) == sorted(a["id"] for a in shown), query
        assert f"项目资产 ({len(shown)})" in filtered
    assert "¥250,000.50" in (await web.get("/console/assets?kind=processing")).text.split('id="assets"')[0]
    # a town chosen offers its villages; a value of no kind chooses nothing rather than failing
    assert 'name="village_id"><option value="">' in (await web.get(f"/console/assets?town_id={world['town']}")).text
    assert "项目资产 (3)" in (await web.get("/console/assets?kind=nuclear&status=&town_id=abc")).text
    # pages, the filters kept on the pager's links
    monkeypatch.setattr(asset_pages, "PER_PAGE", 2)
    first = (await web.get("/console/assets?industry=&kind=")).text
    assert len(re.findall(r'<td><a href="/console/assets/\d+">', first)) == 2 and "1–2 / 3" in first
    second = (await web.get("/console/assets?page=2")).text
    assert len(re.findall(r'<td><a href="/console/assets/\d+">', second)) == 1 and "3–3 / 3" in second
    assert (await web.get("/console/assets?page=0")).status_code == 400
    monkeypatch.setattr(asset_pages, "PER_PAGE", 1)
    operating = (await web.get("/console/assets?asset_class=operating")).text
    assert "1–1 / 2" in operating and 'href="?page=2&asset_class=operating"' in operating


async def test_each_role_reads_the_assets_of_its_reach_and_only_staff_who_manage_see_the_forms(web, client, world):
    asset = await make_asset(client, world)
    town = await make_town(client, world["admin"], name="杨市街道")
    village = await make_village(client, world["admin"], town, name="杨市村")
    other = await make_asset(client, {**world, "village": village}, name="杨市村冷库", base_id=None)
    await sign(client, world, asset["id"])
    for role, headers, sees, forms in (
        ("finance", world["finance"], {asset["id"], other["id"]}, True),
        ("admin", world["admin"], {asset["id"], other["id"]}, True),
        ("auditor", world["auditor"], {asset["id"], other["id"]}, False),
        ("town_officer", world["officer"], {asset["id"]}, False),
        ("operator", world["operator"], {asset["id"]}, False),  # the asset it runs
    ):
        web.cookies.clear()
        await sign_in(web, token(headers))
        page = (await web.get("/console/assets")).text
        assert '<a href="/console/assets">项目资产</a>' in page, role
        listed = {int(i) for i in re.findall(r'<td><a href="/console/assets/(\d+)">', page)}
        assert listed == sees, role
        assert ('id="register-form"' in page) is forms, role
        one = await web.get(f"/console/assets/{asset['id']}")
        assert one.status_code == 200, role
        assert ('id="agreement-form"' in one.text) is forms and ('id="ownership-form"' in one.text) is forms, role
        assert ('class="income-form"' in one.text) is forms, role
        if other["id"] not in sees:
            refused = await web.get(f"/console/assets/{other['id']}")
            assert refused.status_code == 403 and "<h1>403</h1>" in refused.text, role
    assert (await web.get("/console/assets/999999")).status_code == 404


async def test_a_role_that_may_not_manage_assets_is_refused_and_nothing_is_written(web, client, world):
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"])
    income = (await receive(client, world, agreement["id"], "32000.00")).json()
    before = await counts()
    csrf = await sign_in(web, token(world["auditor"]))
    for path, data in (
        (
            "/console/assets",
            {"name": "x", "asset_class": "operating", "kind": "storage", "village_id": world["village"]},
        ),
        (
            f"/console/assets/{asset['id']}/ownership",
            {"owner_kind": "village_collective", "confirmed_on": "2020-01-01"},
        ),
        (f"/console/assets/{asset['id']}/agreements", {"base_id": world["base"]}),
        (f"/console/assets/{asset['id']}/income", {"agreement_id": agreement["id"], "received_on": "2021-01-01"}),
        (f"/console/assets/{asset['id']}/distribution", {"income_id": income["id"], "paid_on": "2021-01-20"}),
    ):
        r = await web.post(path, data={"_csrf_token": csrf, **data})
        assert r.status_code == 403 and "无权访问" in r.text, path
    # a forged form is refused before anything is read
    web.cookies.clear()
    await sign_in(web, token(world["finance"]))
    r = await web.post(
        f"/console/assets/{asset['id']}/distribution",
        data={"_csrf_token": "forged", "income_id": income["id"], "paid_on": "2021-01-20"},
    )
    assert r.status_code == 403
    assert await counts() == before


# ---- registering an asset ---------------------------------------------------------------------------


def _asset_form(world, csrf: str, **change: Any) -> dict[str, Any]:
    return {
        "_csrf_token": csrf,
        "name": "赵脑村虾稻冷库",
        "asset_class": "operating",
        "kind": "storage",
        "village_id": str(world["village"]),
        "industry": "crayfish_rice",
        "base_id": str(world["base"]),
        "status": "in_use",
        "completed_on": "2019-06-30",
        "book_value": "400000.00",
        "depreciation": "straight_line",
        "useful_life_years": "20",
        "funding_source": ["central", "provincial", "county"],
        "funding_year": ["2019", "", "2019"],
        "funding_amount": ["300000", "", "100000.00"],
        "note": "",
        **change,
    }


async def test_finance_registers_an_asset_with_its_funding_through_the_form(web, world):
    csrf = await sign_in(web, token(world["finance"]))
    page = (await web.get("/console/assets")).text
    form = page.split('id="register-form"')[1]
    assert "赵脑村" in form and "虾稻共作基地" in form and "中央财政资金" in form and "市县财政资金" in form
    before = await counts()
    refusals = [
        ({"book_value": "40万"}, "账面价值：须为大于 0 的金额（元），如 1234.50"),
        ({"funding_amount": ["300000", "", "十万"]}, "资金来源：须为大于 0 的金额（元），如 1234.50"),
        ({"funding_year": ["2019", "", ""]}, "第 3 行：请选择来源并填写年度和金额"),
        ({"status": "under_construction"}, "在建资产尚无竣工日期"),
        ({"name": "  "}, "名称：必填"),
        ({"funding_year": ["1999", "", "2019"]}, "年度："),
    ]
    for change, said in refusals:
        r = await web.post("/console/assets", data=_asset_form(world, csrf, **change))
        assert said in await _refused(web, r), change
    assert await counts() == before
    r = await web.post("/console/assets", data=_asset_form(world, csrf))
    assert r.status_code == 303 and re.search(r"^/console/assets/\d+\?msg=", r.headers["location"])
    page = await _after(web, r)
    assert _notes(page) == ["已登记资产：赵脑村虾稻冷库。"]
    asset_id = int(re.search(r"/console/assets/(\d+)", r.headers["location"]).group(1))
    funding = await fetch("SELECT source, year, amount FROM asset_funding WHERE asset = $1 ORDER BY id", asset_id)
    assert [(f["source"], f["year"], f["amount"]) for f in funding] == [
        ("central", 2019, Decimal("300000.00")),
        ("county", 2019, Decimal("100000.00")),
    ]
    facts = page.split('id="facts"')[1].split("</div>\n\n")[0]
    assert (
        "在用" in facts and "¥400,000.00" in facts and "年限平均法" in facts and "20 年" in facts and "未确权" in facts
    )
    funded = page.split('id="funding"')[1].split("</table>")[0]
    assert "中央财政资金" in funded and "¥300,000.00" in funded and "¥100,000.00" in funded
    # the same name in the village again: the domain's refusal, in Chinese; nothing more written
    after = await counts()
    again = await web.post("/console/assets", data=_asset_form(world, csrf))
    assert "该村已有名为 赵脑村虾稻冷库 的资产" in await _refused(web, again)
    assert await counts() == after


# ---- an asset's page: ownership, an agreement, income and its distribution ---------------------------


async def test_ownership_agreement_income_and_distribution_through_the_asset_page(web, client, world):
    asset = await make_asset(client, world)
    path = f"/console/assets/{asset['id']}"
    csrf = await sign_in(web, token(world["finance"]))
    page = (await web.get(path)).text
    assert f'href="/console/assets/{asset["id"]}/evidence"' in page
    assert f'href="/console/assets/flags?asset={asset["id"]}"' in page
    assert "尚未确权" in page and "尚无经营协议" in page

    # ownership: to the village collective, then to two named households by their registry numbers
    before = await counts()
    for data, said in (
        ({"owner_kind": "households", "households": f"{_registry(world, 0)}\n9999999999"}, "9999999999"),
        ({"owner_kind": "households", "households": ""}, "请填写农户的户编号"),
        ({"owner_kind": "households", "households": f"{_registry(world, 0)} {_registry(world, 0)}"}, "重复填写"),
        ({"owner_kind": "village_collective", "document_no": ""}, "文件编号：必填"),
    ):
        r = await web.post(
            f"{path}/ownership",
            data={"_csrf_token": csrf, "confirmed_on": "2019-08-01", "document_no": "熊确〔2019〕12号", **data},
        )
        assert said in await _refused(web, r), data
    assert await counts() == before
    r = await web.post(
        f"{path}/ownership",
        data={
            "_csrf_token": csrf,
            "owner_kind": "village_collective",
            "confirmed_on": "2019-08-01",
            "document_no": "熊确〔2019〕12号",
        },
    )
    assert _notes(await _after(web, r)) == ["确权已登记：确权到村集体。"]
    r = await web.post(
        f"{path}/ownership",
        data={
            "_csrf_token": csrf,
            "owner_kind": "households",
            "confirmed_on": "2020-03-01",
            "document_no": "熊确〔2020〕4号",
            "document_title": "资产确权到户决定",
            "households": f"{_registry(world, 0)}，{_registry(world, 1)}",
        },
    )
    page = await _after(web, r)
    history = page.split('id="ownership-history"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</tr>", history, re.S)
    assert len(rows) == 2 and "现行" in rows[0] and "确权到户" in rows[0]
    assert _registry(world, 0) in rows[0] and _registry(world, 1) in rows[0] and "熊确〔2020〕4号" in rows[0]
    assert "村集体" in rows[1] and "现行" not in rows[1]
    # the agreement's households are offered as the current owners
    offered = page.split('id="agreement-form"')[1].split("</textarea>")[0]
    assert offered.endswith(f"{_registry(world, 0)}\n{_registry(world, 1)}")

    # an agreement, shared by weight with a public-welfare share
    agreement = {
        "_csrf_token": csrf,
        "base_id": str(world["base"]),
        "form": "lease",
        "starts_on": "2020-01-01",
        "ends_on": "2029-12-31",
        "signed_on": "2019-12-20",
        "document_no": "赵脑村租〔2019〕3号",
        "guaranteed_percent": "8",
        "profit_percent": "",
        "method": "weighted",
        "public_percent": "10",
        "households": f"{_registry(world, 0)} 2\n{_registry(world, 1)} 1\n{_registry(world, 2)} 1",
    }
    before = await counts()
    for change, said in (
        ({"households": f"{_registry(world, 0)} 2\n{_registry(world, 1)}"}, "第 2 行：请在户编号后填写该户的权重"),
        ({"households": f"{_registry(world, 0)} -1"}, "第 1 行：权重须为大于 0 的数"),
        ({"guaranteed_percent": "108"}, "保底收益率：须为 0 到 100 之间的百分数"),
        ({"public_percent": "abc"}, "公益性提留比例：须为 0 到 100 之间的百分数"),
        ({"method": "equal"}, "第 1 行：只有按约定权重分配时才填写权重"),
        (
            {"households": f"{_registry(world, 0)} 1\n4290059999999 1"},
            "本资产所在县（市）没有户编号为 4290059999999 的农户",
        ),
        ({"base_id": "999999"}, "999999"),
    ):
        r = await web.post(f"{path}/agreements", data={**agreement, **change})
        assert said in await _refused(web, r), change
    assert await counts() == before
    r = await web.post(f"{path}/agreements", data=agreement)
    page = await _after(web, r)
    assert "已与" in _notes(page)[0] and "名单共 3 户" in _notes(page)[0]
    agreement_id = (await fetch("SELECT id FROM asset_agreement WHERE asset = $1", asset["id"]))[0]["id"]
    card = page.split(f'id="agreement-{agreement_id}"')[1]
    assert "租赁" in card and "8%" in card and "¥32,000.00" in card and "按约定权重" in card and "10%" in card
    assert f"{_registry(world, 0)} (权重 2)" in card
    overlapping = await web.post(f"{path}/agreements", data=agreement)
    assert OVERLAP.format(agreement=agreement_id) in await _refused(web, overlapping)

    # income: refused outside the term, then recorded; a resend is the first record
    income = {
        "_csrf_token": csrf,
        "agreement_id": str(agreement_id),
        "received_on": "2021-01-15",
        "period_year": "2020",
        "amount": "32000.01",
        "reference": "HD-2020",
    }
    before = await counts()
    for change, said in (
        ({"period_year": "2019"}, "协议期限为 2020-01-01 至 2029-12-31"),
        ({"amount": "0"}, "金额：须为大于 0 的金额"),
        ({"reference": " "}, "凭证号：必填"),
        ({"received_on": "2099-01-01"}, "收到日期："),
    ):
        r = await web.post(f"{path}/income", data={**income, **change})
        assert said in await _refused(web, r), change
    assert await counts() == before
    r = await web.post(f"{path}/income", data=income)
    assert re.search(r"#income-\d+$", r.headers["location"])  # back at the income recorded
    page = await _after(web, r)
    assert _notes(page) == ["已登记收益 32000.01 元。"]
    resend = await _after(web, await web.post(f"{path}/income", data=income))
    assert _notes(resend) == ["该笔收益已登记过（凭证号 HD-2020）。"]
    assert (await counts())["asset_income"] == before["asset_income"] + 1
    income_id = (await fetch("SELECT id FROM asset_income"))[0]["id"]
    assert 'class="primary distribute-button"' in page

    # the distribution: refused before the day received, then made; its parts explained in Chinese
    before = await counts()
    r = await web.post(
        f"{path}/distribution", data={"_csrf_token": csrf, "income_id": str(income_id), "paid_on": "2021-01-10"}
    )
    assert "该收益于 2021-01-15 收到" in await _refused(web, r)
    assert await counts() == before
    r = await web.post(
        f"{path}/distribution",
        data={"_csrf_token": csrf, "income_id": str(income_id), "paid_on": "2021-01-20", "method": "bank"},
    )
    assert r.headers["location"].startswith(f"{path}?income={income_id}&msg=")
    page = await _after(web, r)
    # 32000.01: 10 % kept (3200.00), 28800.01 by weights 2:1:1 -> 14400.00, 7200.00, 7200.00 and 1 fen left over
    assert _notes(page) == ["已分配：28800.01 发放至 3 户，公益性提留 3200.00。"]
    parts = page.split('id="parts"')[1]
    whole = parts.split('id="whole-lines"')[1].split("</ol>")[0]
    assert "32000.01" in whole and "按约定权重" in whole and "received" not in whole
    shares = parts.split('id="shares"')[1].split("</table>")[0]
    rows = re.findall(r"<tr class=\"\">(.*?)</tr>", shares, re.S)
    assert len(rows) == 3
    assert _registry(world, 0) in rows[0] and "¥14,400.01" in rows[0] and "¥7,200.00" in rows[1]
    assert "在册贫困户" in rows[0]
    assert "舍去到分" in rows[0] and "rounded down" not in shares
    payouts = await fetch("SELECT amount FROM payout WHERE income_type = 'asset_income' ORDER BY amount DESC")
    assert [p["amount"] for p in payouts] == [Decimal("14400.01"), Decimal("7200.00"), Decimal("7200.00")]
    # distributed: the button is gone, a link to the parts stands in its place; a second one is refused
    assert "distribute-button" not in page and f'href="{path}?income={income_id}#income-{income_id}"' in page
    before = await counts()
    again = await web.post(
        f"{path}/distribution", data={"_csrf_token": csrf, "income_id": str(income_id), "paid_on": "2021-02-01"}
    )
    assert f"收益 {income_id} 已分配" in await _refused(web, again)
    assert await counts() == before

    # the same parts in English after switching
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": path})
    english = (await web.get(f"{path}?income={income_id}")).text.split('id="shares"')[1]
    assert "rounded down to the fen: 14400.00" in english and "舍去到分" not in english


async def test_a_household_that_left_the_register_is_shown_excluded_with_its_reason(web, client, world):
    """The parts of a household removed from the register read 0.00 with the reason, in Chinese."""
    asset = await make_asset(client, world)
    agreement = await sign(client, world, asset["id"], method="equal", public_share="0")
    gone = world["households"][2]["id"]
    r = await step(client, world["officer"], gone, "removed", reason="wrongly_included", note="错评")
    assert r.status_code == 200, r.text
    income = (await receive(client, world, agreement["id"], "1000.00")).json()
    csrf = await sign_in(web, token(world["finance"]))
    path = f"/console/assets/{asset['id']}"
    r = await web.post(
        f"{path}/distribution", data={"_csrf_token": csrf, "income_id": str(income["id"]), "paid_on": "2021-01-20"}
    )
    page = await _after(web, r)
    shares = page.split('id="shares"')[1].split("</table>")[0]
    excluded = re.search(r'<tr class="excluded">(.*?)</tr>', shares, re.S).group(1)
    assert _registry(world, 2) in excluded and "¥0.00" in excluded
    assert '<td data-label="身份">已清退</td>' in excluded  # its standing in words, and why in its line
    assert "<li>不参与分配(已清退)→ 0.00</li>" in excluded
    assert len(re.findall(r'<tr class="">', shares)) == 2 and shares.count("¥500.00") == 2


# ---- the chart ---------------------------------------------------------------------------------------------


async def test_the_income_chart_sums_income_by_industry_and_year_received(web, client, world):
    store = await make_asset(client, world)
    plant = await make_asset(client, world, name="赵脑村半夏烘干线", kind="processing", industry="pinellia")
    first = await sign(client, world, store["id"])
    second = await sign(client, world, plant["id"], guaranteed_rate=None, yearly_rent="5000.00")
    assert (await receive(client, world, first["id"], "32000.00", "A-2020")).status_code == 201
    assert (
        await receive(client, world, first["id"], "16000.00", "A-2021", received_on="2022-01-10", period_year=2021)
    ).status_code == 201
    assert (
        await receive(client, world, second["id"], "5000.00", "B-2020", received_on="2021-03-01")
    ).status_code == 201
    income = (await fetch("SELECT id FROM asset_income WHERE reference = 'A-2020'"))[0]["id"]
    r = await client.post(
        f"/api/v1/asset-income/{income}/distribution", json={"paid_on": "2021-01-20"}, headers=world["finance"]
    )
    assert r.status_code == 201, r.text
    await sign_in(web, token(world["auditor"]))
    register = (await web.get("/console/assets?kind=storage")).text
    assert 'href="/console/assets/income?kind=storage"' in register
    page = (await web.get("/console/assets/income")).text
    assert "资产收益（按产业、年度）" in page and "<svg" in page.split('id="income-chart"')[1]
    table = page.split('id="income-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert re.findall(r'<th class="num">(\d{4})</th>', rows[0]) == ["2021", "2022"]
    crayfish = next(r for r in rows if "虾稻" in r)
    pinellia = next(r for r in rows if "半夏" in r)
    # 2021: 32,000.00 received, 28,800.00 of it to households (10 % kept); 2022: 16,000.00 not distributed
    assert re.findall(r"¥[\d,.]+", crayfish) == ["¥32,000.00", "¥28,800.00", "¥16,000.00", "¥0.00"]
    assert re.findall(r"¥[\d,.]+", pinellia) == ["¥5,000.00", "¥0.00"]
    assert re.findall(r"¥[\d,.]+", rows[-1]) == ["¥37,000.00", "¥28,800.00", "¥16,000.00", "¥0.00"]
    # the register's filters narrow the chart too
    only = (await web.get("/console/assets/income?industry=pinellia")).text
    assert "虾稻" not in only.split('id="income-table"')[1] and "¥5,000.00" in only
    none = (await web.get("/console/assets/income?status=idle")).text
    assert 'id="no-income"' in none and "<svg" not in none
