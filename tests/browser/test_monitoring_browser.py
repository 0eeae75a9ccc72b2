"""Monitoring in headless Chromium (issue 14): a town officer on a phone (390 × 844) works the caseload, records
a case's next step and adds a measure, records a round's visit and a risk-elimination home check, finds the
town's notices to print and verifies a subsidy claim, without ever scrolling sideways and with every action
(link, button, field) inside the window's width; the county sees its overview on a day."""

from __future__ import annotations

import os
from datetime import date, timedelta

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


async def _all_within_reach(page) -> None:
    """Every action the page shows (links, buttons, fields) lies inside the window's width: none is cut off or
    off to the side, so a thumb reaches each by scrolling down only."""
    found = await page.evaluate(
        """() => {
            const width = window.innerWidth, out = [];
            let shown = 0;
            for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
                const box = e.getBoundingClientRect();
                if ((box.width === 0 && box.height === 0) || getComputedStyle(e).visibility === 'hidden') continue;
                shown += 1;
                if (box.left < 0 || box.right > width + 0.5) out.push(e.outerHTML.slice(0, 100) + ` ${box.left}-${box.right}`);
            }
            return {shown, out};
        }"""
    )
    assert found["shown"] > 0, page.url
    assert found["out"] == [], (page.url, found["out"])


async def _phone_page_ok(page) -> None:
    await _fits(page)
    await _all_within_reach(page)


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
        await _phone_page_ok(page)
        await _shot(page, "monitoring-caseload-phone")

        await page.click(f"#due a[href='/console/monitoring/cases/{soon['id']}']")
        await page.wait_for_selector("#step-form")
        await _phone_page_ok(page)
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
        await _phone_page_ok(page)

        await _within_reach(page, "#add-measure")
        await page.select_option("#measure-form select[name=kind]", "medical_assistance")
        await page.fill("#measure-form input[name=officer]", "张伟")
        await page.fill("#measure-form input[name=amount]", "1200")
        await page.click("#add-measure")
        await page.wait_for_selector(".msg")
        assert "已添加帮扶措施：医疗救助。" in await page.inner_text(".msg")
        measures = await page.inner_text("#measures")
        assert "医疗救助" in measures and "张伟" in measures and "¥1,200.00" in measures
        await _phone_page_ok(page)
        await page.click("text=返回我的监测对象")
        await page.wait_for_selector("#cases")
        await _phone_page_ok(page)


async def test_a_town_officer_visits_checks_a_risk_and_prints_notices_on_a_phone(browser, app, database_url):
    """A round's visit, the town's notices and a risk-elimination home check (refused, then recorded), on a
    phone."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chainaid.test") as client:
        admin = await make_token("admin", name="县乡村振兴局管理员")
        world = await monitoring_world(client, admin)
        queued = world["queued"]
        approved = await client.post(
            f"/api/v1/monitoring-cases/{queued['id']}/steps",
            json={"step": "approved", "on": ago(3), "by": ["县乡村振兴局"]},
            headers=admin,
        )
        assert approved.status_code == 201, approved.text
        opened = await client.post(
            "/api/v1/monitoring-rounds",
            json={"county_code": "429005", "period": date.today().strftime("%Y-%m"), "started_on": ago(0)},
            headers=admin,
        )
        assert opened.status_code == 201, opened.text
        household = (await client.get("/api/v1/monitoring-cases", params={"state": "monitored"}, headers=admin)).json()
        household_id = household["items"][0]["household_id"]
        village = (await client.get(f"/api/v1/households/{household_id}", headers=admin)).json()["village_id"]
        notice = await client.post(
            "/api/v1/notices",
            json={
                "kind": "monitoring_intake",
                "village_id": village,
                "starts_on": ago(1),
                "ends_on": (date.today() + timedelta(days=3)).isoformat(),
                "entries": [{"household_id": household_id, "category": "unstable"}],
            },
            headers=admin,
        )
        assert notice.status_code == 201, notice.text
    officer = await make_token("town_officer", town_id=world["towns"]["yuanlin"], name="园林街道扶贫专干")
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, officer, phone=True)
        await page.click("nav a[href='/console/monitoring']")
        await page.click("#work-links a[href='/console/monitoring/rounds']")
        await page.wait_for_selector("#rounds")
        await _phone_page_ok(page)
        await page.click("#rounds a[href^='/console/monitoring/rounds/']")
        await page.wait_for_selector("#visit-form")
        await _phone_page_ok(page)
        await page.select_option("#visit-form select[name=case_id]", str(world["late"]["id"]))
        await page.fill("#visit-form input[name=by] >> nth=0", "王明")
        await page.fill("#visit-form input[name=income]", "7000")
        await page.fill("#visit-form textarea[name=note]", "儿子外出务工，收入增加")
        await _within_reach(page, "#record-visit")
        await page.click("#record-visit")
        await page.wait_for_selector(".msg")
        assert "已记录走访" in await page.inner_text(".msg")
        visits = await page.inner_text("#visits")
        assert world["late"]["registry_no"] in visits and "儿子外出务工" in visits and "¥7,000.00" in visits
        await _phone_page_ok(page)
        await _shot(page, "monitoring-rounds")

        await page.click("nav a[href='/console/notices']")
        await page.wait_for_selector("#notices")
        assert notice.json()["number"] in await page.inner_text("#notices")
        await _phone_page_ok(page)
        await _shot(page, "monitoring-notices-phone")
        await page.click(f"#notices a[href='/console/notices/{notice.json()['id']}/print']")
        await page.wait_for_selector("svg")
        assert "防止返贫监测对象纳入公示" in await page.inner_text("h1")

        await page.goto(f"{base}/console/monitoring/cases/{queued['id']}")
        await page.wait_for_selector("#elimination-form")
        await _phone_page_ok(page)
        await page.fill("#elimination-form input[name=by] >> nth=0", "王明")
        await page.fill("#elimination-form input[name=by] >> nth=1", "李华")
        await page.fill("#elimination-form input[name=months_above_line]", "4")
        for box in await page.locator("#elimination-form input[type=checkbox]").all():
            await box.check()
        await page.click("#begin-elimination")
        await page.wait_for_selector(".err")
        assert "未满 6 个月" in await page.inner_text(".err")
        await _phone_page_ok(page)
        await page.fill("#elimination-form input[name=by] >> nth=0", "王明")
        await page.fill("#elimination-form input[name=by] >> nth=1", "李华")
        await page.fill("#elimination-form input[name=months_above_line]", "8")
        for box in await page.locator("#elimination-form input[type=checkbox]").all():
            await box.check()
        await _shot(page, "monitoring-elimination-phone")
        await page.click("#begin-elimination")
        await page.wait_for_selector(".msg")
        assert "风险消除程序开始" in await page.inner_text(".msg")
        assert await page.input_value("#elimination-step-form input[name=step]") == "village_reviewed"
        await _phone_page_ok(page)


async def test_a_town_officer_verifies_a_claim_on_a_phone(browser, database_url):
    """The demo's town officer: the claims to verify and a claim's field verification, on a phone."""
    from app.demo import load_demo

    tokens = (await load_demo()).tokens
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, {"Authorization": f"Bearer {tokens['town_officer']}"}, phone=True)
        await _phone_page_ok(page)
        await page.click("nav a[href='/console/claims']")
        await page.wait_for_selector("#claims")
        await page.select_option("select[name=status]", "filed")
        await page.click(".filters button")
        await page.wait_for_url("**status=filed**")
        await _phone_page_ok(page)
        await page.click("#claims a[href^='/console/claims/']")
        await page.wait_for_selector("#verify-form")
        await _phone_page_ok(page)
        declared = await page.input_value("#verify-form input[name=verified_quantity]")
        await page.fill("#verify-form input[name=inspector]", "刘工")
        await page.fill("#verify-form input[name=note]", "实地丈量")
        await _shot(page, "monitoring-claims-phone")
        await page.click("#verify")
        await page.wait_for_selector(".msg")
        assert "已核实" in await page.inner_text(".msg")
        assert declared in await page.inner_text("table.claim")
        await _phone_page_ok(page)


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
