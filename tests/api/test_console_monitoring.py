"""The console's monitoring pages (issue 14): a town officer's caseload with what is due this week (overdue
first, with the days), a case's page whose forms record the next step and add a measure (behind the console's
CSRF check), and the county's pages (the overview on a day, the approval queue, overdue by town, the lines),
each for the roles that may see it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from app.core.uow import reading
from tests.api.imports_support import upload, xlsx_of
from tests.api.test_console import sign_in
from tests.api.test_console_imports import token
from tests.api.test_imports import household, members, places

TODAY = date.today()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
async def web(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


async def monitoring_world(client, admin) -> dict[str, dict[str, object]]:
    """Two towns, this year's line of 8,700 for Hubei, and four cases:
    ``late`` (园林街道) applied 20 days ago with no step since: its survey was due 17 days ago;
    ``soon`` (园林街道) applied yesterday: its survey is due in two days;
    ``queued`` (园林街道) through its town review: it awaits the county's approval, due today;
    ``elsewhere`` (杨市街道) applied 20 days ago, overdue too, in the other town."""
    await places(client, admin)
    exited = {"status": "exited", "exited_on": date(2019, 12, 10)}
    rows = [household(i, **exited) for i in (1, 2, 3)] + [household(4, village_code="429005102001", **exited)]
    book = await xlsx_of("households", {"households": rows, "members": [m for i in (1, 2, 3, 4) for m in members(i)]})
    assert (await upload(client, admin, "households", [("h.xlsx", book)])).status_code == 201
    line = await client.put(f"/api/v1/monitoring-lines/42/{TODAY.year}", json={"amount": "8700"}, headers=admin)
    assert line.status_code == 200, line.text
    async with reading() as db:
        ids = dict(await db.fetch("SELECT registry_no, id FROM household"))
        towns = dict(await db.fetch("SELECT code, id FROM town"))
    world: dict[str, dict[str, object]] = {}
    for name, i, applied in (("late", 1, 20), ("soon", 2, 1), ("queued", 3, 14), ("elsewhere", 4, 20)):
        registry_no = household(i)["registry_no"]
        body = {
            "household_id": ids[registry_no],
            "channel": "watch",
            "year": TODAY.year,
            "income": "6200",
            "consent": f"承诺授权书 {i}",
            "applied_on": ago(applied),
        }
        opened = await client.post("/api/v1/monitoring-cases", json=body, headers=admin)
        assert opened.status_code == 201, opened.text
        world[name] = {"id": opened.json()["id"], "registry_no": registry_no}
    queued = world["queued"]["id"]
    for step, days, by in (
        ("surveyed", 13, ["王明", "李华"]),
        ("data_checked", 12, ["县大数据中心"]),
        ("village_reviewed", 11, ["村民代表会议"]),
        ("noticed", 5, ["村委会"]),
        ("town_reviewed", 3, ["园林街道"]),
    ):
        r = await client.post(
            f"/api/v1/monitoring-cases/{queued}/steps", json={"step": step, "on": ago(days), "by": by}, headers=admin
        )
        assert r.status_code == 201, r.text
    world["towns"] = {"yuanlin": towns["429005101"], "yangshi": towns["429005102"]}
    return world


def _due_list(page: str) -> list[str]:
    block = re.search(r'<ul class="due" id="due">(.*?)</ul>', page, re.S)
    assert block, page[:2000]
    return re.findall(r'href="/console/monitoring/cases/\d+">(\d+)</a>', block.group(1))


async def test_a_town_officer_sees_the_town_caseload_due_this_week_overdue_first(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    await sign_in(web, token(officer))
    page = (await web.get("/console/monitoring")).text
    assert '<a href="/console/monitoring">我的监测对象</a>' in page
    assert "监测概况" not in page  # the county's pages are not the town's
    late, soon, queued = (world[k]["registry_no"] for k in ("late", "soon", "queued"))
    # overdue first (17 days), then by due day: the county approval due today, the survey due in two days
    assert _due_list(page) == [late, queued, soon]
    assert '<li class="late"' in page and "逾期 17 天" in page
    assert "下一环节：入户调查" in page and "下一环节：县级审批" in page
    assert world["elsewhere"]["registry_no"] not in page  # another town's case
    assert "我的监测对象 (3)" in page and "脱贫不稳定户" in page
    filtered = (await web.get("/console/monitoring?state=monitored")).text
    assert late not in filtered.split("全部监测对象")[1]
    other = await web.get(f"/console/monitoring/cases/{world['elsewhere']['id']}")
    assert other.status_code == 403
    assert (await web.get("/console/monitoring/county")).status_code == 403
    assert (await web.get("/console/monitoring/cases/999999")).status_code == 404
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": "/console/monitoring"})
    english = (await web.get("/console/monitoring")).text
    assert "My monitored households (3)" in english and "17 days overdue" in english
    assert "Next: home survey" in english and "Next: county approval" in english


async def test_the_officer_records_the_next_step_and_a_measure_through_the_forms(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    csrf = await sign_in(web, token(officer))
    case_id = world["soon"]["id"]
    path = f"/console/monitoring/cases/{case_id}"
    page = (await web.get(path)).text
    # the step is fixed to the next one; the survey wants two names
    assert 'name="step" value="surveyed"' in page and "入户调查须由两人以上进行" in page
    assert "成员2-0" in page and "园林街道" in page  # the head of the household, its town
    assert re.search(r"<b>农户申请</b>\S+ · 账号 \d+", page)  # opened by the admin's account
    one = await web.post(
        f"{path}/step", data={"_csrf_token": csrf, "step": "surveyed", "on": TODAY.isoformat(), "by": ["王明", ""]}
    )
    assert one.status_code == 303 and "err=" in one.headers["location"]
    refused = (await web.get(one.headers["location"])).text
    assert 'class="err"' in refused and "两人" in refused
    forged = await web.post(
        f"{path}/step", data={"_csrf_token": "forged", "step": "surveyed", "on": TODAY.isoformat(), "by": ["王", "李"]}
    )
    assert forged.status_code == 403
    async with reading() as db:
        assert await db.fetchval("SELECT step FROM monitoring_case WHERE id = $1", case_id) == "applied"
    two = await web.post(
        f"{path}/step",
        data={
            "_csrf_token": csrf,
            "step": "surveyed",
            "on": TODAY.isoformat(),
            "by": ["王明", "李华", ""],
            "note": "已填写信息采集表",
        },
    )
    assert two.status_code == 303 and "msg=" in two.headers["location"]
    after = (await web.get(two.headers["location"])).text
    assert "已记录：入户调查。" in after and "王明、李华" in after and "已填写信息采集表" in after
    assert 'name="step" value="data_checked"' in after
    for step, by in (("data_checked", "县大数据中心"), ("village_reviewed", "村民代表会议")):
        r = await web.post(f"{path}/step", data={"_csrf_token": csrf, "step": step, "on": TODAY.isoformat(), "by": by})
        assert r.status_code == 303 and "msg=" in r.headers["location"], step
    noticed = (await web.get(path)).text
    assert 'name="step" value="noticed"' in noticed and 'name="notice_id"' in noticed
    for cited in ({"notice_id": "999999"}, {}):  # no such notice; a paper notice of no days
        r = await web.post(
            f"{path}/step",
            data={"_csrf_token": csrf, "step": "noticed", "on": TODAY.isoformat(), "by": "村委会", **cited},
        )
        assert r.status_code == 303 and "err=" in r.headers["location"], cited
    async with reading() as db:
        assert await db.fetchval("SELECT step FROM monitoring_case WHERE id = $1", case_id) == "village_reviewed"
    measure = await web.post(
        f"{path}/measures",
        data={
            "_csrf_token": csrf,
            "kind": "medical_assistance",
            "start_on": TODAY.isoformat(),
            "officer": "张伟",
            "amount": "1200",
            "end_on": "",
            "note": "",
        },
    )
    assert measure.status_code == 303 and "msg=" in measure.headers["location"]
    shown = (await web.get(measure.headers["location"])).text
    assert "已添加帮扶措施：医疗救助。" in shown and "责任人：张伟" in shown and "¥1,200.00" in shown
    listed = await client.get(f"/api/v1/monitoring-cases/{case_id}/measures", headers=officer)
    assert [(m["kind"], m["officer"], m["amount"]) for m in listed.json()] == [
        ("medical_assistance", "张伟", "1200.00")
    ]
    bad = await web.post(
        f"{path}/measures", data={"_csrf_token": csrf, "kind": "dibao", "start_on": TODAY.isoformat(), "officer": ""}
    )
    assert bad.status_code == 303 and "err=" in bad.headers["location"]
    unknown = await web.post(f"{path}/measures", data={"_csrf_token": csrf, "kind": "gold", "start_on": "x"})
    assert unknown.status_code == 400
    assert len((await client.get(f"/api/v1/monitoring-cases/{case_id}/measures", headers=officer)).json()) == 1
    # the county approves: the officer's page says so and offers no form for it
    queued = (await web.get(f"/console/monitoring/cases/{world['queued']['id']}")).text
    assert "待县级审批" in queued and 'id="step-form"' not in queued


async def test_the_county_sees_the_overview_the_queue_and_overdue_by_town(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    csrf = await sign_in(web, token(admin))
    page = (await web.get("/console/monitoring/county")).text
    assert '<a href="/console/monitoring/county">监测概况</a>' in page
    overview = re.search(r'<table id="overview">(.*?)</table>', page, re.S).group(1)
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", overview, re.S)[1:]
        )
    }
    # unstable, marginal, sudden hardship, identifying, monitored, eliminated, overdue, taken in again, assisted
    assert rows["园林街道"] == ["3", "0", "0", "3", "0", "0", "1", "0", "0"]
    assert rows["杨市街道"] == ["1", "0", "0", "1", "0", "0", "1", "0", "0"]
    assert rows["全部区镇处"] == ["4", "0", "0", "4", "0", "0", "2", "0", "0"]
    queue = re.search(r'<table id="queue">(.*?)</table>', page, re.S).group(1)
    assert world["queued"]["registry_no"] in queue and world["late"]["registry_no"] not in queue
    late = page.split('id="late"')[1]
    assert "园林街道 (1)" in late and "杨市街道 (1)" in late and late.count(">17</td>") == 2
    # on a day before any case was opened there was nothing to see
    before = (await web.get(f"/console/monitoring/county?as_of={ago(30)}")).text
    assert "没有逾期的监测对象" in before and f'value="{ago(30)}"' in before
    # the admin approves the queued case from its page
    path = f"/console/monitoring/cases/{world['queued']['id']}"
    assert 'name="step" value="approved"' in (await web.get(path)).text
    done = await web.post(
        f"{path}/step", data={"_csrf_token": csrf, "step": "approved", "on": TODAY.isoformat(), "by": ["县乡村振兴局"]}
    )
    assert done.status_code == 303 and "msg=" in done.headers["location"]
    assert "监测中" in (await web.get(done.headers["location"])).text
    assert "暂无待审批的监测对象" in (await web.get("/console/monitoring/county")).text

    for role in ("finance", "auditor"):
        web.cookies.clear()
        await sign_in(web, token(await auth(role)))
        seen = await web.get("/console/monitoring/county")
        assert seen.status_code == 200 and "园林街道" in seen.text, role
        case = (await web.get(f"/console/monitoring/cases/{world['soon']['id']}")).text
        assert 'id="step-form"' not in case and 'id="measure-form"' not in case, role
        assert (await web.get("/console/monitoring/lines")).status_code == 200


async def test_the_lines_per_year_and_the_admin_sets_one(web, client, admin, auth):
    await monitoring_world(client, admin)
    csrf = await sign_in(web, token(admin))
    page = (await web.get("/console/monitoring/lines")).text
    assert "¥8,700.00" in page and 'id="line-form"' in page
    r = await web.post(
        "/console/monitoring/lines",
        data={"_csrf_token": csrf, "region_code": "42", "year": str(TODAY.year - 1), "amount": "8300"},
    )
    assert r.status_code == 303 and "msg=" in r.headers["location"]
    table = (await web.get(r.headers["location"])).text
    assert "¥8,300.00" in table and f"<td>{TODAY.year - 1}</td>" in table
    bad = await web.post(
        "/console/monitoring/lines", data={"_csrf_token": csrf, "region_code": "4290", "year": "2024", "amount": "1"}
    )
    assert bad.status_code == 303 and "err=" in bad.headers["location"]
    negative = await web.post(
        "/console/monitoring/lines", data={"_csrf_token": csrf, "region_code": "42", "year": "2024", "amount": "0"}
    )
    assert negative.status_code == 303 and "err=" in negative.headers["location"]
    listed = await client.get("/api/v1/monitoring-lines", headers=admin)
    assert sorted((x["year"], x["amount"]) for x in listed.json()) == [
        (TODAY.year - 1, "8300.00"),
        (TODAY.year, "8700.00"),
    ]
    web.cookies.clear()
    finance_csrf = await sign_in(web, token(await auth("finance")))
    assert 'id="line-form"' not in (await web.get("/console/monitoring/lines")).text
    refused = await web.post(
        "/console/monitoring/lines",
        data={"_csrf_token": finance_csrf, "region_code": "42", "year": "2020", "amount": "6000"},
    )
    assert refused.status_code == 403


async def test_the_demo_caseload_in_the_console(web):
    """The demo's caseload of 2021-2025: the town officer's pages and the county's render it."""
    from app.demo import load_demo
    from app.demo.monitoring import DEMO_DAY

    tokens = (await load_demo()).tokens
    await sign_in(web, tokens["town_officer"])
    caseload = await web.get("/console/monitoring")
    assert caseload.status_code == 200 and "我的监测对象 (" in caseload.text
    first = re.search(r'href="/console/monitoring/cases/(\d+)"', caseload.text)
    assert first, caseload.text[:3000]
    case = await web.get(f"/console/monitoring/cases/{first.group(1)}")
    assert case.status_code == 200 and "识别程序" in case.text and "帮扶措施" in case.text
    web.cookies.clear()
    await sign_in(web, tokens["admin"])
    county = await web.get(f"/console/monitoring/county?as_of={DEMO_DAY.isoformat()}")
    assert county.status_code == 200 and "逾期" in county.text
    assert re.search(r'<td class="num late"><a href="#late-\d+">\d+</a></td>', county.text)  # overdue on the last day
    lines = await web.get("/console/monitoring/lines")
    assert lines.status_code == 200 and "2021" in lines.text
