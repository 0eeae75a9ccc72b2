"""The console in headless Chromium against a running server: what finance staff and operators do."""

from __future__ import annotations

import os

from app.demo import load_demo
from bench.common import server_process
from tests.browser.conftest import SCREENSHOTS
from tests.db import fetch


async def _signed_in(browser, base: str, token: str):
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")).new_page()
    await page.goto(f"{base}/console/sign-in")
    await page.fill("input[name=token]", token)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/console")
    return page


async def _shot(page, name: str) -> None:
    await page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


async def _no_horizontal_scroll(page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{page.url} scrolls sideways ({width}px)"


async def test_finance_approves_a_claim_and_prints_the_voucher(browser, database_url, tmp_path):
    tokens = (await load_demo()).tokens
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, tokens["finance"])
        await _no_horizontal_scroll(page)
        await _shot(page, "overview")
        await page.goto(f"{base}/console/schemes")
        await _shot(page, "schemes")
        await page.goto(f"{base}/console/claims?status=verified")
        await _no_horizontal_scroll(page)
        await _shot(page, "claim-queue")
        await page.click("table a[href^='/console/claims/']")
        assert "计算过程" in await page.content()
        await page.click("#approve")
        await page.wait_for_selector(".msg")
        message = await page.inner_text(".msg")
        assert message.startswith("BT2017-")
        await _shot(page, "claim-approved")
        number = message.split()[0]
        await page.click(f"a[href='/console/vouchers/{number}/print']")
        await page.wait_for_selector("svg rect")
        body = await page.inner_text("body")
        assert number in body and "元" in body and "¥" in body
        await _shot(page, "voucher")
        pdf = tmp_path / "voucher.pdf"
        await page.pdf(path=str(pdf), format="A4")  # what the print button sends to the printer
        assert pdf.stat().st_size > 5_000
        await page.goto(f"{base}/console/payment-batches")
        await _shot(page, "payment-batches")
        status = await fetch("SELECT status FROM voucher WHERE number = $1", number)
        assert status[0]["status"] == "issued"


async def test_operator_upload_with_a_bad_row_writes_nothing_and_finance_pages_are_refused(
    browser, database_url, tmp_path
):
    tokens = (await load_demo()).tokens
    link = (
        await fetch(
            "SELECT h.registry_no, b.name AS base FROM link l JOIN household h ON h.id = l.household"
            " JOIN base b ON b.id = l.base WHERE l.enterprise = 1 AND l.kind = 'cooperation' ORDER BY l.id LIMIT 1"
        )
    )[0]
    csv_file = tmp_path / "收益.csv"
    csv_file.write_text(
        "registry_no,base,kind,amount,period_from,period_to,paid_on,method,reference\n"
        f"{link['registry_no']},{link['base']},cooperation,1800.00,2018-01-01,2018-01-31,2018-02-01,bank,B-1\n"
        f"{link['registry_no']},{link['base']},cooperation,一千八,2018-02-01,2018-02-28,2018-03-01,bank,B-2\n",
        encoding="utf-8-sig",
    )
    before = (await fetch("SELECT count(*) AS n FROM payout"))[0]["n"]
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, tokens["operator"])
        await page.goto(f"{base}/console/payouts/upload")
        await page.set_input_files("#csv", str(csv_file))
        await page.click("#check")
        await page.wait_for_selector("#problems")
        rows = await page.inner_text("#problems")
        assert "3" in rows and "amount" in rows
        assert "未写入任何数据" in await page.inner_text("#result")
        assert await page.locator("#confirm").count() == 0
        await _shot(page, "operator-upload")
        assert (await fetch("SELECT count(*) AS n FROM payout"))[0]["n"] == before

        response = await page.goto(f"{base}/console/payment-batches")
        assert response.status == 403
        assert "无权访问" in await page.content()
        await _shot(page, "refused")
        await page.goto(f"{base}/console/links")
        await _shot(page, "operator-links")

        auditor = await _signed_in(browser, base, tokens["auditor"])
        await auditor.goto(f"{base}/console/audit?check=true")
        await _shot(auditor, "audit")
        await auditor.goto(f"{base}/console/anomalies?year=2017")
        await _no_horizontal_scroll(auditor)
        await _shot(auditor, "anomalies")
        officer = await _signed_in(browser, base, tokens["town_officer"])
        await officer.goto(f"{base}/console/households")
        await officer.click("table a[href^='/console/households/']")
        await _shot(officer, "household")


async def test_pages_work_under_their_csp_and_the_docs_load_nothing_from_outside(browser, database_url):
    """Every kind of HTML page in a real browser: no script or style refused by the page's CSP, and the
    API docs (Scalar, Swagger UI) render from this server's own assets, with no request elsewhere."""
    tokens = (await load_demo()).tokens
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, tokens["finance"])
        refused: list[str] = []
        elsewhere: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("request", lambda r: None if r.url.startswith((base, "data:")) else elsewhere.append(r.url))
        await page.goto(f"{base}/console/claims")
        await page.goto(f"{base}/console/vouchers/BT2017-000001/print")
        await page.evaluate("window.print = () => { window.printed = true; }")
        await page.click("#print")
        assert await page.evaluate("window.printed === true")  # the button's script ran, from /static
        await page.goto(f"{base}/schema")
        await page.wait_for_selector("text=ChainAid")
        await page.wait_for_selector("text=households")
        await page.goto(f"{base}/schema/swagger")
        await page.wait_for_selector(".swagger-ui .opblock")
        assert refused == [] and elsewhere == []


async def test_a_town_officer_imports_households_a_file_with_problems_writes_nothing_a_good_one_finishes(
    browser, database_url, tmp_path
):
    """Issue 13: the places go in first (an admin), then a town officer uploads a households file with problems,
    sees them as a table and nothing written, and uploads a good file and watches it run to its end."""
    from tests.api.conftest import make_token
    from tests.api.imports_support import xlsx_of
    from tests.api.test_imports import TOWNS, VILLAGES, household, members

    places = tmp_path / "区划.xlsx"
    places.write_bytes(await xlsx_of("regions", {"towns": TOWNS, "villages": VILLAGES}))
    bad_rows = [household(1), household(2, attribute="rich"), household(3, village_code="429005999999")]
    bad = tmp_path / "贫困户-有错.xlsx"
    bad.write_bytes(await xlsx_of("households", {"households": bad_rows, "members": members(1) + members(2)}))
    count = 300
    good = tmp_path / "贫困户.xlsx"
    good.write_bytes(
        await xlsx_of(
            "households",
            {
                "households": [household(i) for i in range(1, count + 1)],
                "members": [m for i in range(1, count + 1) for m in members(i)],
            },
        )
    )
    admin = (await make_token("admin", name="县扶贫办管理员"))["Authorization"].split()[1]
    with server_process(database_url) as (base, _):
        page = await _signed_in(browser, base, admin)
        await page.click("nav a[href='/console/imports']")
        await page.select_option("#kind", "regions")
        await page.set_input_files("#file", str(places))
        await page.click("#start")
        await page.wait_for_selector("#state[data-state=imported]")

        town = (await fetch("SELECT id FROM town WHERE code = '429005101'"))[0]["id"]
        officer_token = await make_token("town_officer", town_id=town, name="园林街道扶贫专干")
        officer = await _signed_in(browser, base, officer_token["Authorization"].split()[1])
        await officer.click("nav a[href='/console/imports']")
        assert await officer.locator("#kind option").all_inner_texts() == ["贫困户"]
        await officer.set_input_files("#file", str(bad))
        await officer.click("#start")
        await officer.wait_for_selector("#state[data-state=refused]")
        assert "文件中有 2 个问题，未写入任何数据。" in await officer.inner_text("#outcome")
        rows = await officer.locator("#problems tr").all_inner_texts()
        assert len(rows) == 3 and "贫困户属性" in rows[1] and "不在可选项中" in rows[1]
        assert "没有代码为 429005999999 的村" in rows[2]
        await _no_horizontal_scroll(officer)
        await _shot(officer, "import-problems")
        async with officer.expect_download() as download:
            await officer.click("#problems-xlsx")
        assert (await download.value).suggested_filename.endswith("-problems.xlsx")
        # nothing was written: the town's register is as empty as before
        await officer.goto(f"{base}/console/households")
        assert "贫困户 (0)" in await officer.inner_text("h1")
        assert (await fetch("SELECT count(*) AS n FROM household"))[0]["n"] == 0

        await officer.goto(f"{base}/console/imports")
        await officer.set_input_files("#file", str(good))
        await officer.click("#start")
        await officer.wait_for_selector("#state[data-state]")
        await officer.wait_for_selector("#state[data-state=imported]", timeout=60_000)
        assert "已导入" in await officer.inner_text("#state")
        counted = await officer.locator("#counts td.num").all_inner_texts()
        assert counted == [str(count), "0", str(2 * count), "0"]
        await _shot(officer, "import-done")
        await officer.goto(f"{base}/console/households")
        assert f"贫困户 ({count})" in await officer.inner_text("h1")
        await officer.goto(f"{base}/console/imports")
        states = await officer.locator("#jobs tr td:nth-child(4)").all_inner_texts()
        assert states == ["已导入", "有问题，未写入"]  # newest first
