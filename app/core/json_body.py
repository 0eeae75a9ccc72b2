"""Request bodies are decoded so that no JSON number with a fraction becomes money.

Money travels as a string ("1234.50"). A bare number like 12.5 is kept as a
``JsonFloat`` instead of a float: a Decimal field then refuses it by name, and
nothing ever rounds through binary floating point on the way in.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.types import Empty

from app.core.errors import Invalid


class JsonFloat:
    """A JSON number with a fraction or exponent, kept as its text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_decoder = msgspec.json.Decoder(float_hook=JsonFloat)
_AT_BYTE = re.compile(r"\(byte (\d+)\)")
NUL = "\x00"


def decode_json_body(body: bytes) -> Any:
    """Decode a request body. Anything that is not JSON (bad UTF-8, nesting too deep, malformed) and any
    text holding a NUL character (which PostgreSQL cannot store) is an ``Invalid`` naming the body or the
    field, in words chosen here: the decoder's and Python's own messages are not passed on."""
    try:
        value = _decoder.decode(body or b"null")
    except RecursionError:
        raise Invalid("body", "is nested too deeply") from None
    except UnicodeDecodeError:
        raise Invalid("body", "is not UTF-8 text") from None
    except msgspec.DecodeError as exc:
        at = _AT_BYTE.search(str(exc))
        raise Invalid("body", f"is not valid JSON (at byte {at.group(1)})" if at else "is not valid JSON") from None
    if b"\\u0000" in body:  # JSON can only carry a NUL escaped, so text without the escape holds none
        where = nul_at(value)
        if where is not None:
            raise Invalid(where or "body", "must not contain a NUL character")
    return value


def nul_at(value: Any, path: str = "") -> str | None:
    """The path (``items[2].name``) of the first text in a decoded JSON value that holds a NUL; None if none."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            if (found := nul_at(item, f"{path}[{i}]")) is not None:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in key:
                return path or "body"
            if (found := nul_at(item, name)) is not None:
                return found
    return None


class ChainAidRequest(Request):
    """Litestar's request, with the JSON body decoded by ``decode_json_body``."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                decoded = decode_json_body(await self.body())
                self._json = self._connection_state.json = decoded
        return self._json
