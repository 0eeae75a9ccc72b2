"""What the OpenAPI document says about errors: every route documents the problem answers it can give."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from app.core.problems import PROBLEM_JSON
from app.core.validation import DECIMAL_TEXT, DecimalText


class DecimalTextSchema(OpenAPISchemaPlugin):
    """A request's decimal field (``DecimalIn``) is documented as the text it must be."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is DecimalText

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(
            one_of=[
                Schema(type=OpenAPIType.STRING, pattern=f"^{DECIMAL_TEXT.pattern}$", examples=["1234.50"]),
                Schema(type=OpenAPIType.INTEGER, minimum=0),
            ],
            description='digits 0-9 with at most one "." (no sign, no exponent), or a whole JSON number',
        )


class FieldProblem(msgspec.Struct, kw_only=True):
    field: str
    message: str
    line: int | None = None
    index: int | None = None


class Problem(msgspec.Struct, kw_only=True):
    """RFC 9457 problem details; extension members (``field``, ``errors``, ...) say more."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[FieldProblem] | None = None


_WHY = {
    400: "invalid input; ``errors`` names each bad field",
    401: "no valid bearer token",
    403: "the role or scope does not allow it",
    404: "no such object",
    409: "clashes with the current state",
    422: "refers to something missing, or breaks a rule",
}


def _spec(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem, description=_WHY[status], media_type=PROBLEM_JSON, generate_examples=False
    )


def document_problems(app: Litestar) -> None:
    """Add the problem answers to every API route's documented responses (health documents its 503)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not route.path.startswith("/api/"):
                continue
            extra: dict[int, Any] = {status: _spec(status) for status in _WHY}
            handler.responses = {**extra, **(handler.responses or {})}
