"""The console's asset supervision pages: the county's flags with their filters and the decision on a household
that left (/console/assets/flags), an asset's evidence with its upload form, downloads and removal
(/console/assets/{id}/evidence); in Chinese and in English; who may open them."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.api.test_asset_evidence import JPEG
from tests.api.test_assets import make_asset, sign
from tests.api.test_console import sign_in
from tests.api.test_console_imports import token
from tests.db import fetch
from tests.registry_helpers import step
from tests.world import build_world


@pytest.fixture
async def web(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


@pytest.fixture
async def world(client, admin, auth) -> dict[str, Any]:
    w = await build_world(client, admin, auth, households=3)
    w = {**w, "admin": admin, "finance": await auth("finance", name="市财政局"), "auditor": await auth("auditor")}
    w["idle"] = await make_asset(client, w)  # in use since 2019-06-30, no agreement: idle
    w["run"] = await make_asset(client, w, name="烘干房")
    w["agreement"] = await sign(client, w, w["run"]["id"])
    return w


def cells(html: str, table: str) -> list[str]:
    body = re.search(rf'<table[^>]*id="{table}"[^>]*>(.*?)</table>', html, re.S)
    assert body, table
    rows = re.findall(r"<tr(?: class=\"[^\"]*\")?>(.*?)</tr>", body.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


async def test_the_county_s_flags_with_their_filters_in_chinese_and_english(web, world):
    csrf = await sign_in(web, token(world["finance"]))
    assert '<a href="/console/assets/flags">资产监管</a>' in (await web.get("/console")).text
    page = await web.get("/console/assets/flags?as_of=2024-06-30")
    assert page.status_code == 200, page.text
    text = page.text
    assert "资产监管 · 2024-06-30" in text
    rows = cells(text, "flags")
    idle = next(r for r in rows if "赵脑村虾稻冷库" in r)
    assert "闲置" in idle and "无有效经营协议" in idle and "2019-06-30" in idle
    arrears = [r for r in rows if "收益不足" in r]
    # the dried-goods plant's 8 % of 400,000.00 unpaid for 2020 to 2023
    assert len(arrears) == 4 and "2020 年：约定 ¥32,000.00，已收 ¥0.00，短缺 ¥32,000.00" in " ".join(arrears)
    assert f'href="/console/assets/{world["idle"]["id"]}"' in text
    # one kind; a bad kind is the console's error page naming it
    only = await web.get("/console/assets/flags?as_of=2024-06-30&kind=idle")
    assert [r for r in cells(only.text, "flags")[1:] if "收益不足" in r] == []
    assert len(cells(only.text, "flags")) == 1 + 2  # the heading; both assets idle (the plant: no income)
    bad = await web.get("/console/assets/flags?kind=lost")
    assert bad.status_code == 400 and "kind" in bad.text
    bad = await web.get("/console/assets/flags?region=4x")
    assert bad.status_code == 400 and "region" in bad.text
    bad = await web.get("/console/assets/flags?as_of=2024-13-01")
    assert bad.status_code == 400 and "as_of" in bad.text
    # the filter's empty fields (a date left empty is sent as "") are the defaults: today, every region and kind
    assert (await web.get("/console/assets/flags?kind=&as_of=&region=")).status_code == 200
    # in English
    switched = await web.post(
        "/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": "/console/assets/flags"}
    )
    assert switched.status_code == 303
    english = (await web.get("/console/assets/flags?as_of=2024-06-30&kind=idle")).text
    assert "Asset supervision · 2024-06-30" in english and "no agreement in force" in english
    assert "no income for the months allowed" in english


async def test_a_household_that_left_is_decided_on_from_the_flags_page(web, client, world):
    h2 = world["households"][1]
    assert (await step(client, world["officer"], h2["id"], "removed", reason="moved_away")).status_code == 200
    csrf = await sign_in(web, token(world["finance"]))
    page = (await web.get("/console/assets/flags?kind=household_left")).text
    row = cells(page, "flags")[1]
    assert h2["registry_no"] in row and "分配户已不在册" in row and "已清退" in row
    assert 'action="/console/assets/flags/decision"' in page
    r = await web.post(
        "/console/assets/flags/decision",
        data={
            "_csrf_token": csrf,
            "agreement_id": str(world["agreement"]["id"]),
            "household_id": str(h2["id"]),
            "decision": "keep",
            "reason": "外出务工，保留",
        },
    )
    assert r.status_code == 303 and "msg=" in r.headers["location"], r.headers
    after = (await web.get(r.headers["location"])).text
    assert "当日没有监管提示" in after
    assert (await fetch("SELECT decision, reason FROM asset_beneficiary_decision"))[0]["reason"] == "外出务工，保留"
    # a second decision has nothing to decide: said on the page, nothing written
    r = await web.post(
        "/console/assets/flags/decision",
        data={
            "_csrf_token": csrf,
            "agreement_id": str(world["agreement"]["id"]),
            "household_id": str(h2["id"]),
            "decision": "remove",
            "reason": "x",
        },
    )
    assert r.status_code == 303 and "err=" in r.headers["location"]
    assert "无需决定" in (await web.get(r.headers["location"])).text
    assert len(await fetch("SELECT 1 FROM asset_beneficiary_decision")) == 1


async def test_an_asset_s_evidence_uploaded_downloaded_and_removed_in_the_console(web, world):
    csrf = await sign_in(web, token(world["finance"]))
    url = f"/console/assets/{world['idle']['id']}/evidence"
    page = await web.get(url)
    assert page.status_code == 200 and "佐证材料" in page.text and "尚未上传佐证材料" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    r = await web.post(
        url, data={"_csrf_token": csrf, "title": "冷库外景"}, files={"file": ("冷库.jpg", JPEG, "image/jpeg")}
    )
    assert r.status_code == 303 and "msg=" in r.headers["location"], r.text
    listed = (await web.get(r.headers["location"])).text
    assert "冷库外景" in listed and "JPEG 图片" in listed
    evidence_id = (await fetch("SELECT id FROM asset_evidence"))[0]["id"]
    got = await web.get(f"{url}/{evidence_id}/file")
    assert got.status_code == 200 and got.content == JPEG and got.headers["content-type"] == "image/jpeg"
    assert got.headers["content-disposition"].startswith(f'attachment; filename="evidence-{evidence_id}.jpg"')
    # another asset's path does not reach it
    assert (await web.get(f"/console/assets/{world['run']['id']}/evidence/{evidence_id}/file")).status_code == 404
    # a file that is not what it says: refused, said in Chinese, nothing kept
    r = await web.post(
        url, data={"_csrf_token": csrf}, files={"file": ("x.jpg", b"GIF89a" + b"\x00" * 20, "image/jpeg")}
    )
    assert r.status_code == 303 and "err=" in r.headers["location"]
    refused = (await web.get(r.headers["location"])).text
    assert "不是 JPEG 或 PNG 图片、PDF、.xlsx 或 .docx 文件（按文件头判断）" in refused
    r = await web.post(url, data={"_csrf_token": csrf})
    assert r.status_code == 303 and "请选择要上传的照片或文件" in (await web.get(r.headers["location"])).text
    assert len(await fetch("SELECT 1 FROM asset_evidence")) == 1
    # removed: stays listed, crossed out, its file no longer served
    r = await web.post(f"{url}/{evidence_id}/remove", data={"_csrf_token": csrf, "reason": "拍错了"})
    assert r.status_code == 303 and "msg=" in r.headers["location"]
    listed = (await web.get(url)).text
    assert "已于" in listed and "拍错了" in listed
    assert (await web.get(f"{url}/{evidence_id}/file")).status_code == 404


async def test_who_opens_the_supervision_pages(web, world):
    url = f"/console/assets/{world['idle']['id']}/evidence"
    # an auditor and a town officer read the flags and the evidence; they attach nothing
    for headers in (world["auditor"], world["officer"]):
        web.cookies.clear()
        await sign_in(web, token(headers))
        assert (await web.get("/console/assets/flags")).status_code == 200
        page = await web.get(url)
        assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.text
    # an operator: no flags page; the evidence of an asset it does not run: refused
    web.cookies.clear()
    await sign_in(web, token(world["operator"]))
    assert 'href="/console/assets/flags"' not in (await web.get("/console")).text
    assert (await web.get("/console/assets/flags")).status_code == 403
    assert (await web.get(url)).status_code == 403
    assert (await web.get(f"/console/assets/{world['run']['id']}/evidence")).status_code == 200
