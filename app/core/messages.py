"""Messages a person reads, kept as a template and its parameters until someone reads them.

A domain raises ``Conflict.of(N_("the claim is {status}; ..."), status=code("claim status", s))``:
the API reads the English text (``str(message)``, the problem's ``detail``), the console looks the
template up in its catalogues and fills in the parameters in the reader's language. ``N_`` only
marks a template for extraction (a Babel keyword, see ``app/console/locale/babel.cfg``); nothing
here knows Babel or HTTP. A template's parameters are ``str.format`` fields (``{status}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(msgid: str) -> str:
    """Marks a message template for the catalogues; it is translated where it is read."""
    return msgid


@dataclass(frozen=True, slots=True)
class Code:
    """A stored code (a status, a kind) inside a message: English reads the code, the console its words."""

    kind: str
    value: str

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


def code(kind: str, value: object) -> Code:
    """``code("claim status", ClaimStatus.verified)``: the kinds are those of ``app/console/vocabulary.py``."""
    return Code(kind, str(getattr(value, "value", value)))


@dataclass(frozen=True, slots=True)
class Listing:
    """Several codes or messages inside one message (``not secured: {items}``): English reads them joined by
    ``sep``; the console says each in its reader's words and joins them as its language does (、 between
    words, ； between sentences in Chinese)."""

    items: tuple[object, ...]
    sep: str = ", "

    def __str__(self) -> str:
        return self.sep.join(str(item) for item in self.items)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def listing(items: Iterable[object], sep: str = ", ") -> Listing:
    """``listing(code("guarantee", g) for g in missing)``; ``sep="; "`` for a list of messages."""
    return Listing(tuple(items), sep)


@dataclass(frozen=True, slots=True)
class Message:
    """A template and its parameters; ``str()`` is the English text."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid.format(**self.params)


def message(msgid: str, /, **params: Any) -> Message:
    return Message(msgid, params)
