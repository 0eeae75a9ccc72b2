"""Domain errors: what a rule or a use case refuses, with no idea of HTTP.

Services and rules raise these; each edge maps them once: the API to problem+json
(``app/core/problems.py``), the console to its refusal page, the CLI to a message.

Every error carries a ``detail`` a person can read, the ``field`` it is about when
there is one, and ``extra`` members (for example ``errors``, a list of
``{field, message}`` or ``{line, field, message}``) that the answer passes on.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Something the domain refuses; the subclass says what kind of refusal it is."""

    def __init__(self, detail: str, *, field: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = dict(extra or {})
        if field is not None:
            self.extra.setdefault("field", field)
        self.field = field if field is not None else self.extra.get("field")


class NotFound(DomainError):
    """The thing named does not exist (or is not visible to the caller)."""


class Forbidden(DomainError):
    """The caller's role or scope does not reach this."""


class Conflict(DomainError):
    """Valid, but clashes with the current state (a duplicate, a step out of order)."""


class Refused(DomainError):
    """Well-formed, but refers to something that does not allow it, or breaks a rule of the data."""


class Invalid(DomainError, ValueError):
    """A bad value in a named field.

    It is a ``ValueError`` too, so raised from a schema's ``__post_init__`` msgspec
    turns it into a validation error whose message starts with the field name.
    """

    def __init__(self, field: str, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        DomainError.__init__(self, f"{field}: {message}", field=field, extra={"errors": errors} if errors else None)
        ValueError.__init__(self, f"{field}: {message}")
        self.message = message


# The name the schemas have always used for a field check raised in ``__post_init__``.
FieldError = Invalid
