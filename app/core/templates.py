"""Where the Jinja templates live: the one place that knows the folder (API pages and the console)."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).parents[1] / "templates"
