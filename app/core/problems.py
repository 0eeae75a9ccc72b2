"""Every error leaves as RFC 9457 problem details (``application/problem+json``).

The one place where a domain error (``app/core/errors.py``) becomes an HTTP status;
database constraint violations that slip past validation are mapped to 409 / 422
here, so no integrity error ever becomes a 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Protocol

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from app.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Refused, Unavailable
from app.core.field_messages import missing_parameter, split_field
from app.core.headers import API_HEADERS
from app.core.messages import Message

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, extra: dict[str, Any] | None = None) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    # the standard members win over extension members of the same name
    body = {**(extra or {}), **body}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(API_HEADERS))


_STATUS: dict[type[DomainError], int] = {
    Invalid: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Refused: 422,
    Unavailable: 503,
}


def status_of(error: DomainError) -> int:
    """The HTTP status a domain error answers with."""
    for kind, status in _STATUS.items():
        if isinstance(error, kind):
            return status
    return 422


class Answer(Protocol):
    """How a failure is written for its reader: problem+json for the API, a page for the console.
    ``text`` is a domain error's template and parameters, for a reader in another language."""

    def __call__(
        self,
        request: Request,
        status: int,
        detail: str,
        extra: dict[str, Any] | None = None,
        text: Message | None = None,
    ) -> Response: ...


def _problem_answer(
    request: Request, status: int, detail: str, extra: dict[str, Any] | None = None, text: Message | None = None
) -> Response:
    return problem(status, detail, extra)


def exception_handlers(answer: Answer) -> ExceptionHandlersMap:
    """The mapping of every failure to (status, detail, extra), written through ``answer``.
    The API uses it with problem+json (``EXCEPTION_HANDLERS``); the console router with its error page."""

    def _validation_handler(request: Request, exc: ValidationException) -> Response:
        errors = []
        for item in exc.extra if isinstance(exc.extra, list) else []:
            key = item.get("key")
            field, message = split_field(key, str(item.get("message", "")))
            entry = {"field": field or "body", "message": message}
            if "line" in item:  # a row of an uploaded file
                entry["line"] = item["line"]
            if source := item.get("source"):
                entry["source"] = getattr(source, "value", source)
            errors.append(entry)
        if not errors:  # a required parameter left out is named as itself; anything else is the body's
            errors.append({"field": missing_parameter(exc.detail) or "body", "message": exc.detail})
        names = ", ".join(e["field"] for e in errors)
        return answer(request, 400, f"invalid value for {names}", {"errors": errors})

    def _domain_handler(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, Invalid):  # raised outside request decoding, e.g. reading an uploaded file
            errors = exc.extra.get("errors") or [{"field": exc.field, "message": exc.message}]
            return answer(request, 400, f"invalid value for {exc.field}", {"errors": errors})
        return answer(request, status_of(exc), exc.detail, exc.extra, exc.text)

    def _http_handler(request: Request, exc: HTTPException) -> Response:
        extra = exc.extra if isinstance(exc.extra, dict) else ({"errors": exc.extra} if exc.extra else {})
        response = answer(request, exc.status_code, exc.detail, extra)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    def _integrity_handler(request: Request, exc: asyncpg.IntegrityConstraintViolationError) -> Response:
        # the answer says what kind of clash it was in words the app chose; the constraint, table and the
        # database's own message (which may quote the stored values) stay in the server's log
        _log_database_refusal(request, exc)
        if isinstance(exc, asyncpg.UniqueViolationError):
            return answer(request, 409, "already exists: a record with the same identifying values is stored")
        if isinstance(exc, asyncpg.ForeignKeyViolationError):
            if "still referenced" in (getattr(exc, "detail", None) or ""):
                return answer(request, 409, "still in use: other records refer to it")
            return answer(request, 422, "refers to something that does not exist")
        if isinstance(exc, asyncpg.RestrictViolationError):
            return answer(request, 409, "still in use: other records refer to it")
        if isinstance(exc, asyncpg.ExclusionViolationError):  # e.g. two links of one kind overlapping in time
            return answer(request, 409, "overlaps an existing record")
        # check and not-null violations
        return answer(request, 422, "a value breaks a rule of the stored data")

    def _data_handler(request: Request, exc: asyncpg.DataError) -> Response:
        # e.g. a value out of the column's range, or text the database cannot store, that validation did
        # not anticipate
        _log_database_refusal(request, exc)
        return answer(request, 422, "a value is out of range or is not text the system can store")

    def _serialization_handler(request: Request, exc: asyncpg.SerializationError) -> Response:
        return answer(request, 409, "a concurrent change got there first; retry the request")

    def _unexpected_handler(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, HTTP_500_INTERNAL_SERVER_ERROR, "internal error; it has been logged")

    return {
        ValidationException: _validation_handler,
        DomainError: _domain_handler,
        HTTPException: _http_handler,
        asyncpg.IntegrityConstraintViolationError: _integrity_handler,
        asyncpg.DataError: _data_handler,
        asyncpg.SerializationError: _serialization_handler,
        asyncpg.DeadlockDetectedError: _serialization_handler,
        Exception: _unexpected_handler,
    }


def _log_database_refusal(request: Request, exc: asyncpg.PostgresError) -> None:
    """What the database refused, for the server's log: the kind, SQLSTATE and the names of the constraint,
    table and column; not the message, which may quote the refused values (ID numbers, bank cards)."""
    log.warning(
        "database refused %s %s: %s (sqlstate %s, constraint %s, table %s, column %s)",
        request.method,
        request.url.path,
        type(exc).__name__,
        getattr(exc, "sqlstate", None),
        getattr(exc, "constraint_name", None),
        getattr(exc, "table_name", None),
        getattr(exc, "column_name", None),
    )


EXCEPTION_HANDLERS = exception_handlers(_problem_answer)
