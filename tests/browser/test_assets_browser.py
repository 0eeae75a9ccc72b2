"""Project assets in headless Chromium (issue 15, point 5): the demo county's finance officer opens the asset
register from the navigation, filters it, opens an asset, records the income its operator paid, distributes it
and reads each household's part explained in Chinese; the asset's page fits a phone (390 × 844) with no
sideways scrolling; the chart of asset income by industry and year.

The assets are registered over the API on the demo's villages, bases and registered households (three
industries, a few years of income each), so the register, the page and the chart have something to show."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import httpx

from app.demo import load_demo
from bench.common import server_process
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_monitoring_browser import PHONE, _all_within_reach, _fits, _shot

# (name, kind, industry, book value, yearly rent or None for 8 % of the funds, years of income received)
ASSETS = (
    ("虾稻产业冷链仓储中心", "storage", "crayfish_rice", "1200000.00", None, (2020, 2021, 2022, 2023, 2024)),
    ("潜半夏烘干加工线", "processing", "pinellia", "680000.00", "45000.00", (2021, 2022, 2023, 2024)),
    ("果蔬连栋大棚", "greenhouse", "vegetables", "360000.00", "24000.00", (2022, 2023, 2024)),
)


async def _demo_assets(client: httpx.AsyncClient, finance: dict[str, str]) -> dict[str, Any]:
    """Three assets on bases of the demo (one an industry), each with an agreement sharing its income among ten
    registered households of its village by members (10 % kept for public welfare), and a few years' income,
    the earlier years distributed. The first asset's income for its last year is left for the browser."""
    made: dict[str, Any] = {}
    for name, kind, industry, value, rent, years in ASSETS:
        bases = (await client.get("/api/v1/bases", params={"limit": 500}, headers=finance)).json()["items"]
        base = next(b for b in bases if b["industry"] == industry)
        registered = (
            await client.get(
                "/api/v1/households",
                params={"village_id": base["village_id"], "status": "registered", "limit": 200},
                headers=finance,
            )
        ).json()["items"]
        # households of two and of three, so that shares by members leave fen to hand out by remainder
        households = [h for h in registered if h["people"] == 2][:4]
        households += [h for h in registered if h["people"] != 2][: 10 - len(households)]
        assert len(households) == 10, (industry, len(registered))
        r = await client.post(
            "/api/v1/assets",
            json={
                "name": name,
                "asset_class": "operating",
                "kind": kind,
                "village_id": base["village_id"],
                "industry": industry,
                "base_id": base["id"],
                "status": "in_use",
                "completed_on": "2019-10-31",
                "book_value": value,
                "depreciation": "straight_line",
                "useful_life_years": 20,
                "funding": [
                    {"source": "central", "year": 2019, "amount": str(Decimal(value) * Decimal("0.75"))},
                    {"source": "county", "year": 2019, "amount": str(Decimal(value) * Decimal("0.25"))},
                ],
            },
            headers=finance,
        )
        assert r.status_code == 201, r.text
        asset = r.json()
        r = await client.post(
            f"/api/v1/assets/{asset['id']}/ownership",
            json={"owner_kind": "village_collective", "confirmed_on": "2019-12-01", "document_no": "潜资确〔2019〕8号"},
            headers=finance,
        )
        assert r.status_code == 201, r.text
        terms = {"yearly_rent": rent} if rent else {"guaranteed_rate": "0.08"}
        r = await client.post(
            f"/api/v1/assets/{asset['id']}/agreements",
            json={
                "operator_id": base["enterprise_id"],
                "form": "lease" if rent else "shares",
                "starts_on": "2020-01-01",
                "ends_on": "2029-12-31",
                "signed_on": "2019-12-15",
                "document_no": f"潜资协〔2019〕{asset['id']}号",
                "method": "by_members",
                "public_share": "0.1",
                "households": [{"household_id": h["id"]} for h in households],
                **terms,
            },
            headers=finance,
        )
        assert r.status_code == 201, r.text
        agreement = r.json()
        first = not made
        for year in years:
            if first and year == years[-1]:
                continue  # the browser records this one
            r = await client.post(
                f"/api/v1/asset-agreements/{agreement['id']}/income",
                json={
                    "received_on": f"{year + 1}-01-15",
                    "period_year": year,
                    "amount": agreement["promised_yearly"],
                    "reference": f"SK-{asset['id']}-{year}",
                },
                headers=finance,
            )
            assert r.status_code == 201, r.text
            r = await client.post(
                f"/api/v1/asset-income/{r.json()['id']}/distribution",
                json={"paid_on": f"{year + 1}-01-25"},
                headers=finance,
            )
            assert r.status_code == 201, r.text
        made.setdefault("first", {"asset": asset, "agreement": agreement, "year": years[-1]})
    return made["first"]


async def _signed_in(browser, base: str, token: str, *, phone: bool = False):
    if phone:
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    else:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(f"{base}/console/sign-in")
    await page.fill("input[name=token]", token)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/console")
    return page


async def test_finance_records_an_assets_income_distributes_it_and_reads_the_parts(browser, app, database_url):
    tokens = (await load_demo()).tokens
    finance = {"Authorization": f"Bearer {tokens['finance']}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainaid.test") as client:
        made = await _demo_assets(client, finance)
    asset, agreement, year = made["asset"], made["agreement"], made["year"]
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, tokens["finance"])
        await page.click("nav a[href='/console/assets']")
        await page.wait_for_selector("#assets")
        assert (await page.inner_text("h1")).startswith("项目资产")
        await page.select_option("#asset-filters select[name=asset_class]", "operating")
        await page.click("#asset-filters button")
        await page.wait_for_url("**/console/assets?*asset_class=operating*")
        names = await page.locator("#assets td:first-child a").all_inner_texts()
        assert {a[0] for a in ASSETS} <= set(names)
        assert "¥" in await page.inner_text("#totals")
        await _fits(page)
        await page.click("#register-form summary")  # the form that registers an asset, shown in the picture
        await _shot(page, "assets-register")

        await page.click(f"#assets a[href='/console/assets/{asset['id']}']")
        await page.wait_for_selector("#facts")
        assert await page.inner_text("h1") == asset["name"]
        card = f"#agreement-{agreement['id']}"
        assert "入股" in await page.inner_text(f"{card} h3")
        await page.click(f"{card} details.income-form summary")
        await page.fill(f"{card} input[name=received_on]", f"{year + 1}-01-15")
        await page.fill(f"{card} input[name=period_year]", str(year))
        assert await page.input_value(f"{card} input[name=amount]") == agreement["promised_yearly"]
        await page.fill(f"{card} input[name=reference]", f"SK-{asset['id']}-{year}")
        await page.click(f"{card} button.record-income")
        await page.wait_for_selector(".msg")
        assert f"已登记收益 {agreement['promised_yearly']} 元" in await page.inner_text(".msg")

        row = page.locator(f"{card} tr:has(button.distribute-button)")
        assert await row.count() == 1
        await row.locator("input[name=paid_on]").fill(f"{year + 1}-01-25")
        await row.locator("button.distribute-button").click()
        await page.wait_for_selector("#shares")
        said = await page.inner_text(".msg")
        assert said.startswith("已分配：") and "发放至 10 户" in said
        parts = [Decimal(re.sub(r"[¥,]", "", t)) for t in await page.locator("#shares td.part").all_inner_texts()]
        promised = Decimal(agreement["promised_yearly"])
        public = (promised * Decimal("0.1")).quantize(Decimal("0.01"))
        assert len(parts) == 10 and sum(parts) == promised - public and all(p > 0 for p in parts)
        lines = await page.inner_text("#shares")
        assert "舍去到分" in lines and "rounded" not in lines
        assert "按人口" in await page.inner_text("#whole-lines")
        await _fits(page)
        await _shot(page, "asset-page")

        phone = await _signed_in(browser, base, tokens["finance"], phone=True)
        income = re.search(r"[?&]income=(\d+)", page.url).group(1)
        await phone.goto(f"{base}/console/assets/{asset['id']}?income={income}")
        await phone.wait_for_selector("#shares")
        for opened in ("#ownership-form summary", "#agreement-form summary", f"{card} details.listed summary"):
            await phone.click(opened)
        await _fits(phone)
        await _all_within_reach(phone)

        await page.goto(f"{base}/console/assets")
        await page.click("#income-chart-link")
        await page.wait_for_selector("#income-chart svg")
        table = await page.inner_text("#income-table")
        assert "虾稻" in table and "半夏" in table and "果蔬" in table
        await _fits(page)
        await page.screenshot(path=os.path.join(SCREENSHOTS, "asset-income-chart.png"), full_page=True)
