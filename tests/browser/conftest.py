"""Browser tests: a real server on a fresh database with the demo loaded, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from playwright.async_api import async_playwright

from tests.api.conftest import app, clean_database, database_url  # noqa: F401  - the same database set-up

CHROMIUM = os.environ.get("CHAINAID_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# CHAINAID_SCREENSHOTS=docs/screenshots refreshes the README's pictures; otherwise they go to a temporary folder
SCREENSHOTS = os.environ.get("CHAINAID_SCREENSHOTS") or tempfile.mkdtemp(prefix="chainaid-shots-")


@pytest.fixture
async def browser():
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - one stat before the browser starts
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set CHAINAID_CHROMIUM)")
    async with async_playwright() as p:
        b = await p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield b
        finally:
            await b.close()
