"""No internals in answers, only the console's own messages on its pages, and the HTML pages' headers
(issue 16, Found 8): regression tests through the API and the console."""

from __future__ import annotations

import asyncio
import base64
import re
from datetime import date, timedelta

import asyncpg
import httpx
import pytest

from app.console import notes
from app.demo import load_demo
from app.main import create_app
from tests.registry_helpers import make_town

# words that give away the database, the driver or Python behind an answer
INTERNALS = (
    "asyncpg",
    "postgres",
    "int32",
    "traceback",
    "recursionerror",
    "unicodedecodeerror",
    "constraint",
    "violates",
    "query argument",
    "0x00",
    "utf8",
    "_key",
    "_pkey",
    "_fkey",
    "_check",
    "exception",
    "errno",
)


def assert_clean_problem(r: httpx.Response) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    text = r.text.lower()
    leaked = [word for word in INTERNALS if word in text]
    assert not leaked, (leaked, r.text)


async def test_a_nul_in_a_json_string_is_a_400_naming_the_field(client, admin):
    r = await client.post("/api/v1/towns", json={"name": "熊口\u0000镇", "code": "429005001"}, headers=admin)
    assert_clean_problem(r)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "name"
    town = await make_town(client, admin)
    # a field the schema does not check itself, nested in a list
    r = await client.post(
        "/api/v1/villages",
        json={"name": "赵脑村", "town_id": town, "rural_population": 1200, "x": ["ok", "a\u0000"]},
        headers=admin,
    )
    assert_clean_problem(r)
    assert r.json()["errors"][0]["field"] == "x[1]"
    r = await client.post("/api/v1/payouts/batch", json=[{"reference": "R\u0000"}], headers=admin)
    assert_clean_problem(r)
    assert r.json()["errors"][0]["field"] == "[0].reference"


@pytest.mark.parametrize(
    ("path", "role", "field"),
    [
        ("/api/v1/audit?entity=a%00b", "auditor", "entity"),
        ("/api/v1/audit?entity_id=a%00b", "auditor", "entity_id"),
        ("/api/v1/cross-check/flags?status=a%00b", "admin", "status"),
        ("/api/v1/subsidy-claims?industry=a%00b", "finance", "industry"),
        ("/api/v1/exports/subsidy-claims.csv?industry=a%00b", "finance", "industry"),
        ("/api/v1/vouchers/BT%00X", "finance", "number"),
        ("/api/v1/vouchers/BT%00X/print", "finance", "number"),
        ("/api/v1/vouchers/BT%00X/barcode.svg", "finance", "number"),
    ],
)
async def test_a_nul_in_a_query_or_path_parameter_is_a_400_naming_it(client, auth, path, role, field):
    r = await client.get(path, headers=await auth(role))
    assert_clean_problem(r)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == field


async def test_a_nul_in_a_console_query_is_refused_without_internals(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as web:
        r = await web.get("/console/sign-in?err=a%00b")
    assert r.status_code == 400 and "a\x00b" not in r.text
    assert not [word for word in INTERNALS if word in r.text.lower()]


async def test_ids_beyond_the_database_integer_are_400_not_a_database_message(client, admin, auth):
    big = 2**31
    for path in (f"/api/v1/households/{big}", f"/api/v1/towns/{big}", f"/api/v1/households?town_id={big}"):
        r = await client.get(path, headers=admin)
        assert_clean_problem(r)
        assert r.status_code == 400
    r = await client.post("/api/v1/villages", json={"name": "x", "town_id": big, "rural_population": 3}, headers=admin)
    assert_clean_problem(r)
    assert r.json()["errors"][0]["field"] == "town_id"
    r = await client.post(
        "/api/v1/accounts", json={"name": "x", "role": "operator", "enterprise_id": big}, headers=admin
    )
    assert_clean_problem(r)
    # a number the database's integer cannot hold, where no schema bounds it (whatever the bound, no internals)
    finance = await auth("finance")
    for path in (
        f"/api/v1/subsidy-schemes?year={big}",
        f"/api/v1/pairings/report?year={big}",
        f"/api/v1/exports/support-records.csv?year={big}",
    ):
        r = await client.get(path, headers=finance if "subsidy" in path else admin)
        assert_clean_problem(r)


async def test_deeply_nested_or_broken_json_is_a_400_in_the_apps_own_words(client, admin):
    deep = b"[" * 5000 + b"]" * 5000
    for body in (deep, b'{"name": "x",', b"\xff\xfe", b"[" * 100000):
        for path in ("/api/v1/towns", "/api/v1/payouts/batch"):
            r = await client.post(path, content=body, headers={**admin, "Content-Type": "application/json"})
            assert_clean_problem(r)
            assert r.status_code == 400 and r.json()["errors"][0]["field"] == "body"
    r = await client.post("/api/v1/towns", content=deep, headers={**admin, "Content-Type": "application/json"})
    assert r.json()["errors"][0]["message"] == "is nested too deeply"


async def test_a_race_to_the_same_unique_value_answers_without_naming_the_constraint(client, admin):
    """Two creations of one town code at once: whichever loses to the database's unique index gets a 409
    in the app's words (no constraint name, no quoted key)."""
    answers = await asyncio.gather(
        *(client.post("/api/v1/towns", json={"name": f"镇{i}", "code": "429005099"}, headers=admin) for i in range(6))
    )
    assert sum(r.status_code == 201 for r in answers) == 1
    for r in answers:
        if r.status_code != 201:
            assert_clean_problem(r)
            assert r.status_code == 409


async def test_a_database_refusal_is_logged_by_name_and_answered_in_fixed_words(client, admin, monkeypatch, caplog):
    """Every kind of integrity or data error the database can raise past validation: the answer names
    neither the constraint nor the refused values; the log names the constraint, not the values."""
    from app.registry import service as registry

    def refusal(kind: type[asyncpg.PostgresError]) -> asyncpg.PostgresError:
        exc = kind('duplicate key value violates unique constraint "town_code_key"')
        exc.constraint_name = "town_code_key"  # type: ignore[attr-defined]
        exc.detail = "Key (id_number)=(420101199001011234) already exists."  # type: ignore[attr-defined]
        return exc

    for kind in (
        asyncpg.UniqueViolationError,
        asyncpg.ForeignKeyViolationError,
        asyncpg.CheckViolationError,
        asyncpg.NotNullViolationError,
        asyncpg.ExclusionViolationError,
        asyncpg.RestrictViolationError,
        asyncpg.CharacterNotInRepertoireError,
        asyncpg.NumericValueOutOfRangeError,
    ):

        async def raise_it(*_args, _kind=kind, **_kw):
            raise refusal(_kind)

        monkeypatch.setattr(registry, "create_town", raise_it)
        caplog.clear()
        r = await client.post("/api/v1/towns", json={"name": "熊口镇", "code": "429005001"}, headers=admin)
        assert_clean_problem(r)
        assert "420101199001011234" not in r.text
        logged = caplog.text
        assert "town_code_key" in logged and "420101199001011234" not in logged, kind


# ---- the console says only what it chose ----


@pytest.fixture
async def web(app):
    # https: the session cookie is Secure, so the client sends it back only over https
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://chainaid.test") as c:
        yield c


def _csrf(page: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


async def _sign_in(web, headers: dict[str, str]) -> str:
    token = headers["Authorization"].removeprefix("Bearer ")
    form = await web.get("/console/sign-in")
    r = await web.post("/console/sign-in", data={"_csrf_token": _csrf(form.text), "token": token})
    assert r.status_code == 303 and r.headers["location"] == "/console", r.text
    return r.headers["set-cookie"]


def _notes(page: str) -> list[str]:
    return re.findall(r'<div class="(?:msg|err)">([^<]*)</div>', page)


FORGED = ["<script>alert(1)</script>", "您的账户已冻结，请拨打 400-000-0000", "javascript:alert(1)"]


@pytest.mark.parametrize("text", FORGED)
async def test_the_sign_in_page_never_shows_text_from_its_query(web, text):
    r = await web.get("/console/sign-in", params={"err": text})
    assert r.status_code == 200
    assert "alert(1)" not in r.text and "400-000-0000" not in r.text and "&lt;script" not in r.text
    assert "登录" in r.text
    known = await web.get("/console/sign-in?err=invalid")
    assert "令牌无效或已注销。" in known.text


async def test_console_pages_show_only_notes_the_console_wrote_for_this_session(web, auth):
    finance = await auth("finance")
    await _sign_in(web, finance)
    for text in FORGED:
        for kind in ("err", "msg"):
            r = await web.get("/console/payment-batches", params={kind: text})
            assert r.status_code == 200
            assert "alert(1)" not in r.text and "400-000-0000" not in r.text, r.text
            assert len(_notes(r.text)) == 1  # the generic message in its place
    # a note with text needs the console's signature for this very session
    packed = base64.urlsafe_b64encode(FORGED[1].encode()).decode().rstrip("=")
    r = await web.get("/console/payment-batches", params={"err": f"refused~{packed}~{'0' * 32}"})
    assert "400-000-0000" not in r.text and _notes(r.text) == ["未能办理。"]
    other_session = notes.note("refused", FORGED[1], session="someone else's session")
    r = await web.get("/console/payment-batches", params={"err": other_session})
    assert "400-000-0000" not in r.text
    # the codes say the console's own words, and a note the console signed for this session is shown
    r = await web.get("/console/payment-batches?err=no_bank_file")
    assert _notes(r.text) == ["请选择银行回单文件。"]
    redirect = await web.post("/console/payment-batches", data={"_csrf_token": _csrf(r.text), "scheme_id": "999999"})
    assert redirect.status_code == 303 and "err=refused~" in redirect.headers["location"]
    page = await web.get(redirect.headers["location"])
    assert len(_notes(page.text)) == 1 and _notes(page.text) != ["未能办理。"]


# ---- headers on every HTML page ----


def _html_routes() -> list[str]:
    """Every GET route that answers with an HTML page (console pages, print pages, the docs)."""
    paths = []
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", ()):
            if "GET" not in (getattr(handler, "http_methods", None) or ()):
                continue
            media = str(getattr(handler.media_type, "value", handler.media_type) or "")
            if route.path.endswith((".csv", ".xlsx")) or route.path.startswith("/static") or "spreadsheetml" in media:
                continue
            if media == "text/html" or route.path.startswith("/console"):
                paths.append(route.path)
    return sorted(set(paths))


SAMPLE = {
    "{number:str}": "BT2017-000001",
    "{claim_id:int}": "1",
    "{household_id:int}": "1",
    "{batch_id:int}": "1",
    "{import_id:int}": "1",
    "{case_id:int}": "1",
    "{round_id:int}": "1",
    "{asset_id:int}": "1",
    "{evidence_id:int}": "1",  # none in the demo: the download answers the error page
    "{path:str}": "swagger",
}


def _concrete(path: str) -> str:
    for pattern, value in SAMPLE.items():
        path = path.replace(pattern, value)
    assert "{" not in path, f"no sample value for a parameter of {path}: add one to SAMPLE"
    return path


def assert_html_headers(r: httpx.Response) -> None:
    assert r.headers["content-type"].startswith("text/html"), (str(r.url), r.status_code, r.headers["content-type"])
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


async def _a_notice(client, admin: dict[str, str]) -> int:
    """A notice in the demo (it has none), for its printed page."""
    household = (await client.get("/api/v1/households/1", headers=admin)).json()
    start = date.today()
    r = await client.post(
        "/api/v1/notices",
        json={
            "kind": "monitoring_intake",
            "village_id": household["village_id"],
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=4)).isoformat(),
            "entries": [{"household_id": 1, "category": "unstable"}],
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_every_html_page_has_a_csp_and_is_never_framed(client, web):
    tokens = (await load_demo()).tokens
    routes = _html_routes()
    assert {"/schema", "/schema/swagger", "/api/v1/vouchers/{number:str}/print", "/console/sign-in"} <= set(routes)
    await _sign_in(web, {"Authorization": f"Bearer {tokens['finance']}"})
    finance = {"Authorization": f"Bearer {tokens['finance']}"}
    notice = await _a_notice(client, {"Authorization": f"Bearer {tokens['admin']}"})
    status = {}
    for path in routes:
        concrete = _concrete(path.replace("{notice_id:int}", str(notice)))
        r = await (web.get(concrete) if concrete.startswith("/console") else client.get(concrete, headers=finance))
        status[path] = r.status_code
        if r.status_code not in (301, 302, 303, 307, 308):
            assert_html_headers(r)  # pages a finance officer may not open answer with the refusal page: HTML too
    for page in (
        "/schema",
        "/schema/swagger",
        "/api/v1/vouchers/{number:str}/print",
        "/api/v1/notices/{notice_id:int}/print",
        "/console/claims",
    ):
        assert status[page] == 200, (page, status[page])
    assert status["/console/vouchers/{number:str}/print"] == 200
    # the console's pages also keep personal data out of caches
    r = await web.get("/console/claims")
    assert r.headers["cache-control"] == "no-store"


async def test_api_answers_with_personal_data_are_not_cached_or_sniffed(client, auth):
    tokens = (await load_demo()).tokens
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    for path in ("/api/v1/households/1", "/api/v1/households", "/api/v1/exports/households.csv", "/api/v1/nope"):
        r = await client.get(path, headers=auditor)
        assert r.headers["cache-control"] == "no-store", path
        assert r.headers["x-content-type-options"] == "nosniff", path


# ---- the docs work offline ----


async def test_the_docs_load_scripts_and_styles_only_from_this_server(client):
    for page in ("/schema", "/schema/swagger"):
        r = await client.get(page)
        assert r.status_code == 200
        assert_html_headers(r)
        assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]*)"', r.text)
        assert assets, page
        assert not re.search(r"https?://", r.text), (page, re.findall(r"https?://[^\"' ]+", r.text))
        assert "<script>" not in r.text  # no inline script: the CSP runs none
        for asset in assets:
            assert asset.startswith("/static/"), asset
            got = await client.get(asset)
            assert got.status_code == 200 and len(got.content) > 100, asset
            kind = "css" if asset.endswith(".css") else "javascript"
            assert kind in got.headers["content-type"], (asset, got.headers["content-type"])
            assert got.headers["x-content-type-options"] == "nosniff"
    spec = await client.get("/schema/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "ChainAid"
    assert spec.headers["x-content-type-options"] == "nosniff"


async def test_a_csv_python_cannot_read_is_refused_in_the_apps_own_words(client, admin):
    huge = "x" * 200_000  # past the csv module's field limit
    content = f"registry_no,base,kind,amount,period_from,period_to,paid_on,method,reference\n{huge},1\n".encode()
    r = await client.post(
        "/api/v1/payouts/import?enterprise_id=1", files={"file": ("p.csv", content, "text/csv")}, headers=admin
    )
    assert_clean_problem(r)
    assert r.status_code == 400 and "field larger than field limit" not in r.text
    assert "cannot be read as CSV" in r.json()["errors"][0]["message"], r.text
