"""Asset supervision in headless Chromium (issue 15): the county's finance opens the flags from the navigation,
narrows them to one kind, then attaches a photo to an asset as evidence and downloads it back."""

from __future__ import annotations

import os

import httpx

from app.demo import load_demo
from bench.common import server_process
from tests.api.test_asset_evidence import PNG
from tests.browser.conftest import SCREENSHOTS
from tests.db import fetch


async def _demo_assets(base: str, admin: dict[str, str]) -> tuple[int, int]:
    """Two assets of the demo's first base's village: one run by the base's enterprise since 2020 that brought
    no income (owed its rent, idle), one with no agreement (idle); their ids."""
    found = (await fetch("SELECT id, village, enterprise FROM base ORDER BY id LIMIT 1"))[0]
    households = await fetch(
        "SELECT id FROM household WHERE village = $1 AND status IN ('registered', 'exited') ORDER BY id LIMIT 3",
        found["village"],
    )
    async with httpx.AsyncClient(base_url=base, headers=admin) as api:
        ids = []
        for name, completed in (("示范冷库", "2019-06-30"), ("示范烘干房", "2021-09-30")):
            r = await api.post(
                "/api/v1/assets",
                json={
                    "name": name,
                    "asset_class": "operating",
                    "kind": "storage",
                    "village_id": found["village"],
                    "status": "in_use",
                    "completed_on": completed,
                    "book_value": "400000.00",
                    "base_id": found["id"],
                    "industry": "crayfish_rice",
                    "funding": [{"source": "central", "year": 2019, "amount": "400000.00"}],
                },
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        r = await api.post(
            f"/api/v1/assets/{ids[0]}/agreements",
            json={
                "operator_id": found["enterprise"],
                "form": "lease",
                "starts_on": "2020-01-01",
                "signed_on": "2019-12-20",
                "guaranteed_rate": "0.08",
                "method": "equal",
                "households": [{"household_id": h["id"]} for h in households],
            },
        )
        assert r.status_code == 201, r.text
    return ids[0], ids[1]


async def test_finance_reads_the_flags_and_attaches_evidence(browser, database_url, tmp_path):
    tokens = (await load_demo()).tokens
    with server_process(database_url) as (base, _):
        run, _ = await _demo_assets(base, {"Authorization": f"Bearer {tokens['admin']}"})
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")).new_page()
        await page.goto(f"{base}/console/sign-in")
        await page.fill("input[name=token]", tokens["finance"])
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{base}/console")
        await page.click("nav a[href='/console/assets/flags']")
        await page.wait_for_selector("#flags")
        assert (await page.inner_text("h1")).startswith("资产监管 · ")
        kinds = await page.locator("#flags tr td:nth-child(3)").all_inner_texts()
        assert {"闲置", "收益不足"} <= set(kinds)
        # the demo's own assets have flags too: the idle ones hold ours (no agreement: idle since built)
        await page.goto(f"{base}/console/assets/flags?kind=idle")
        await page.wait_for_selector("#flags")
        assert "示范烘干房" in await page.inner_text("#flags")
        await page.goto(f"{base}/console/assets/flags")
        await page.wait_for_selector("#flags")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"the flags scroll sideways ({width}px)"
        await page.screenshot(path=os.path.join(SCREENSHOTS, "asset-flags.png"), full_page=True)
        await page.select_option("select[name=kind]", "arrears")
        await page.click("form.filters button")
        await page.wait_for_url("**/console/assets/flags?kind=arrears*")
        assert set(await page.locator("#flags tr td:nth-child(3)").all_inner_texts()) == {"收益不足"}

        photo = tmp_path / "冷库外景.png"
        photo.write_bytes(PNG)
        await page.goto(f"{base}/console/assets/{run}/evidence")
        await page.set_input_files("#upload input[name=file]", str(photo))
        await page.fill("#upload input[name=title]", "冷库外景")
        await page.click("#upload button")
        await page.wait_for_selector(".msg")
        assert "冷库外景" in await page.inner_text("#evidence")
        await page.screenshot(path=os.path.join(SCREENSHOTS, "asset-evidence.png"), full_page=True)
        async with page.expect_download() as download:
            await page.click("#evidence a:has-text('冷库外景')")
        got = await download.value
        assert got.suggested_filename.endswith(".png")
        assert (await got.path()).read_bytes() == PNG
