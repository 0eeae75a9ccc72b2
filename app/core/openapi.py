"""What the OpenAPI document says about errors: every route documents the problem answers it can give."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec

from app.core.problems import PROBLEM_JSON


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
