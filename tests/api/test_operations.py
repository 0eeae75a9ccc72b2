"""What a bureau's IT staff run the service with: request ids, structured logs that hold no secrets,
Prometheus metrics and the readiness probe."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.core import database
from app.core.logs import configure_logging
from app.core.settings import get_settings
from tests.api.test_subsidies import SCHEME, filed_and_verified
from tests.chain_helpers import WAGE
from tests.db import connection
from tests.factories import resident_id
from tests.world import add_link, build_world

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The app's log, as JSON lines written while the test runs; the settings' handler comes back after."""
    buffer = io.StringIO()
    configure_logging("json", "info", stream=buffer)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "app.access"]


async def me_and_id(client, auth) -> tuple[dict[str, str], int]:
    headers = await auth("auditor")
    return headers, (await client.get("/api/v1/me", headers=headers)).json()["account_id"]


# --- request ids and the access log


async def test_a_sane_request_id_is_kept_returned_and_logged_with_route_status_and_account(client, auth, log_lines):
    headers, account_id = await me_and_id(client, auth)
    r = await client.get("/api/v1/payouts/424242", headers={**headers, "X-Request-ID": "lb-7f3a.01:x_y"})
    assert r.status_code == 404
    assert r.headers["x-request-id"] == "lb-7f3a.01:x_y"
    [line] = [a for a in access_lines(log_lines()) if a["request_id"] == "lb-7f3a.01:x_y"]
    assert line["level"] == "info" and line["event"] == "request"
    assert line["method"] == "GET" and line["status"] == 404
    assert line["route"] == "/api/v1/payouts/{payout_id}"  # the template, not the raw path
    assert "424242" not in json.dumps(line)
    assert line["account_id"] == account_id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["ts"].endswith("Z")


@pytest.mark.parametrize(
    "given",
    [None, "", "has space", "x" * 65, "semi;colon", "<script>", "line\r\nbreak"],
    ids=["absent", "empty", "space", "too-long", "semicolon", "markup", "crlf"],
)
async def test_an_absent_or_odd_request_id_is_replaced_by_a_new_one(client, log_lines, given):
    headers = {} if given is None else {"X-Request-ID": given}
    try:
        r = await client.get("/health", headers=headers)
    except httpx.LocalProtocolError:  # the client itself refuses a header with a line break
        assert given is not None and "\n" in given
        return
    made = r.headers["x-request-id"]
    assert HEX32.fullmatch(made) and made != given
    assert [a["route"] for a in access_lines(log_lines()) if a["request_id"] == made] == ["/health"]


async def test_non_ascii_request_id_bytes_are_replaced(app, log_lines):
    # httpx refuses to send such a header, so the ASGI call is made by hand
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/health",
        "raw_path": b"/health",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"chainaid.test"), (b"x-request-id", "编号-1".encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("chainaid.test", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    ids = [v.decode() for k, v in start["headers"] if k.lower() == b"x-request-id"]
    assert len(ids) == 1 and HEX32.fullmatch(ids[0])


async def test_every_answer_carries_a_request_id(client, auth, log_lines, monkeypatch):
    headers = await auth("auditor")
    answers = {
        "unknown path": await client.get("/no/such/place"),
        "unknown API path": await client.get("/api/v1/nothing-here", headers=headers),
        "no token": await client.get("/api/v1/me"),
        "bad body": await client.post("/api/v1/payouts", content=b"{", headers=headers),
        "console sign-in page": await client.get("/console/sign-in"),
        "console without session": await client.get("/console"),
        "docs": await client.get("/schema/openapi.json"),
        "health": await client.get("/health"),
        "ready": await client.get("/ready"),
        "metrics": await client.get("/metrics"),
    }
    for what, r in answers.items():
        assert HEX32.fullmatch(r.headers.get("x-request-id", "")), (what, r.status_code, dict(r.headers))
    logged = {a["request_id"] for a in access_lines(log_lines())}
    assert {r.headers["x-request-id"] for r in answers.values()} <= logged


async def test_a_500_carries_its_request_id_in_the_answer_and_in_the_error_line(client, auth, log_lines, monkeypatch):
    from app.stats import service as stats

    number = resident_id(7)

    async def broken(as_of):
        raise RuntimeError(f"something broke near {number}")

    monkeypatch.setattr(stats, "overview", broken)
    r = await client.get("/api/v1/stats/overview", headers={**await auth("auditor"), "X-Request-ID": "crash-1"})
    assert r.status_code == 500 and r.headers["x-request-id"] == "crash-1"
    lines = [line for line in log_lines() if line.get("request_id") == "crash-1"]
    error = next(line for line in lines if line["level"] == "error")
    assert "RuntimeError" in error["exception"]
    assert number not in json.dumps(lines) and "[id-number]" in error["exception"]
    assert [a["status"] for a in access_lines(lines)] == [500]


async def test_no_token_id_number_or_phone_reaches_the_log(client, admin, auth, log_lines):
    world = await build_world(client, admin, auth)
    officer = world["officer"]
    token = officer["Authorization"].split()[1]
    number = resident_id(3)  # the head of the world's household
    phone = "13812345678"
    await client.get(f"/api/v1/households?q={number}&phone={phone}", headers=officer)
    await client.get(f"/api/v1/households?q={number}", headers={"Authorization": f"Bearer {token}x"})  # a bad token
    await client.get(f"/console/sign-in?token={token}")
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in log_lines())
    assert access_lines(log_lines())
    for secret in (token, token[:16], number, phone):
        assert secret not in text


async def test_the_servers_loggers_go_through_the_app_handler_and_their_access_lines_do_not(log_lines):
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://127.0.0.1:8000")
    logging.getLogger("granian").warning("a worker restarted")
    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /api/v1/households?q=%s HTTP/1.1" 200', resident_id(3))
    logging.getLogger("app.payouts").info("a line from the app, token ca_%s", "A" * 43)
    logging.getLogger("pgserver").info("Running commandline: pg_ctl ...")  # a library's chatter stays out
    logging.getLogger("pgserver").warning("a library's warning does not")
    lines = log_lines()
    assert [(line["logger"], line["level"]) for line in lines] == [
        ("uvicorn.error", "info"),
        ("granian", "warning"),
        ("app.payouts", "info"),
        ("pgserver", "warning"),
    ]
    assert lines[2]["message"] == "a line from the app, token ca_[redacted]"


async def test_the_text_format_names_the_request_id(client):
    buffer = io.StringIO()
    configure_logging("text", "info", stream=buffer)
    try:
        await client.get("/health", headers={"X-Request-ID": "txt-1"})
    finally:
        settings = get_settings()
        configure_logging(settings.log_format, settings.log_level)
    [line] = [x for x in buffer.getvalue().splitlines() if "app.access" in x]
    assert "[txt-1]" in line and "GET /health 200" in line and "route=/health" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


# --- metrics


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (s.labels, s.value) for family in text_string_to_metric_families(text) for s in family.samples if s.name == name
    ]


def value(text: str, name: str, **labels: str) -> float:
    return sum(v for got, v in samples(text, name) if all(got.get(k) == x for k, x in labels.items()))


async def test_metrics_count_requests_and_latencies_by_route_template(client, auth):
    headers = await auth("auditor")
    for payout_id in (910001, 910002, 910003):
        assert (await client.get(f"/api/v1/payouts/{payout_id}", headers=headers)).status_code == 404
    r = await client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    route = "/api/v1/payouts/{payout_id}"
    assert value(text, "chainaid_http_requests_total", path=route, method="GET", status_code="404") >= 3
    assert value(text, "chainaid_http_request_duration_seconds_count", path=route, status_code="404") >= 3
    # one series per route, not per id (a float may happen to hold the digits, a label may not)
    paths = {s.labels.get("path", "") for family in text_string_to_metric_families(text) for s in family.samples}
    assert not any("9100" in path for path in paths)
    # a refusal raised by the token check (answered outside the route) is counted with its own status
    before = value(text, "chainaid_http_requests_total", path=route, status_code="401")
    assert (await client.get("/api/v1/payouts/910004")).status_code == 401
    after = (await client.get("/metrics")).text
    assert value(after, "chainaid_http_requests_total", path=route, status_code="401") == before + 1
    assert value(after, "chainaid_http_requests_total", path=route, status_code="200") == value(
        text, "chainaid_http_requests_total", path=route, status_code="200"
    )
    assert all(not s[0]["path"].startswith("/metrics") for s in samples(text, "chainaid_http_requests_total"))


async def test_metrics_show_the_pool(client):
    text = (await client.get("/metrics")).text
    settings = get_settings()
    size = value(text, "chainaid_db_pool_size")
    assert 1 <= size <= settings.pool_max_size
    assert value(text, "chainaid_db_pool_max") == settings.pool_max_size
    assert value(text, "chainaid_db_pool_in_use") + value(text, "chainaid_db_pool_idle") == size
    pool = database._PoolHolder.pool
    assert pool is not None
    async with pool.acquire():
        held = (await client.get("/metrics")).text
        assert value(held, "chainaid_db_pool_in_use") >= 1


async def test_the_payout_counter_counts_what_was_committed(client, admin, auth):
    world = await build_world(client, admin, auth, households=2)
    link = await add_link(client, world, WAGE)
    link2 = await add_link(client, world, WAGE, household=1)

    async def counted(source: str) -> float:
        return value((await client.get("/metrics")).text, "chainaid_payouts_recorded_total", source=source)

    single, batch = await counted("single"), await counted("json")
    body = {
        "link_id": link,
        "income_type": "wage",
        "amount": "400.00",
        "period_from": "2017-01-01",
        "period_to": "2017-01-31",
        "paid_on": "2017-02-05",
        "method": "bank",
        "reference": "OPS-1",
    }
    assert (await client.post("/api/v1/payouts", json=body, headers=world["operator"])).status_code == 201
    assert await counted("single") == single + 1
    # a resend of the same payout writes nothing and is not counted; a refused one neither
    assert (await client.post("/api/v1/payouts", json=body, headers=world["operator"])).status_code == 200
    refused = {**body, "reference": "OPS-2", "link_id": 999999}
    assert (await client.post("/api/v1/payouts", json=refused, headers=world["operator"])).status_code == 422
    assert await counted("single") == single + 1
    rows = [{**body, "link_id": link2, "reference": f"OPS-B{n}", "period_from": f"2017-0{n}-01"} for n in (3, 4)]
    for row, month in zip(rows, ("03-31", "04-30"), strict=True):
        row["period_to"] = f"2017-{month}"
        row["paid_on"] = "2017-05-05"
    r = await client.post("/api/v1/payouts/batch", json=rows, headers=world["operator"])
    assert r.status_code in (200, 201), r.text
    assert r.json()["written"] == 2
    assert await counted("json") == batch + 2


async def test_the_approval_counter_counts_approved_claims(client, admin, auth):
    world = await build_world(client, admin, auth, households=1, enterprise=False, finance_name="财政局 王会计")
    finance = world["finance"]
    scheme = (await client.post("/api/v1/subsidy-schemes", json=SCHEME, headers=finance)).json()
    assert (await client.post(f"/api/v1/subsidy-schemes/{scheme['id']}/publish", headers=finance)).status_code == 200
    claim = await filed_and_verified(client, {**world, "scheme": scheme}, world["h"], "crayfish_rice", "5", "5")

    async def approved() -> float:
        return value((await client.get("/metrics")).text, "chainaid_subsidy_claims_approved_total")

    before = await approved()
    assert (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=finance)).status_code == 201
    assert (await client.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", headers=finance)).status_code == 409
    assert await approved() == before + 1


async def test_metrics_ask_for_their_token_when_one_is_set(client, monkeypatch):
    monkeypatch.setenv("CHAINAID_METRICS_TOKEN", "scrape-me-please-0123")
    get_settings.cache_clear()
    try:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-9999"})
        assert wrong.status_code == 401 and wrong.headers["content-type"].startswith("application/problem+json")
        ok = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-0123"})
        assert ok.status_code == 200 and "chainaid_db_pool_size" in ok.text
    finally:
        monkeypatch.delenv("CHAINAID_METRICS_TOKEN")
        get_settings.cache_clear()


async def test_metrics_can_be_turned_off(app, monkeypatch):
    from app.main import create_app

    monkeypatch.setenv("CHAINAID_METRICS", "off")
    get_settings.cache_clear()
    try:
        quiet = create_app()
    finally:
        monkeypatch.delenv("CHAINAID_METRICS")
        get_settings.cache_clear()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=quiet), base_url="http://chainaid.test") as c:
        assert (await c.get("/metrics")).status_code == 404
        assert (await c.get("/health")).status_code == 200


# --- readiness


async def test_ready_when_the_database_answers_and_every_migration_is_applied(client):
    r = await client.get("/ready")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ready", "database": "ok", "migrations": "current"}


async def test_not_ready_while_a_migration_is_pending(client):
    async with connection() as conn:
        row = await conn.fetchrow("SELECT * FROM migration ORDER BY id DESC LIMIT 1")
        await conn.execute("DELETE FROM migration WHERE id = $1", row["id"])
        try:
            r = await client.get("/ready")
        finally:
            await conn.execute(
                "INSERT INTO migration (id, name, app_name, ran_on) VALUES ($1, $2, $3, $4)",
                row["id"],
                row["name"],
                row["app_name"],
                row["ran_on"],
            )
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert "1 migration(s) not applied" in problem["detail"]
    assert problem["pending"] == [f"{row['app_name']}/{row['name']}"]
    assert (await client.get("/ready")).status_code == 200
    assert (await client.get("/health")).status_code == 200  # alive all along


async def test_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    pool = database._PoolHolder.pool
    assert pool is not None
    monkeypatch.setattr(database, "ACQUIRE_TIMEOUT_SECONDS", 0.2)
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        r = await client.get("/ready")
    finally:
        for conn in held:
            await pool.release(conn)
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"].startswith("database unavailable")
    assert (await client.get("/ready")).status_code == 200
