"""Schemathesis over every operation of the app's own OpenAPI document, against a real server, as admin:
no 5xx, and every response matching its documented status, content type and schema. A short run;
``uv run python -m scripts.fuzz_api`` is the long one."""

from __future__ import annotations

from bench.common import running_server
from scripts.fuzz_api import schemathesis


async def test_no_operation_answers_5xx_or_off_schema(database_url, auth, tmp_path):
    headers = await auth("admin", name="schemathesis")
    token = headers["Authorization"].split()[1]
    with running_server(database_url) as base:
        code = schemathesis(
            base, token, max_examples=3, seed=20171218, extra=["--report", "junit", "--report-dir", str(tmp_path)]
        )
    assert code == 0, "schemathesis found failures; run `uv run python -m scripts.fuzz_api` to see them"
