"""The process's logs: one line per record, JSON for machines or text for people, each carrying the
request id of the request it was written for.

``configure_logging`` is called by the app factory, whatever ASGI server runs it: it puts one handler on
the root logger and sends the server's own loggers (uvicorn, Granian, Hypercorn, Gunicorn) through it.
The servers' access loggers are switched off: they write the raw path with its query string, which may
hold an ID number or a phone; the app writes its own access line (``app.core.request_log``) with the route
template instead.

Nothing here knows a web framework. As a last line of defence every message and traceback is passed
through ``redact``: a bearer token, an ID number, a bank-card number or a mobile number that reached a
log message by mistake is masked before it is written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any, Literal

REQUEST_ID: ContextVar[str | None] = ContextVar("chainaid_request_id", default=None)
"""The id of the request being handled (set by the request-log middleware), for every record written meanwhile."""

# Servers whose loggers are sent through the app's handler; their access loggers are silenced.
SERVER_LOGGERS = ("uvicorn", "granian", "_granian", "hypercorn", "gunicorn")

_SECRETS = [
    # an account token (app.core.principal.new_token) or any bearer credential
    (re.compile(r"\bca_[A-Za-z0-9_-]{8,}"), "ca_[redacted]"),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 [redacted]"),
    # an 18-character ID number (GB 11643), a 15-digit old one or a 16–19 digit bank card
    (re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"), "[id-number]"),
    (re.compile(r"(?<![0-9])[0-9]{15,19}(?![0-9])"), "[number]"),
    # a mainland mobile number
    (re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"), "[phone]"),
]


def redact(text: str) -> str:
    """``text`` with tokens, ID numbers, bank cards and mobile numbers masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


# what every LogRecord has; anything else on a record was passed with ``extra=`` and is written as a field
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "color_message",  # uvicorn's message again, with terminal colours
}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


def _exception_text(record: logging.LogRecord) -> str | None:
    if record.exc_info and record.exc_info[0] is not None:
        return redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        return redact(record.stack_info)
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        for key, value in _fields(record).items():
            line.setdefault(key, value)
        if (exc := _exception_text(record)) is not None:
            line["exception"] = exc
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for a developer's terminal: time, level, logger, [request id], message, then key=value fields."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
        request_id = getattr(record, "request_id", None)
        parts = [at, f"{record.levelname:<7}", record.name]
        if request_id:
            parts.append(f"[{request_id}]")
        parts.append(redact(record.getMessage()))
        parts.extend(f"{k}={v}" for k, v in _fields(record).items())
        text = " ".join(parts)
        if (exc := _exception_text(record)) is not None:
            text = f"{text}\n{exc}"
        return text


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request's id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class _Handler(logging.Handler):
    """Writes to the stream given, or to whatever ``sys.stderr`` is at the time of writing (a test runner
    swaps it; a handler holding the old one would write into a closed file)."""

    chainaid = True

    def __init__(self, stream: IO[str] | None) -> None:
        super().__init__()
        self._stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = self._stream if self._stream is not None else sys.stderr
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # logging must never break what it reports on
            self.handleError(record)


def resolve_format(choice: Literal["auto", "json", "text"], stream: IO[str] | None = None) -> Literal["json", "text"]:
    """``auto`` is text when the logs go to a terminal (a developer watching), JSON otherwise (systemd, docker)."""
    if choice != "auto":
        return choice
    target = stream if stream is not None else sys.stderr
    isatty = getattr(target, "isatty", None)
    return "text" if callable(isatty) and isatty() else "json"


def configure_logging(
    fmt: Literal["auto", "json", "text"] = "auto", level: str = "info", stream: IO[str] | None = None
) -> logging.Handler:
    """One handler on the root logger (replacing the one an earlier call put there), the server's loggers
    sent through it and their access loggers off; ``level`` for the app and the server, warnings and up for
    other libraries (everything at ``debug``). Returns the handler."""
    handler = _Handler(stream)
    handler.setFormatter(JsonFormatter() if resolve_format(fmt, stream) == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "chainaid", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    chosen = logging.getLevelNamesMapping()[level.upper()]
    # the app and the server at the level chosen; other libraries (pgserver's command lines, httpx) only from
    # warnings up, unless debugging
    root.setLevel(chosen if chosen <= logging.DEBUG else max(chosen, logging.WARNING))
    logging.getLogger("app").setLevel(chosen)
    # the servers' loggers, as far as they exist yet (and their usual names, for a server that makes them later)
    known = {name for name in list(logging.root.manager.loggerDict) if name.split(".")[0] in SERVER_LOGGERS}
    for name in (
        known | set(SERVER_LOGGERS) | {f"{server}.{kind}" for server in SERVER_LOGGERS for kind in ("error", "access")}
    ):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        # an access logger writes the raw path and query string: the app's own access line replaces it
        logger.propagate = not name.endswith(".access")
        logger.disabled = name.endswith(".access")
        if name in SERVER_LOGGERS and logger.level == logging.NOTSET:
            logger.setLevel(chosen)
    return handler
