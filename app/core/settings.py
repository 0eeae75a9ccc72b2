"""Settings read from the environment, once, at start-up.

Decoded with msgspec: a value of the wrong type or out of its bounds stops the start
with a message naming the variable, rather than surfacing later as a strange refusal
(a 0-day public notice, an exit threshold of 200%).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

_DEFAULT_PGDATA = ".chainaid/pgdata"
# beside the data folder, never in it: a copy of the database must not carry the key that signs its witness
_DEFAULT_AUDIT_KEY_FILE = ".chainaid/audit.key"
_DEFAULT_AUDIT_CHECKPOINTS = ".chainaid/audit-checkpoints.jsonl"
# evidence files (photos, documents of project assets), by the SHA-256 of their content; beside the data folder
_DEFAULT_EVIDENCE_DIR = ".chainaid/evidence"
EVIDENCE_MAX_MB = 64
"""The largest ``CHAINAID_EVIDENCE_MAX_MB`` may be (an upload route takes no more than this)."""


# The largest value one field of a request may hold, by kind of field: far above anything real, low
# enough that a slipped finger (12,345,678,901.00 for a month's wage) is refused, not paid. One table,
# one variable: CHAINAID_CEILINGS="payout=2000000,budget=500000000" overrides the kinds it names.
DEFAULT_CEILINGS: Mapping[str, Decimal] = {
    "payout": Decimal("1000000.00"),  # one payout to a household (JSON, batch or CSV)
    "terms": Decimal("1000000.00"),  # a link's share capital, wage rate, contract price, franchise fee
    "support": Decimal("10000000.00"),  # one support record of an enterprise for a village
    "budget": Decimal("1000000000.00"),  # a subsidy scheme's budget
    "subsidy": Decimal("1000000.00"),  # a subsidy rate's cap, a scheme's cap per household
    "rate": Decimal("100000.00"),  # a subsidy tier's rate per unit (mu, head, ...)
    "quantity": Decimal("1000000.00"),  # areas, declared, verified and contracted quantities, tier bounds
    "income": Decimal("1000000.00"),  # a household's declared other net income for a year; a poverty line
    "threshold": Decimal("100000000.00"),  # a cross-check rule's minimum value
    "asset": Decimal("1000000000.00"),  # an asset's book value and funding, an agreement's rent, an income from it
}
# a ceiling fits the columns it guards: NUMERIC(14,2) for money, NUMERIC(12,2) for quantities
_CEILING_MAX = {"quantity": Decimal("9999999999.99"), "rate": Decimal("9999999999.99")}
_MONEY_MAX = Decimal("999999999999.99")
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class Ceilings(dict[str, Decimal]):
    """The ceilings in force: ``DEFAULT_CEILINGS`` with CHAINAID_CEILINGS's overrides."""

    @classmethod
    def parse(cls, text: str) -> Ceilings:
        """ "kind=value,kind=value": each kind one of DEFAULT_CEILINGS, each value a plain number above 0."""
        ceilings = cls(DEFAULT_CEILINGS)
        for part in text.split(","):
            kind, sep, value = (p.strip() for p in part.partition("="))
            if not sep or kind not in DEFAULT_CEILINGS:
                raise ValueError(f"{part.strip()!r} is not kind=value with a kind of {', '.join(DEFAULT_CEILINGS)}")
            highest = _CEILING_MAX.get(kind, _MONEY_MAX)
            if not _PLAIN_NUMBER.fullmatch(value) or not 0 < Decimal(value) <= highest:
                raise ValueError(f"the ceiling for {kind} must be a number above 0 and at most {highest}")
            ceilings[kind] = Decimal(value)
        return ceilings


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # Each field is decoded from the environment variable it is renamed to.
    database_url: str | None = msgspec.field(default=None, name="DATABASE_URL")
    """A PostgreSQL URL; when unset, an embedded server runs in ``pgdata_dir``."""
    database_replica_url: str | None = msgspec.field(default=None, name="DATABASE_REPLICA_URL")
    """A streaming read replica of ``DATABASE_URL``; when set, reports, exports, lists and the overview read there."""
    replica_retry_seconds: Annotated[int, msgspec.Meta(ge=1, le=3600)] = msgspec.field(
        default=30, name="CHAINAID_REPLICA_RETRY_SECONDS"
    )
    """After the replica failed, how long reads stay on the primary before the replica is tried again."""
    primary_after_write_seconds: Annotated[int, msgspec.Meta(ge=0, le=3600)] = msgspec.field(
        default=30, name="CHAINAID_PRIMARY_AFTER_WRITE_SECONDS"
    )
    """With a replica: a client that wrote within this many seconds reads from the primary (0: never)."""
    pgdata_dir: Path = msgspec.field(default_factory=lambda: Path(_DEFAULT_PGDATA).absolute(), name="CHAINAID_PGDATA")
    pg_bin: Path | None = msgspec.field(default=None, name="CHAINAID_PG_BIN")
    """A folder with ``pg_dump`` and ``pg_restore`` for ``chainaid backup`` and ``restore``, tried first."""
    pool_min_size: Annotated[int, msgspec.Meta(ge=1, le=100)] = msgspec.field(default=1, name="CHAINAID_POOL_MIN")
    pool_max_size: Annotated[int, msgspec.Meta(ge=1)] = msgspec.field(default=10, name="CHAINAID_POOL_MAX")
    log_format: Literal["auto", "json", "text"] = msgspec.field(default="auto", name="CHAINAID_LOG_FORMAT")
    """``json``: one JSON object per line; ``text``: a line for people; ``auto``: text on a terminal, else JSON."""
    log_level: Literal["debug", "info", "warning", "error"] = msgspec.field(default="info", name="CHAINAID_LOG_LEVEL")
    metrics: Literal["on", "off"] = msgspec.field(default="on", name="CHAINAID_METRICS")
    """Whether ``/metrics`` (Prometheus) is served."""
    metrics_token: Annotated[str, msgspec.Meta(min_length=16, max_length=256)] | None = msgspec.field(
        default=None, name="CHAINAID_METRICS_TOKEN"
    )
    """When set, ``/metrics`` answers only a request with ``Authorization: Bearer <this token>``."""
    notice_days: Annotated[int, msgspec.Meta(ge=1, le=90)] = msgspec.field(default=7, name="CHAINAID_NOTICE_DAYS")
    """Minimum length of a household's public notice (公示), in days."""
    notice_days_identification: Annotated[int, msgspec.Meta(ge=1, le=90)] = msgspec.field(
        default=7, name="CHAINAID_NOTICE_DAYS_IDENTIFICATION"
    )
    """Shortest posted notice (app/notices) of households identified as poor, in days."""
    notice_days_monitoring_intake: Annotated[int, msgspec.Meta(ge=1, le=90)] = msgspec.field(
        default=5, name="CHAINAID_NOTICE_DAYS_MONITORING_INTAKE"
    )
    """Shortest posted notice of households taken into monitoring, in days."""
    notice_days_risk_elimination: Annotated[int, msgspec.Meta(ge=1, le=90)] = msgspec.field(
        default=5, name="CHAINAID_NOTICE_DAYS_RISK_ELIMINATION"
    )
    """Shortest posted notice of monitored households cleared (风险消除), in days."""
    notice_days_subsidy_claims: Annotated[int, msgspec.Meta(ge=1, le=90)] = msgspec.field(
        default=5, name="CHAINAID_NOTICE_DAYS_SUBSIDY_CLAIMS"
    )
    """Shortest posted notice of a scheme's claims in a village, in days (a scheme may ask for longer)."""
    continuation_years: Annotated[int, msgspec.Meta(ge=0, le=20)] = msgspec.field(
        default=5, name="CHAINAID_CONTINUATION_YEARS"
    )
    """脱贫不脱钩: years after its exit year that a household keeps links and subsidies."""
    exit_incidence: Decimal = msgspec.field(default=Decimal("0.02"), name="CHAINAID_EXIT_INCIDENCE")
    """A poor village exits when its poverty incidence is below this fraction."""
    min_linked_households: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = msgspec.field(
        default=10, name="CHAINAID_MIN_LINKED_HOUSEHOLDS"
    )
    """联农带农: the least households an operator must have linked in a county and industry in a year; the
    linkage evaluation flags an operator with fewer (a county may set its own)."""
    asset_idle_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = msgspec.field(
        default=12, name="CHAINAID_ASSET_IDLE_MONTHS"
    )
    """An asset in use whose agreement brought no income for this many months is flagged idle (a county may
    set its own)."""
    asset_distribution_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = msgspec.field(
        default=30, name="CHAINAID_ASSET_DISTRIBUTION_DAYS"
    )
    """Days within which an asset's income received is to be distributed to households, else it is flagged (a
    county may set its own)."""
    asset_arrears_grace_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = msgspec.field(
        default=30, name="CHAINAID_ASSET_ARREARS_GRACE_DAYS"
    )
    """Days after a year's end before an agreement's income for the year that falls short of its promise is
    flagged (a county may set its own)."""
    evidence_dir: Path = msgspec.field(
        default_factory=lambda: Path(_DEFAULT_EVIDENCE_DIR).absolute(), name="CHAINAID_EVIDENCE_DIR"
    )
    """Where the evidence files of assets are kept, by the SHA-256 of their content (the database keeps the
    hash and what the file is)."""
    evidence_max_mb: Annotated[int, msgspec.Meta(ge=1, le=EVIDENCE_MAX_MB)] = msgspec.field(
        default=10, name="CHAINAID_EVIDENCE_MAX_MB"
    )
    """The largest evidence file taken, in MiB."""
    watch_multiple: Decimal = msgspec.field(default=Decimal("1.5"), name="CHAINAID_WATCH_MULTIPLE")
    """Exited households under this multiple of the poverty line are watched."""
    revisit_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = msgspec.field(default=30, name="CHAINAID_REVISIT_DAYS")
    """Days within which a monitoring entry is to be revisited."""
    earliest_day: date = msgspec.field(default=date(2000, 1, 1), name="CHAINAID_EARLIEST_DAY")
    """The earliest day a programme date (a link, payout, pairing, visit, verification...) may name."""
    horizon_days: Annotated[int, msgspec.Meta(ge=0, le=3660)] = msgspec.field(default=366, name="CHAINAID_HORIZON_DAYS")
    """How far after today a planned date (a link's or a pairing's end, a scheme year) may reach."""
    csrf_secret: Annotated[str, msgspec.Meta(min_length=32)] | None = msgspec.field(
        default=None, name="CHAINAID_CSRF_SECRET"
    )
    """The console's CSRF signing key, the same for every worker (``chainaid serve`` makes one per start)."""
    audit_key: Annotated[str, msgspec.Meta(min_length=32)] | None = msgspec.field(
        default=None, name="CHAINAID_AUDIT_KEY"
    )
    """The key that signs the audit chain's checkpoints (HMAC-SHA256); when unset, ``audit_key_file`` holds it."""
    audit_key_file: Path = msgspec.field(
        default_factory=lambda: Path(_DEFAULT_AUDIT_KEY_FILE).absolute(), name="CHAINAID_AUDIT_KEY_FILE"
    )
    """Where the audit key is kept (made on first start, mode 0600) when ``CHAINAID_AUDIT_KEY`` is unset."""
    audit_checkpoints_file: Path = msgspec.field(
        default_factory=lambda: Path(_DEFAULT_AUDIT_CHECKPOINTS).absolute(), name="CHAINAID_AUDIT_CHECKPOINTS"
    )
    """The file the signed checkpoints of the chain's head are appended to, outside the database."""
    audit_checkpoint_seconds: Annotated[int, msgspec.Meta(ge=1, le=60)] = msgspec.field(
        default=60, name="CHAINAID_AUDIT_CHECKPOINT_SECONDS"
    )
    """How often a serving worker checkpoints the chain's head (when it moved)."""
    ceilings: Ceilings = msgspec.field(default_factory=lambda: Ceilings(DEFAULT_CEILINGS), name="CHAINAID_CEILINGS")
    """The largest value a request may give each kind of amount or quantity (see ``DEFAULT_CEILINGS``)."""
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
        if self.database_replica_url is not None and self.database_url is None:
            raise ValueError("DATABASE_REPLICA_URL needs DATABASE_URL: the embedded server has no replica")
        if self.pool_max_size < self.pool_min_size:
            raise ValueError(
                f"CHAINAID_POOL_MAX ({self.pool_max_size}) must be at least CHAINAID_POOL_MIN ({self.pool_min_size})"
            )
        for name, path in (
            ("CHAINAID_AUDIT_KEY_FILE", self.audit_key_file),
            ("CHAINAID_AUDIT_CHECKPOINTS", self.audit_checkpoints_file),
            ("CHAINAID_EVIDENCE_DIR", self.evidence_dir),
        ):
            if path.is_relative_to(self.pgdata_dir):
                raise ValueError(f"{name} ({path}) must be outside the data folder CHAINAID_PGDATA ({self.pgdata_dir})")
        if not date(1990, 1, 1) <= self.earliest_day <= date.today():
            raise ValueError(
                f"CHAINAID_EARLIEST_DAY must be a day from 1990-01-01 to today, got {self.earliest_day.isoformat()}"
            )
        _check_decimal(
            "CHAINAID_EXIT_INCIDENCE",
            self.exit_incidence,
            low=Decimal(0),
            high=Decimal(1),
            low_inclusive=False,
            high_inclusive=False,  # at 1, a village where everyone is poor would count as exited
            meaning="a fraction above 0 and below 1",
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
    name: str,
    value: Decimal,
    *,
    low: Decimal,
    high: Decimal,
    low_inclusive: bool,
    meaning: str,
    high_inclusive: bool = True,
) -> None:
    if not value.is_finite():  # NaN compares with nothing: say so before comparing
        raise ValueError(f"{name} must be {meaning}, got {value}")
    above_low = value >= low if low_inclusive else value > low
    below_high = value <= high if high_inclusive else value < high
    if not above_low or not below_high:
        raise ValueError(f"{name} must be {meaning}, got {value}")


# the variables read, so that no other environment entry can set a field
ENVIRONMENT = tuple(f.encode_name for f in msgspec.structs.fields(Settings) if f.encode_name != f.name)


def _dec_hook(type_: type, value: Any) -> Any:
    if type_ is Path and isinstance(value, str):
        return Path(value).absolute()
    if type_ is Ceilings and isinstance(value, str):
        return Ceilings.parse(value)
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
    shown = "(hidden)" if name in _SECRETS else repr(given.get(name, ""))
    return f"{name}={shown}: {head}"


_SECRETS = frozenset({"CHAINAID_AUDIT_KEY", "CHAINAID_CSRF_SECRET", "CHAINAID_METRICS_TOKEN"})  # never echoed back


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
