"""Reading msgspec's validation messages back into the field they name and what is wrong with it.

Pure text handling, shared by the API's problem answers and the CSV readers.
"""

from __future__ import annotations

import re

JSON_FLOAT_HINT = 'a JSON number with a fraction; send amounts and quantities as strings such as "12.50"'

_MSGSPEC_PATH = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_MISSING = re.compile(r"missing required field `(\w+)`")
_FIELD_PREFIX = re.compile(r"^(?P<field>[A-Za-z_][\w.\[\]]*): (?P<msg>.+)$", re.S)
_MISSING_PARAMETER = re.compile(r"^Missing required (?:query|path|header|cookie) parameter '(?P<name>[^']+)'")


def missing_parameter(detail: str) -> str | None:
    """The parameter Litestar's "Missing required query parameter 'year' for path ..." names, or None."""
    match = _MISSING_PARAMETER.match(detail)
    return match.group("name") if match else None


def field_and_message(error: str) -> tuple[str | None, str]:
    """Read a msgspec validation message back into (field path, message)."""
    return split_field(None, error)


def split_field(key: str | None, message: str) -> tuple[str | None, str]:
    """Turn Litestar's (key, message) pair into the field path a caller can act on."""
    match = _MSGSPEC_PATH.match(message)
    msg, path = (match.group("msg"), match.group("path")) if match else (message, None)
    field = key
    if path:
        path = path.lstrip(".")
        field = f"{key}.{path}" if key and not path.startswith("[") else f"{key or ''}{path}"
    if "got `JsonFloat`" in msg:
        msg = msg.split(", got")[0] + ", got " + JSON_FLOAT_HINT
    if missing := _MISSING.search(msg):
        field = f"{field}.{missing.group(1)}" if field else missing.group(1)
    inner = _FIELD_PREFIX.match(msg)
    if inner:  # an Invalid raised in __post_init__
        sub = inner.group("field")
        field = f"{field}.{sub}" if field else sub
        msg = inner.group("msg")
    if field and field.startswith("data."):
        field = field[len("data.") :]
    elif field == "data":
        field = None
    return field, msg
