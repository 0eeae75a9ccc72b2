"""Schemathesis against the app's own OpenAPI document, over every operation, authenticated as admin.

Checks: no 5xx, every response matching its documented schema, status code and content type.
The test suite runs a short version (tests/api/test_schemathesis.py); this is the longer one.

Run: uv run python -m scripts.fuzz_api [--max-examples 100] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from bench.common import account_token, fresh_database, run, running_server

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


def schemathesis(base: str, token: str, *, max_examples: int, seed: int, extra: list[str] | None = None) -> int:
    """Run the schemathesis CLI against a live server; its exit code (0: nothing found)."""
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base}/schema/openapi.json",
        "--checks",
        CHECKS,
        "-H",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--exclude-path-regex",
        "^/schema",
        *(extra or []),
    ]
    return subprocess.run(cmd, env={**os.environ, "NO_COLOR": "1"}).returncode


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = await fresh_database()
    token = account_token(url, "admin", "--name", "fuzz")
    with running_server(url) as base:
        code = schemathesis(base, token, max_examples=args.max_examples, seed=args.seed)
    raise SystemExit(code)


if __name__ == "__main__":
    run(main)
