"""The rest of a town officer's monitoring work in the console (issue 14): a case's risk elimination through its
forms (the home check refused with every reason in Chinese, a household without labour living on social
protection never cleared, nothing written on a refusal), rounds opened and visits recorded, the caseload by
round, the town's notices with their objections and their A4 pages, a noticed step citing its notice; and an
ordinary household that never reads as a poor one."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest

from app.core.uow import reading
from tests.api.test_console import sign_in
from tests.api.test_console_imports import token
from tests.api.test_console_monitoring import TODAY, ago, monitoring_world
from tests.api.test_imports import members
from tests.api.test_ordinary_households import take_in


@pytest.fixture
async def web(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


GUARANTEES = ("food", "clothing", "compulsory_education", "basic_medical_care", "safe_housing", "safe_drinking_water")


def _shown(page: str, kind: str) -> str:
    """The note a page shows after a form (``msg`` or ``err``)."""
    found = re.search(rf'<div class="{kind}">([^<]*)</div>', page)
    assert found, page[:3000]
    return found.group(1)


async def _after(web, r, kind: str) -> str:
    assert r.status_code == 303 and f"{kind}=" in r.headers["location"], (r.status_code, r.headers.get("location"))
    page = await web.get(r.headers["location"])
    assert page.status_code == 200
    return _shown(page.text, kind)


async def _case_row(case_id: int) -> dict:
    async with reading() as db:
        row = await db.fetchrow(
            "SELECT state, step, elimination, eliminated_on FROM monitoring_case WHERE id = $1", case_id
        )
    assert row is not None
    found = dict(row)
    if isinstance(found["elimination"], str):
        found["elimination"] = json.loads(found["elimination"])
    return found


async def _approve(client, admin, case_id: int, on: str) -> None:
    r = await client.post(
        f"/api/v1/monitoring-cases/{case_id}/steps",
        json={"step": "approved", "on": on, "by": ["县乡村振兴局"]},
        headers=admin,
    )
    assert r.status_code == 201, r.text


def _home_check(csrf: str, **over) -> dict:
    body = {
        "_csrf_token": csrf,
        "on": ago(2),
        "by": ["王明", "李华", ""],
        "months_above_line": "7",
        "rigid_spending_resolved": "true",
        "risk_gone": "true",
        "protection_percent": "10",
        "note": "",
        **dict.fromkeys(GUARANTEES, "true"),
    }
    for name, value in over.items():
        if value is None:
            body.pop(name, None)  # a box left unticked is not sent
        else:
            body[name] = value
    return body


async def _village_of(registry_no: str) -> int:
    async with reading() as db:
        return int(await db.fetchval("SELECT village FROM household WHERE registry_no = $1", registry_no))


async def _household_of(registry_no: str) -> int:
    async with reading() as db:
        return int(await db.fetchval("SELECT id FROM household WHERE registry_no = $1", registry_no))


async def test_risk_elimination_through_the_case_page(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    case_id = world["queued"]["id"]
    await _approve(client, admin, case_id, ago(3))
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    csrf = await sign_in(web, token(officer))
    path = f"/console/monitoring/cases/{case_id}"
    page = (await web.get(path)).text
    assert 'id="elimination-form"' in page and 'id="elimination-step-form"' not in page
    for words in ("不愁吃", "不愁穿", "义务教育有保障", "基本医疗有保障", "住房安全有保障", "饮水安全有保障"):
        assert words in page, words
    assert "无劳动能力、收入依靠兜底保障的户不标注风险消除" in page

    # refusals, each in Chinese, and nothing written
    one = await web.post(f"{path}/elimination", data=_home_check(csrf, by=["王明", ""]))
    assert await _after(web, one, "err") == "入户核实须由至少两人进行"
    short = await web.post(
        f"{path}/elimination", data=_home_check(csrf, months_above_line="4", safe_drinking_water=None, risk_gone=None)
    )
    reasons = await _after(web, short, "err")
    assert reasons.startswith("不能标注风险消除（共 3 项原因）：")
    assert "收入稳定高于监测标准仅 4 个月,未满 6 个月" in reasons
    assert "尚未达到：饮水安全有保障" in reasons and "返贫致贫风险尚未消除" in reasons
    assert "safe_drinking_water" not in reasons
    share = await web.post(f"{path}/elimination", data=_home_check(csrf, protection_percent="150"))
    assert "兜底保障收入占比为百分数" in await _after(web, share, "err")
    household = await _household_of(world["queued"]["registry_no"])
    async with reading() as db:
        abilities = await db.fetch("SELECT id, labour_ability FROM member WHERE household = $1", household)
        await db.execute("UPDATE member SET labour_ability = 'none' WHERE household = $1", household)
    no_labour = await web.post(f"{path}/elimination", data=_home_check(csrf, protection_percent="80"))
    assert await _after(web, no_labour, "err") == (
        "不能标注风险消除（共 1 项原因）：无劳动能力、收入依靠兜底保障的户继续监测,不标注风险消除"
    )
    row = await _case_row(case_id)
    assert (row["state"], row["elimination"], row["eliminated_on"]) == ("monitored", None, None)
    async with reading() as db:
        assert await db.fetchval("SELECT count(*) FROM audit_entry WHERE action LIKE 'elimination:%'") == 0
        for m in abilities:
            await db.execute("UPDATE member SET labour_ability = $2 WHERE id = $1", m["id"], m["labour_ability"])

    # the home check passes: the elimination is under way and its next step is offered
    begun = await web.post(f"{path}/elimination", data=_home_check(csrf, protection_percent="12.5"))
    assert await _after(web, begun, "msg") == "已记录入户核实，风险消除程序开始。"
    row = await _case_row(case_id)
    assert row["state"] == "eliminating"
    page = (await web.get(path)).text
    assert 'id="elimination-form"' not in page and 'name="step" value="village_reviewed"' in page
    assert "王明、李华" in page.split('id="elimination"')[1] and "兜底保障收入占 12.5%" in page

    nobody = await web.post(
        f"{path}/elimination/step", data={"_csrf_token": csrf, "step": "village_reviewed", "on": ago(2), "by": ""}
    )
    assert await _after(web, nobody, "err") == "请至少填写一名经办人"
    skipped = await web.post(
        f"{path}/elimination/step", data={"_csrf_token": csrf, "step": "town_reviewed", "on": ago(2), "by": "园林街道"}
    )
    assert await _after(web, skipped, "err") == "该案件上一环节为 入户核实;乡镇审核 不是下一环节"
    reviewed = await web.post(
        f"{path}/elimination/step",
        data={"_csrf_token": csrf, "step": "village_reviewed", "on": ago(2), "by": "村民代表会议"},
    )
    assert await _after(web, reviewed, "msg") == "已记录：村级民主评议。"

    # the notice: a paper one too soon after the review is refused; the village's notice in ChainAid is offered
    village = await _village_of(world["queued"]["registry_no"])
    notice = await client.post(
        "/api/v1/notices",
        json={
            "kind": "risk_elimination",
            "village_id": village,
            "starts_on": ago(6),
            "ends_on": ago(2),
            "entries": [{"household_id": household, "category": "unstable"}],
        },
        headers=admin,
    )
    assert notice.status_code == 201, notice.text
    number = notice.json()["number"]
    page = (await web.get(path)).text
    assert 'name="step" value="noticed"' in page and f'<option value="{notice.json()["id"]}">{number}' in page
    paper = await web.post(
        f"{path}/elimination/step",
        data={"_csrf_token": csrf, "step": "noticed", "on": TODAY.isoformat(), "by": "村委会"},
    )
    assert await _after(web, paper, "err") == "村级公示须在民主评议后至少 5 天"
    assert (await _case_row(case_id))["elimination"]["step"] == "village_reviewed"
    cited = await web.post(
        f"{path}/elimination/step",
        data={
            "_csrf_token": csrf,
            "step": "noticed",
            "on": TODAY.isoformat(),
            "by": "村委会",
            "notice_id": str(notice.json()["id"]),
        },
    )
    assert await _after(web, cited, "msg") == "已记录：村内公示。"
    page = (await web.get(path)).text
    assert f'href="/console/notices/{notice.json()["id"]}/print">公示 {number}</a>' in page
    town = await web.post(
        f"{path}/elimination/step",
        data={"_csrf_token": csrf, "step": "town_reviewed", "on": TODAY.isoformat(), "by": "园林街道"},
    )
    assert await _after(web, town, "msg") == "已记录：乡镇审核。"
    # the county approves: the officer is told so and offered no form; the officer's post is refused
    page = (await web.get(path)).text
    assert "待县级审批" in page.split('id="elimination"')[1] and 'id="elimination-step-form"' not in page
    refused = await web.post(
        f"{path}/elimination/step", data={"_csrf_token": csrf, "step": "approved", "on": TODAY.isoformat(), "by": "我"}
    )
    assert await _after(web, refused, "err") == "监测对象由县级审定"
    assert (await _case_row(case_id))["state"] == "eliminating"

    web.cookies.clear()
    admin_csrf = await sign_in(web, token(admin))
    assert 'name="step" value="approved"' in (await web.get(path)).text
    approved = await web.post(
        f"{path}/elimination/step",
        data={"_csrf_token": admin_csrf, "step": "approved", "on": TODAY.isoformat(), "by": "县乡村振兴局"},
    )
    assert await _after(web, approved, "msg") == f"已于 {TODAY.isoformat()} 标注风险消除。"
    row = await _case_row(case_id)
    assert (row["state"], row["eliminated_on"]) == ("eliminated", TODAY)
    page = (await web.get(path)).text
    assert 'id="cleared"' in page and 'id="elimination-step-form"' not in page and 'id="measure-form"' not in page

    # finance reads the case and is offered no form
    web.cookies.clear()
    await sign_in(web, token(await auth("finance")))
    seen = (await web.get(path)).text
    assert "风险已消除" in seen and 'id="elimination-form"' not in seen


async def test_the_elimination_forms_follow_the_role_and_the_state(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    case_id = world["queued"]["id"]
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    csrf = await sign_in(web, token(officer))
    path = f"/console/monitoring/cases/{case_id}"
    assert 'id="elimination-form"' not in (await web.get(path)).text  # still in identification
    early = await web.post(f"{path}/elimination", data=_home_check(csrf))
    assert await _after(web, early, "err") == "该案件状态为“识别中”;风险消除须针对已纳入的监测对象"
    assert (await _case_row(case_id))["state"] == "identifying"
    await _approve(client, admin, case_id, ago(3))
    web.cookies.clear()
    await sign_in(web, token(await auth("auditor")))
    assert 'id="elimination-form"' not in (await web.get(path)).text
    forged = await web.post(f"{path}/elimination", data=_home_check("forged"))
    assert forged.status_code == 403
    assert (await _case_row(case_id))["elimination"] is None


async def test_rounds_are_opened_and_visits_recorded(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    csrf = await sign_in(web, token(admin))
    listing = (await web.get("/console/monitoring/rounds")).text
    assert "暂无监测轮次" in listing and 'id="round-form"' in listing
    month = TODAY.strftime("%Y-%m")
    body = {"_csrf_token": csrf, "county_code": "429005", "period": month, "started_on": TODAY.isoformat()}
    bad = await web.post("/console/monitoring/rounds", data={**body, "period": f"{TODAY.year}-13"})
    assert await _after(web, bad, "err") == "月份：应为月份，格式 YYYY-MM"
    opened = await web.post("/console/monitoring/rounds", data=body)
    assert await _after(web, opened, "msg") == f"已开启 {month} 监测轮次：应走访 4 户。"
    round_id = int(re.search(r"/rounds/(\d+)", opened.headers["location"]).group(1))
    again = await web.post("/console/monitoring/rounds", data=body)
    assert await _after(web, again, "err") == f"该县 {month} 已有监测轮次"
    async with reading() as db:
        assert await db.fetchval("SELECT count(*) FROM monitoring_round") == 1

    web.cookies.clear()
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    csrf = await sign_in(web, token(officer))
    listing = (await web.get("/console/monitoring/rounds")).text
    assert f'href="/console/monitoring/rounds/{round_id}">{month}</a>' in listing and 'id="round-form"' not in listing
    assert (await web.post("/console/monitoring/rounds", data={**body, "_csrf_token": csrf})).status_code == 403
    path = f"/console/monitoring/rounds/{round_id}"
    page = (await web.get(path)).text
    form = page.split('id="visit-form"')[1]
    late, soon, queued, elsewhere = (world[k] for k in ("late", "soon", "queued", "elsewhere"))
    for case in (late, soon, queued):
        assert f'<option value="{case["id"]}">{case["registry_no"]}' in form
    assert elsewhere["registry_no"] not in page  # another town's
    visit = {"_csrf_token": csrf, "case_id": str(late["id"]), "visited_on": TODAY.isoformat(), "by": ["", ""]}
    nobody = await web.post(f"{path}/visits", data=visit)
    assert await _after(web, nobody, "err") == "请至少填写一名经办人"
    before = await web.post(f"{path}/visits", data={**visit, "by": ["王明"], "visited_on": ago(1)})
    assert await _after(web, before, "err") == "早于本轮开始的日期"
    other = await web.post(f"{path}/visits", data={**visit, "by": ["王明"], "case_id": str(elsewhere["id"])})
    assert await _after(web, other, "err") == "该记录属于其他乡镇"
    async with reading() as db:
        assert await db.fetchval("SELECT count(*) FROM monitoring_visit") == 0
    done = await web.post(
        f"{path}/visits", data={**visit, "by": ["王明", "李华"], "income": "7000", "note": "儿子外出务工，收入增加"}
    )
    assert await _after(web, done, "msg") == "已记录走访。"
    page = (await web.get(path)).text
    visits = page.split('id="visits"')[1].split("</table>")[0]
    assert (
        late["registry_no"] in visits and "王明、李华" in visits and "¥7,000.00" in visits and "儿子外出务工" in visits
    )
    assert f'<option value="{late["id"]}">' not in page.split('id="visit-form"')[1]  # visited: no longer offered
    twice = await web.post(f"{path}/visits", data={**visit, "by": ["王明"]})
    assert await _after(web, twice, "err") == "本轮已走访过该户"
    async with reading() as db:
        assert await db.fetchval("SELECT count(*) FROM monitoring_visit") == 1

    # the caseload by round: the cases visited in it
    caseload = (await web.get(f"/console/monitoring?round_id={round_id}")).text
    table = caseload.split('id="cases"')[1]
    assert late["registry_no"] in table and soon["registry_no"] not in table and queued["registry_no"] not in table
    assert f'<option value="{round_id}" selected>' in caseload
    everything = await web.get("/console/monitoring?round_id=&state=&category=")
    assert everything.status_code == 200 and soon["registry_no"] in everything.text.split('id="cases"')[1]
    assert (await web.get("/console/monitoring/rounds/999999")).status_code == 404


async def test_the_town_notices_to_print(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    late, elsewhere = world["late"], world["elsewhere"]
    village, other_village = await _village_of(late["registry_no"]), await _village_of(elsewhere["registry_no"])
    household = await _household_of(late["registry_no"])

    async def notice(village_id: int, household_id: int, starts: int, ends: int) -> dict:
        r = await client.post(
            "/api/v1/notices",
            json={
                "kind": "monitoring_intake",
                "village_id": village_id,
                "starts_on": (TODAY + timedelta(days=starts)).isoformat(),
                "ends_on": (TODAY + timedelta(days=ends)).isoformat(),
                "entries": [{"household_id": household_id, "category": "unstable"}],
            },
            headers=admin,
        )
        assert r.status_code == 201, r.text
        return r.json()

    posted = await notice(village, household, -1, 5)
    ended = await notice(village, household, -10, -4)
    theirs = await notice(other_village, await _household_of(elsewhere["registry_no"]), -1, 5)
    for n, resolved in ((ended, True), (ended, False)):
        raised = await client.post(
            f"/api/v1/notices/{n['id']}/objections",
            json={"raised_by": "村民甲", "content": "收入核算有误", "raised_on": ago(5)},
            headers=admin,
        )
        assert raised.status_code == 201, raised.text
        if resolved:
            r = await client.post(
                f"/api/v1/notices/{n['id']}/objections/{raised.json()['id']}/resolve",
                json={"note": "已核实", "resolved_on": ago(4)},
                headers=admin,
            )
            assert r.status_code == 200, r.text

    listed = (await client.get("/api/v1/notices", params={"standing": "ended"}, headers=admin)).json()["items"]
    assert [(n["id"], n["open_objections"], n["objections_count"]) for n in listed] == [(ended["id"], 1, 2)]
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    await sign_in(web, token(officer))
    page = (await web.get("/console/notices")).text
    assert '<a href="/console/notices">公示</a>' in page  # in the officer's navigation
    table = page.split('id="notices"')[1]
    assert posted["number"] in table and ended["number"] in table and theirs["number"] not in table
    rows = dict(re.findall(r'<tr data-notice="(\d+)">(.*?)</tr>', table, re.S))
    assert "公示中" in rows[str(posted["id"])] and "监测对象纳入" in rows[str(posted["id"])]
    assert re.search(r'<span class="open-objections">1</span> / 2', rows[str(ended["id"])])
    assert re.search(r'<span class="">0</span> / 0', rows[str(posted["id"])])
    assert f'href="/console/notices/{ended["id"]}/print"' in rows[str(ended["id"])]
    only_ended = (await web.get("/console/notices?standing=ended")).text.split('id="notices"')[1]
    assert ended["number"] in only_ended and posted["number"] not in only_ended
    assert (await web.get("/console/notices?standing=nonsense&kind=x")).status_code == 200
    printed = await web.get(f"/console/notices/{posted['id']}/print")
    assert (
        printed.status_code == 200 and "防止返贫监测对象纳入公示" in printed.text and posted["number"] in printed.text
    )
    assert "成员1-0" not in printed.text and "成***0" in printed.text  # the head's given name partly hidden
    for m in members(1):
        assert m["id_number"] not in printed.text
    assert (await web.get(f"/console/notices/{theirs['id']}/print")).status_code == 403
    assert (await web.get("/console/notices/999999/print")).status_code == 404


async def test_the_identification_notice_step_cites_the_village_notice(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    soon = world["soon"]
    case_id = soon["id"]
    for step, days, by in (
        ("surveyed", 1, ["王明", "李华"]),
        ("data_checked", 1, ["县大数据中心"]),
        ("village_reviewed", 1, ["村民代表会议"]),
    ):
        r = await client.post(
            f"/api/v1/monitoring-cases/{case_id}/steps", json={"step": step, "on": ago(days), "by": by}, headers=admin
        )
        assert r.status_code == 201, r.text
    notice = await client.post(
        "/api/v1/notices",
        json={
            "kind": "monitoring_intake",
            "village_id": await _village_of(soon["registry_no"]),
            "starts_on": ago(6),
            "ends_on": ago(1),
            "entries": [{"household_id": await _household_of(soon["registry_no"]), "category": "unstable"}],
        },
        headers=admin,
    )
    assert notice.status_code == 201, notice.text
    n = notice.json()
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    csrf = await sign_in(web, token(officer))
    path = f"/console/monitoring/cases/{case_id}"
    form = (await web.get(path)).text.split('id="step-form"')[1].split("</form>")[0]
    assert f'<option value="{n["id"]}">{n["number"]}' in form and "纸质公示（未在系统内）" in form
    r = await web.post(
        f"{path}/step",
        data={
            "_csrf_token": csrf,
            "step": "noticed",
            "on": TODAY.isoformat(),
            "by": "村委会",
            "notice_id": str(n["id"]),
        },
    )
    assert await _after(web, r, "msg") == "已记录：村内公示。"
    steps = (await web.get(path)).text.split('id="steps"')[1].split("</ol>")[0]
    assert f'<a class="notice" href="/console/notices/{n["id"]}/print">公示 {n["number"]}</a>' in steps
    assert (await web.get(f"/console/notices/{n['id']}/print")).status_code == 200


async def test_an_ordinary_household_never_reads_as_a_poor_one(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    village = await _village_of(world["late"]["registry_no"])
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    taken = await take_in(client, officer, village, 21)
    assert taken.status_code == 201, taken.text
    ordinary = taken.json()
    assert (ordinary["status"], ordinary["attribute"]) == ("ordinary", "ordinary")
    await sign_in(web, token(officer))
    page = (await web.get(f"/console/households/{ordinary['id']}")).text
    assert "一般农户" in page and "一般农户，未建档立卡。" in page
    assert "一般贫困户" not in page and "贫困户属性" not in page and "致贫风险" in page
    assert 'action="/console/households/{}/claims"'.format(ordinary["id"]) not in page  # no claim for it
    assert ">录入<" in page  # its one event, in words
    registered = (await web.get(f"/console/households/{await _household_of(world['late']['registry_no'])}")).text
    assert "贫困户属性：一般贫困户" in registered or "贫困户属性: 一般贫困户" in registered


async def test_the_forms_read_in_english_too(web, client, admin, auth):
    world = await monitoring_world(client, admin)
    case_id = world["queued"]["id"]
    await _approve(client, admin, case_id, ago(3))
    officer = await auth("town_officer", town_id=world["towns"]["yuanlin"])
    csrf = await sign_in(web, token(officer))
    path = f"/console/monitoring/cases/{case_id}"
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": path})
    page = (await web.get(path)).text
    assert "Begin risk elimination: the home check" in page and "safe drinking water" in page
    short = await web.post(f"{path}/elimination", data=_home_check(csrf, food=None, clothing=None))
    assert await _after(web, short, "err") == (
        "the risk cannot be marked eliminated (1 reason(s)): not secured: enough to eat, enough to wear"
    )
    assert (await web.get("/console/monitoring/rounds")).status_code == 200
    assert "Public notices" in (await web.get("/console/notices")).text
    assert TODAY.isoformat() in page
