"""Settings read from the environment, once, at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    """A PostgreSQL URL; when unset, an embedded server runs in ``pgdata_dir``."""
    pgdata_dir: Path
    pool_min_size: int
    pool_max_size: int
    page_limit_default: int
    page_limit_max: int
    notice_days: int
    """Minimum length of a household's public notice (公示), in days."""
    continuation_years: int
    """脱贫不脱钩: years after its exit year that a household keeps links and subsidies."""
    exit_incidence: Decimal
    """A poor village exits when its poverty incidence is below this fraction."""
    watch_multiple: Decimal
    """Exited households under this multiple of the poverty line are watched."""
    revisit_days: int
    """Days within which a monitoring entry is to be revisited."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:  # a typo in the environment should stop the start, loudly
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


def _decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name) or default
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise SystemExit(f"{name} must be a decimal number, got {raw!r}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or None,
        pgdata_dir=Path(os.environ.get("CHAINAID_PGDATA", ".chainaid/pgdata")).absolute(),
        pool_min_size=_int("CHAINAID_POOL_MIN", 1),
        pool_max_size=_int("CHAINAID_POOL_MAX", 10),
        page_limit_default=50,
        page_limit_max=500,
        notice_days=_int("CHAINAID_NOTICE_DAYS", 7),
        continuation_years=_int("CHAINAID_CONTINUATION_YEARS", 5),
        exit_incidence=_decimal("CHAINAID_EXIT_INCIDENCE", "0.02"),
        watch_multiple=_decimal("CHAINAID_WATCH_MULTIPLE", "1.5"),
        revisit_days=_int("CHAINAID_REVISIT_DAYS", 30),
    )
