"""Settings read from the environment, once, at start-up.

Decoded with msgspec: a value of the wrong type or out of its bounds stops the start
with a message naming the variable, rather than surfacing later as a strange refusal
(a 0-day public notice, an exit threshold of 200%).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import msgspec

_DEFAULT_PGDATA = ".chainaid/pgdata"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # Each field is decoded from the environment variable it is renamed to.
    database_url: str | None = msgspec.field(default=None, name="DATABASE_URL")
    """A PostgreSQL URL; when unset, an embedded server runs in ``pgdata_dir``."""
    pgdata_dir: Path = msgspec.field(default_factory=lambda: Path(_DEFAULT_PGDATA).absolute(), name="CHAINAID_PGDATA")
    pool_min_size: Annotated[int, msgspec.Meta(ge=1, le=100)] = msgspec.field(default=1, name="CHAINAID_POOL_MIN")
    pool_max_size: Annotated[int, msgspec.Meta(ge=1)] = msgspec.field(default=10, name="CHAINAID_POOL_MAX")
    notice_days: Annotated[int, msgspec.Meta(ge=1, le=90)] = msgspec.field(default=7, name="CHAINAID_NOTICE_DAYS")
    """Minimum length of a household's public notice (公示), in days."""
    continuation_years: Annotated[int, msgspec.Meta(ge=0, le=20)] = msgspec.field(
        default=5, name="CHAINAID_CONTINUATION_YEARS"
    )
    """脱贫不脱钩: years after its exit year that a household keeps links and subsidies."""
    exit_incidence: Decimal = msgspec.field(default=Decimal("0.02"), name="CHAINAID_EXIT_INCIDENCE")
    """A poor village exits when its poverty incidence is below this fraction."""
    watch_multiple: Decimal = msgspec.field(default=Decimal("1.5"), name="CHAINAID_WATCH_MULTIPLE")
    """Exited households under this multiple of the poverty line are watched."""
    revisit_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = msgspec.field(default=30, name="CHAINAID_REVISIT_DAYS")
    """Days within which a monitoring entry is to be revisited."""
    csrf_secret: Annotated[str, msgspec.Meta(min_length=32)] | None = msgspec.field(
        default=None, name="CHAINAID_CSRF_SECRET"
    )
    """The console's CSRF signing key, the same for every worker (``chainaid serve`` makes one per start)."""
    shutdown_seconds: Annotated[int, msgspec.Meta(ge=1, le=600)] = msgspec.field(
        default=20, name="CHAINAID_SHUTDOWN_SECONDS"
    )
    """On SIGINT or SIGTERM, how long ``chainaid serve`` lets requests in flight finish before it stops a worker."""
    header_seconds: Annotated[int, msgspec.Meta(ge=1, le=60)] = msgspec.field(
        default=10, name="CHAINAID_HEADER_SECONDS"
    )
    """How long a client has to send a request's line and headers before its connection is closed (slow clients)."""
    # fixed, not read from the environment
    page_limit_default: int = 50
    page_limit_max: int = 500

    def __post_init__(self) -> None:
        # msgspec.Meta bounds apply to numbers, not to Decimal, so these are checked here
        if self.pool_max_size < self.pool_min_size:
            raise ValueError(
                f"CHAINAID_POOL_MAX ({self.pool_max_size}) must be at least CHAINAID_POOL_MIN ({self.pool_min_size})"
            )
        _check_decimal(
            "CHAINAID_EXIT_INCIDENCE",
            self.exit_incidence,
            low=Decimal(0),
            high=Decimal(1),
            low_inclusive=False,
            meaning="a fraction above 0 and at most 1",
        )
        _check_decimal(
            "CHAINAID_WATCH_MULTIPLE",
            self.watch_multiple,
            low=Decimal(1),
            high=Decimal(10),
            low_inclusive=True,
            meaning="a multiple from 1 to 10",
        )


def _check_decimal(
    name: str, value: Decimal, *, low: Decimal, high: Decimal, low_inclusive: bool, meaning: str
) -> None:
    if not value.is_finite() or not (value >= low if low_inclusive else value > low) or value > high:
        raise ValueError(f"{name} must be {meaning}, got {value}")


# the variables read, so that no other environment entry can set a field
ENVIRONMENT = tuple(f.encode_name for f in msgspec.structs.fields(Settings) if f.encode_name != f.name)


def _dec_hook(type_: type, value: Any) -> Any:
    if type_ is Path and isinstance(value, str):
        return Path(value).absolute()
    # msgspec's protocol for a type the hook does not convert (it then reports the field as invalid)
    raise NotImplementedError(f"{type_} is not a setting type")


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from ``environ``; an unset or empty variable takes its default.

    Raises SystemExit naming the variable when a value is malformed or out of bounds.
    """
    given = {name: environ[name] for name in ENVIRONMENT if environ.get(name)}
    try:
        # strict=False: environment values are strings, "7" must decode as an int
        return msgspec.convert(given, Settings, strict=False, dec_hook=_dec_hook)
    except msgspec.ValidationError as exc:
        raise InvalidSettings(f"invalid setting: {_name_the_variable(str(exc), given)}") from exc


class InvalidSettings(SystemExit):
    """A setting out of its type or bounds: the process stops, and ``chainaid`` says so in one line (exit 2)."""


def _name_the_variable(message: str, given: Mapping[str, str]) -> str:
    # msgspec says "Expected `int` >= 1 - at `$.CHAINAID_X`"; put the variable and its value first
    head, sep, where = message.rpartition(" - at `$.")
    if not sep:
        return message
    name = where.rstrip("`")
    return f"{name}={given.get(name, '')!r}: {head}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
