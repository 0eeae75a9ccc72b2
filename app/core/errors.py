"""Domain errors: what a rule or a use case refuses, with no idea of HTTP.

Services and rules raise these; each edge maps them once: the API to problem+json
(``app/core/problems.py``), the console to its refusal page, the CLI to a message.

Every error carries a ``detail`` a person can read, the ``field`` it is about when
there is one, and ``extra`` members (for example ``errors``, a list of
``{field, message}`` or ``{line, field, message}``) that the answer passes on.

A refusal a person may read in another language is raised from a template
(``Conflict.of(N_("the claim is {status}; ..."), status=code("claim status", s))``,
see ``app/core/messages.py``): ``detail`` is then the English text, and ``text`` keeps
the template and its parameters for the console to translate.
"""

from __future__ import annotations

from typing import Any, Self

from app.core.messages import Message


class DomainError(Exception):
    """Something the domain refuses; the subclass says what kind of refusal it is."""

    def __init__(self, detail: str | Message, *, field: str | None = None, extra: dict[str, Any] | None = None) -> None:
        self.text: Message | None = detail if isinstance(detail, Message) else None
        detail = str(detail)
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = dict(extra or {})
        if field is not None:
            self.extra.setdefault("field", field)
        self.field = field if field is not None else self.extra.get("field")

    @classmethod
    def of(cls, msgid: str, /, *, field: str | None = None, extra: dict[str, Any] | None = None, **params: Any) -> Self:
        """The refusal from a template marked with ``N_`` and its parameters."""
        return cls(Message(msgid, params), field=field, extra=extra)

    @property
    def msgid(self) -> str | None:
        return self.text.msgid if self.text else None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.text.params) if self.text else {}


class NotFound(DomainError):
    """The thing named does not exist (or is not visible to the caller)."""


class Forbidden(DomainError):
    """The caller's role or scope does not reach this."""


class Conflict(DomainError):
    """Valid, but clashes with the current state (a duplicate, a step out of order)."""


class Refused(DomainError):
    """Well-formed, but refers to something that does not allow it, or breaks a rule of the data."""


class Unavailable(DomainError):
    """The system cannot take the request now (the database is busy or away); the same request may be
    retried later."""


class Invalid(DomainError, ValueError):
    """A bad value in a named field.

    It is a ``ValueError`` too, so raised from a schema's ``__post_init__`` msgspec
    turns it into a validation error whose message starts with the field name.
    """

    def __init__(self, field: str, message: str | Message, *, errors: list[dict[str, Any]] | None = None) -> None:
        DomainError.__init__(self, f"{field}: {message}", field=field, extra={"errors": errors} if errors else None)
        ValueError.__init__(self, f"{field}: {message}")
        # the console says the field, then the message in its reader's language
        self.text = message if isinstance(message, Message) else None
        self.message = str(message)

    @classmethod
    def of(cls, msgid: str, /, *, field: str | None = None, extra: dict[str, Any] | None = None, **params: Any) -> Self:
        assert field is not None, "Invalid names its field"
        return cls(field, Message(msgid, params), errors=(extra or {}).get("errors"))
