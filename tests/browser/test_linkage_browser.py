"""联农带农 in headless Chromium: the county's auditor opens the operator ranking from the navigation, picks the
demo's year, and reads each county and industry's operators ranked, with the formula above them."""

from __future__ import annotations

import os

from app.demo import load_demo
from bench.common import server_process
from tests.browser.conftest import SCREENSHOTS


async def test_the_auditor_reads_the_operator_ranking(browser, database_url):
    tokens = (await load_demo()).tokens
    with server_process(database_url) as (base, _):
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")).new_page()
        await page.goto(f"{base}/console/sign-in")
        await page.fill("input[name=token]", tokens["auditor"])
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{base}/console")
        await page.click("nav a[href='/console/linkage']")
        await page.wait_for_selector("#formula")
        await page.fill("input[name=year]", "2017")
        await page.select_option("select[name=industry]", "crayfish_rice")
        await page.click("form.filters button")
        await page.wait_for_url("**/console/linkage?year=2017*")
        assert await page.inner_text("h1") == "联农带农排名 · 2017"
        assert "得分 = 40 × 带动户数" in await page.inner_text("#formula")
        headings = await page.locator("h2").all_inner_texts()
        assert headings and all(h.startswith("潜江市 · 虾稻") for h in headings)
        ranks = await page.locator("table.ranking tr td:first-child").all_inner_texts()
        assert ranks[0] == "1" and len(ranks) > 10
        assert ranks == sorted(ranks, key=int)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"the ranking scrolls sideways ({width}px)"
        await page.screenshot(path=os.path.join(SCREENSHOTS, "linkage-ranking.png"), full_page=True)
        async with page.expect_download() as download:
            await page.click("#download")
        assert (await download.value).suggested_filename == "linkage-evaluation-2017.xlsx"
