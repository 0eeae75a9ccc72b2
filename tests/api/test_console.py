"""The staff console over HTTP: sign-in and CSRF, role pages and refusals, the finance and operator flows.
(The same flows in a real browser are in tests/browser.)"""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from app.demo import load_demo

# a field check is dated on or after the day its claim was filed (today, in these tests)
TODAY = date.today().isoformat()


@pytest.fixture
async def web(app):
    # https: the session cookie is Secure, so the client sends it back only over https
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


@pytest.fixture
async def demo():
    return (await load_demo()).tokens


async def sign_in(web, token: str) -> str:
    form = await web.get("/console/sign-in")
    assert form.status_code == 200 and "登录" in form.text
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    r = await web.post("/console/sign-in", data={"_csrf_token": csrf, "token": token})
    assert r.status_code == 303 and r.headers["location"] == "/console", r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    page = await web.get("/console")
    # Litestar's CSRF token: the same for every form of this browser (a signed double-submit cookie)
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


async def test_sign_in_needs_a_valid_token_and_the_form_token(web, demo):
    form = await web.get("/console/sign-in")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    r = await web.post("/console/sign-in", data={"_csrf_token": csrf, "token": "ca_wrong"})
    assert r.status_code == 303 and "err=" in r.headers["location"]
    web.cookies.clear()
    r = await web.post("/console/sign-in", data={"_csrf_token": csrf, "token": demo["finance"]})
    assert r.status_code == 303 and "err=" in r.headers["location"]  # no matching CSRF cookie
    assert (await web.get("/console")).status_code == 303  # not signed in: to the sign-in page


async def test_every_page_of_each_role_renders_and_others_are_refused(web, demo):
    pages = {
        "finance": [
            "/console",
            "/console/schemes",
            "/console/claims",
            "/console/claims?status=verified&page=2",
            "/console/claims/3",
            "/console/payment-batches",
            "/console/households?status=exited",
            "/console/vouchers/BT2017-000001/print",
        ],
        "town_officer": ["/console", "/console/households", "/console/claims", "/console/imports"],
        "operator": ["/console", "/console/links", "/console/payouts/upload", "/console/support", "/console/imports"],
        "auditor": [
            "/console",
            "/console/audit",
            "/console/audit?check=true",
            "/console/anomalies?year=2017",
            "/console/schemes",
        ],
    }
    refused = {
        "operator": "/console/schemes",
        "town_officer": "/console/payment-batches",
        "finance": "/console/audit",
        "auditor": "/console/payouts/upload",
    }
    for role, paths in pages.items():
        web.cookies.clear()
        await sign_in(web, demo[role])
        for path in paths:
            r = await web.get(path)
            assert r.status_code == 200, (role, path, r.text[:300])
            assert "text/html" in r.headers["content-type"]
        r = await web.get(refused[role])
        assert r.status_code == 403 and "无权访问" in r.text, (role, refused[role])


async def test_finance_approves_a_claim_and_prints_its_voucher(web, demo):
    csrf = await sign_in(web, demo["finance"])
    queue = await web.get("/console/claims?status=verified")
    claim_id = re.search(r'href="/console/claims/(\d+)"', queue.text).group(1)
    detail = await web.get(f"/console/claims/{claim_id}")
    assert "计算过程" in detail.text and "q = " in detail.text
    forged = await web.post(f"/console/claims/{claim_id}/approve", data={"_csrf_token": "forged"})
    assert forged.status_code == 403
    r = await web.post(f"/console/claims/{claim_id}/approve", data={"_csrf_token": csrf})
    assert r.status_code == 303
    after = await web.get(r.headers["location"])
    number = re.search(r"(BT2017-\d{6})", after.text).group(1)
    printed = await web.get(f"/console/vouchers/{number}/print")
    assert printed.status_code == 200 and "<svg" in printed.text and "元" in printed.text


async def test_operator_upload_reports_bad_rows_and_writes_nothing(web, demo):
    from tests.db import fetch

    csrf = await sign_in(web, demo["operator"])
    link = (
        await fetch(
            "SELECT h.registry_no, b.name AS base, l.kind FROM link l JOIN household h ON h.id = l.household"
            " JOIN base b ON b.id = l.base WHERE l.enterprise = 1 AND l.kind = 'cooperation' ORDER BY l.id LIMIT 1"
        )
    )[0]
    before = (await fetch("SELECT count(*) AS n FROM payout"))[0]["n"]
    csv_text = (
        "registry_no,base,kind,amount,period_from,period_to,paid_on,method,reference\n"
        f"{link['registry_no']},{link['base']},cooperation,1800.00,2018-01-01,2018-01-31,2018-02-01,bank,UP-1\n"
        f"{link['registry_no']},{link['base']},cooperation,abc,2018-02-01,2018-02-28,2018-03-01,bank,UP-2\n"
    )
    r = await web.post(
        "/console/payouts/upload",
        data={"_csrf_token": csrf},
        files={"file": ("工资.csv", "\ufeff".encode() + csv_text.encode(), "text/csv")},
    )
    assert r.status_code == 200 and "未写入任何数据" in r.text and "amount" in r.text
    assert (await fetch("SELECT count(*) AS n FROM payout"))[0]["n"] == before
    good = csv_text.splitlines()[:2]
    r = await web.post(
        "/console/payouts/upload",
        data={"_csrf_token": csrf},
        files={"file": ("工资.csv", ("\n".join(good) + "\n").encode(), "text/csv")},
    )
    content = re.search(r'name="content" value="([^"]+)"', r.text).group(1)
    done = await web.post("/console/payouts/upload/confirm", data={"_csrf_token": csrf, "content": content})
    assert done.status_code == 303 and "已写入 1 条" in await shown(web, done)
    assert (await fetch("SELECT count(*) AS n FROM payout"))[0]["n"] == before + 1


async def test_sign_out_ends_the_session_and_english_is_switchable(web, demo):
    csrf = await sign_in(web, demo["auditor"])
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en"})
    assert "Audit trail" in (await web.get("/console")).text
    r = await web.post("/console/sign-out", data={"_csrf_token": csrf})
    assert r.status_code == 303
    assert (await web.get("/console/audit")).status_code == 303


async def test_a_town_officer_verifies_a_claim_in_the_console(web, demo):
    from tests.db import fetch

    csrf = await sign_in(web, demo["town_officer"])
    filed = await web.get("/console/claims?status=filed")
    claim_id = int(re_first(r'href="/console/claims/(\d+)"', filed.text))
    page = await web.get(f"/console/claims/{claim_id}")
    assert "实地核实" in page.text
    r = await web.post(
        f"/console/claims/{claim_id}/verify",
        data={
            "_csrf_token": csrf,
            "verified_quantity": "4",
            "inspector": "刘工",
            "verified_on": TODAY,
            "note": "丈量",
        },
    )
    assert r.status_code == 303 and "已核实" in await shown(web, r)
    row = (await fetch("SELECT status, verified_quantity FROM subsidy_claim WHERE id = $1", claim_id))[0]
    assert row["status"] == "verified" and row["verified_quantity"] == 4


async def test_the_claim_queue_filter_left_on_all_lists_every_claim(web, demo):
    """The filter form sends its selects' "all" as empty values: the queue lists everything, it does not fail."""
    await sign_in(web, demo["town_officer"])
    everything = await web.get("/console/claims")
    blank = await web.get("/console/claims?scheme_id=&status=&town_id=&industry=")
    assert blank.status_code == 200 and blank.text.count('href="/console/claims/') == everything.text.count(
        'href="/console/claims/'
    )
    filed = await web.get("/console/claims?scheme_id=&status=filed&town_id=&industry=")
    assert filed.status_code == 200 and "已申报" in filed.text.split('id="claims"')[1]
    assert (await web.get("/console/claims?scheme_id=abc&town_id=%C2%B2")).status_code == 200


async def shown(web, redirect) -> str:
    """The note the page a form redirected to shows (``?msg=`` / ``?err=`` carry codes, not the text)."""
    page = await web.get(redirect.headers["location"])
    assert page.status_code == 200, page.text
    return " ".join(re.findall(r'<div class="(?:msg|err)">([^<]*)</div>', page.text))


def re_first(pattern: str, text: str) -> str:
    return re.search(pattern, text).group(1)


async def test_odd_console_requests_get_a_page_not_a_500(web, demo):
    form = await web.get("/console/sign-in")
    r = await web.post("/console/sign-in", data={"csrf": "é", "token": "x"})
    assert r.status_code == 303 and "err=" in r.headers["location"]
    r = await web.post("/console/sign-in", files={"csrf": ("a", b"x"), "token": ("b", b"y")})
    assert r.status_code in (303, 400)
    csrf = await sign_in(web, demo["finance"])
    r = await web.post("/console/claims/approve-selected", data={"_csrf_token": csrf})
    assert r.status_code == 303 and "err=" in r.headers["location"]
    r = await web.post("/console/claims/approve-selected", data={"_csrf_token": csrf, "claim": "²"})
    assert r.status_code == 303
    for path, status in (
        ("/console/claims/999999", 404),
        ("/console/claims/99999999999", 400),
        ("/console/claims?page=abc", 400),
        ("/console/claims?page=0", 400),
    ):
        r = await web.get(path)
        assert r.status_code == status, (path, r.status_code)
        assert r.headers["content-type"].startswith("text/html"), path
    web.cookies.clear()
    await sign_in(web, demo["auditor"])
    assert (await web.get("/console/anomalies?year=10000")).status_code == 400
    # years have the API's bounds: from CHAINAID_EARLIEST_DAY's year to this year, on the error page
    for path in ("/console/anomalies?year=1999", "/console?year=2100", f"/console?year={date.today().year + 1}"):
        r = await web.get(path)
        assert r.status_code == 400 and r.headers["content-type"].startswith("text/html"), path
    assert form.status_code == 200


async def test_console_pages_are_not_cached_or_framed(web, demo):
    await sign_in(web, demo["finance"])
    r = await web.get("/console/households?status=registered")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_finance_pays_a_batch_through_the_console(web, demo):
    csrf = await sign_in(web, demo["finance"])
    r = await web.post("/console/payment-batches", data={"_csrf_token": csrf, "scheme_id": "1"})
    assert r.status_code == 303 and "支付批次" in await shown(web, r)
    page = await web.get("/console/payment-batches")
    batch_id = re_first(r"/console/payment-batches/(\d+)/export.csv", page.text)
    bank_file = (await web.get(f"/console/payment-batches/{batch_id}/export.csv")).text.strip().splitlines()
    assert bank_file[0].startswith("voucher_no") and bank_file[-1].startswith("TOTAL")
    numbers = [line.split(",")[0] for line in bank_file[1:-1]]
    result = (
        "voucher_no,result,bank_reference\n"
        + "\n".join(f"{n},{'paid' if i else 'failed'},NX{i}" for i, n in enumerate(numbers))
        + "\n"
    )
    r = await web.post(
        f"/console/payment-batches/{batch_id}/reconcile",
        data={"_csrf_token": csrf},
        files={"file": ("回单.csv", result.encode(), "text/csv")},
    )
    assert r.status_code == 303 and f"已支付 {len(numbers) - 1} 笔" in await shown(web, r)
    again = await web.post(
        f"/console/payment-batches/{batch_id}/reconcile",
        data={"_csrf_token": csrf},
        files={"file": ("回单.csv", result.encode(), "text/csv")},
    )
    assert "err=" in again.headers["location"]


async def test_codes_show_as_words_in_either_language(web, demo):
    csrf = await sign_in(web, demo["finance"])
    queue = await web.get("/console/claims?status=verified")
    assert "已核实" in queue.text and ">verified<" not in queue.text
    assert "虾稻" in queue.text  # industry names come from the industry table, in the reader's language
    claim_id = re_first(r'href="/console/claims/(\d+)"', queue.text)
    zh = await web.get(f"/console/claims/{claim_id}")
    assert "起补标准" in zh.text and "threshold" not in zh.text  # the calculation, line by line
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": f"/console/claims/{claim_id}"})
    en = await web.get(f"/console/claims/{claim_id}")
    assert "Calculation" in en.text and "threshold" in en.text, en.text
    assert any(name in en.text for name in ("crayfish-rice", "soybean", "Pinellia", "fruit and vegetables"))
    assert "计算过程" not in en.text
    households = await web.get("/console/households")
    assert households.status_code == 200 and "Households" in households.text


async def test_a_refusal_reads_in_the_console_language(web, demo):
    """A service's refusal comes from the catalogues: Chinese on the zh console, English after switching,
    with the stored code (the claim's status) in words; the API's detail stays the English text."""
    csrf = await sign_in(web, demo["finance"])
    claim_id = await _approved_claim(web, csrf)
    r = await web.post(f"/console/claims/{claim_id}/reject", data={"_csrf_token": csrf, "reason": "重复申报"})
    assert r.status_code == 303
    zh = await web.get(r.headers["location"])
    assert "该申报当前为“已审批”；只有尚未审批的申报才能驳回" in zh.text, zh.text
    assert "undecided" not in zh.text
    await web.post("/console/lang", data={"_csrf_token": csrf, "to": "en", "back_to": "/console"})
    r = await web.post(f"/console/claims/{claim_id}/reject", data={"_csrf_token": csrf, "reason": "duplicate"})
    en = await web.get(r.headers["location"])
    assert "the claim is approved; only an undecided claim is rejected" in en.text
    assert "尚未审批" not in en.text


async def _approved_claim(web, csrf: str) -> str:
    queue = await web.get("/console/claims?status=approved")
    found = re.search(r'href="/console/claims/(\d+)"', queue.text)
    if found:
        return found.group(1)
    queue = await web.get("/console/claims?status=verified")
    claim_id = re.search(r'href="/console/claims/(\d+)"', queue.text).group(1)
    await web.post(f"/console/claims/{claim_id}/approve", data={"_csrf_token": csrf})
    return claim_id
