"""Request bodies are decoded so that no JSON number with a fraction becomes money.

Money travels as a string ("1234.50"). A bare number like 12.5 is kept as a
``JsonFloat`` instead of a float: a Decimal field then refuses it by name, and
nothing ever rounds through binary floating point on the way in.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.types import Empty


class JsonFloat:
    """A JSON number with a fraction or exponent, kept as its text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_decoder = msgspec.json.Decoder(float_hook=JsonFloat)


def decode_json_body(body: bytes) -> Any:
    """Decode a request body; anything that is not JSON (bad UTF-8, nesting too deep) is a DecodeError."""
    try:
        return _decoder.decode(body or b"null")
    except (UnicodeDecodeError, RecursionError) as exc:
        raise msgspec.DecodeError(f"not valid JSON: {type(exc).__name__}") from None


class ChainAidRequest(Request):
    """Litestar's request, with the JSON body decoded by ``decode_json_body``."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                try:
                    decoded = decode_json_body(await self.body())
                except msgspec.DecodeError as exc:
                    raise ValidationException(
                        detail="the body is not valid JSON", extra=[{"key": "body", "message": str(exc)}]
                    ) from None
                self._json = self._connection_state.json = decoded
        return self._json
