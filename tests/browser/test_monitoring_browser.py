"""Monitoring in headless Chromium (issue 14): a town officer on a phone (390 × 844) works the caseload, records
a case's next step and adds a measure without ever scrolling sideways; the county sees its overview on a day."""

from __future__ import annotations

import os

import httpx

from bench.common import server_process
from tests.api.conftest import make_token
from tests.api.test_console_monitoring import ago, monitoring_world
from tests.browser.conftest import SCREENSHOTS

PHONE = {"width": 390, "height": 844}
ORANGE = "rgb(196, 98, 0)"


async def _signed_in(browser, base: str, headers: dict[str, str], *, phone: bool = False):
    if phone:
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    else:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(f"{base}/console/sign-in")
    await page.fill("input[name=token]", headers["Authorization"].removeprefix("Bearer "))
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/console")
    return page


async def _shot(page, name: str) -> None:
    await page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


async def _fits(page) -> None:
    """No sideways scrolling: the page is no wider than the window."""
    wide, window = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= window, f"{page.url} scrolls sideways ({wide}px in {window}px)"


async def _within_reach(page, selector: str) -> None:
    """The control lies inside the window's width (a thumb reaches it by scrolling down only)."""
    box = await page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)


async def test_a_town_officer_works_the_caseload_on_a_phone(browser, app, database_url):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainaid.test") as client:
        admin = await make_token("admin", name="县乡村振兴局管理员")
        world = await monitoring_world(client, admin)
    officer = await make_token("town_officer", town_id=world["towns"]["yuanlin"], name="园林街道扶贫专干")
    soon = world["soon"]
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, officer, phone=True)
        await page.click("nav a[href='/console/monitoring']")
        await page.wait_for_selector("#due")
        assert await page.inner_text("h1") == "我的监测对象 (3)"
        due = await page.locator("#due li").all_inner_texts()
        assert len(due) == 3 and world["late"]["registry_no"] in due[0] and "逾期 17 天" in due[0]
        late_days = page.locator("#due li.late .late-days")
        assert await late_days.evaluate("e => getComputedStyle(e).color") == ORANGE
        await _fits(page)
        await _shot(page, "monitoring-caseload-phone")

        await page.click(f"#due a[href='/console/monitoring/cases/{soon['id']}']")
        await page.wait_for_selector("#step-form")
        await _fits(page)
        for control in ("#step-form input[name=on]", "#step-form input[name=by] >> nth=1", "#record-step"):
            await _within_reach(page, control)
        await page.fill("#step-form input[name=by] >> nth=0", "王明")
        await page.fill("#step-form input[name=by] >> nth=1", "李华")
        await page.fill("#step-form textarea[name=note]", "已填写信息采集表，收支情况已核实")
        await _shot(page, "monitoring-case-phone")
        await page.click("#record-step")
        await page.wait_for_selector(".msg")
        assert "已记录：入户调查。" in await page.inner_text(".msg")
        assert "王明、李华" in await page.inner_text("#steps")
        assert await page.input_value("#step-form input[name=step]") == "data_checked"
        await _fits(page)

        await _within_reach(page, "#add-measure")
        await page.select_option("#measure-form select[name=kind]", "medical_assistance")
        await page.fill("#measure-form input[name=officer]", "张伟")
        await page.fill("#measure-form input[name=amount]", "1200")
        await page.click("#add-measure")
        await page.wait_for_selector(".msg")
        assert "已添加帮扶措施：医疗救助。" in await page.inner_text(".msg")
        measures = await page.inner_text("#measures")
        assert "医疗救助" in measures and "张伟" in measures and "¥1,200.00" in measures
        await _fits(page)
        await page.click("text=返回我的监测对象")
        await page.wait_for_selector("#cases")
        await _fits(page)


async def test_the_county_overview_on_a_day(browser, app, database_url):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainaid.test") as client:
        admin = await make_token("admin", name="县乡村振兴局管理员")
        world = await monitoring_world(client, admin)
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, admin)
        await page.click("nav a[href='/console/monitoring/county']")
        await page.wait_for_selector("#overview")
        rows = await page.locator("#overview tr").all_inner_texts()
        assert any(r.startswith("园林街道") for r in rows) and rows[-1].startswith("全部区镇处")
        overdue = page.locator("#overview tr:has-text('园林街道') td.late")
        assert await overdue.inner_text() == "1"
        assert await overdue.evaluate("e => getComputedStyle(e).color") == ORANGE
        assert world["queued"]["registry_no"] in await page.inner_text("#queue")
        assert "逾期" in await page.inner_text("#late")
        await _fits(page)
        await page.fill("#as-of input[name=as_of]", ago(30))
        await page.click("#as-of button")
        await page.wait_for_url(f"**as_of={ago(30)}")
        assert "没有逾期的监测对象" in await page.inner_text("#late")


async def test_the_county_overview_of_the_demo(browser, database_url):
    """The demo's caseload on its last day (30 November 2025): every town, a few cases still overdue."""
    from app.demo import load_demo
    from app.demo.monitoring import DEMO_DAY

    tokens = (await load_demo()).tokens
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, {"Authorization": f"Bearer {tokens['admin']}"})
        await page.click("nav a[href='/console/monitoring/county']")
        await page.wait_for_selector("#overview")
        await page.fill("#as-of input[name=as_of]", DEMO_DAY.isoformat())
        await page.click("#as-of button")
        await page.wait_for_url(f"**as_of={DEMO_DAY.isoformat()}")
        rows = await page.locator("#overview tr").all_inner_texts()
        assert len(rows) > 10 and rows[-1].startswith("全部区镇处")
        late = page.locator("#overview td.late").first
        assert await late.evaluate("e => getComputedStyle(e).color") == ORANGE
        assert await page.locator("#late table tr").count() > 1
        await _fits(page)
        await _shot(page, "monitoring-overview")
