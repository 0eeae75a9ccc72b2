"""The console's language: Babel catalogues (``app/console/locale``), Chinese first, English on request.

Every string a person reads goes through one ``Texts`` for the request's language: the
templates call ``_()`` / ``{% trans %}`` (``jinja2.ext.i18n``), the pages call ``texts._()``
for flash messages and refusals, and ``term(kind, code)`` turns a stored code (a status,
a link kind, an income type...) into words. The catalogues are compiled to ``.mo`` and
committed; ``tests/unit/test_console_catalogues.py`` fails when one is stale or misses a message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.core.messages import N_ as N_
from app.core.messages import Code, Listing, Message

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# the console's language codes (kept in the session) -> catalogue locales
LOCALES = {"zh": "zh_CN", "en": "en"}
DEFAULT = "zh"


def term(kind: str, code: str) -> tuple[str, str]:
    """Marks a stored code for extraction (Babel keyword ``term:1c,2``); ``Texts.term`` translates it."""
    return kind, code


def lang_of(value: object) -> str:
    return value if isinstance(value, str) and value in LOCALES else DEFAULT


@cache
def translations(lang: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [LOCALES[lang_of(lang)]], domain=DOMAIN)


class Texts:
    """The words of one language, for one request."""

    def __init__(self, lang: str) -> None:
        self.lang = lang_of(lang)
        self._t = translations(self.lang)

    def _(self, message: str, /, **params: Any) -> str:
        text = self._t.gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text % {"num": n, **params}

    def say(self, text: object) -> str:
        """A domain's message (``app/core/messages.py``) in this language: the template from the
        catalogue, filled with its parameters (codes in words, nested messages said too).
        Plain text reads as it is; a translation whose fields do not fit falls back to English."""
        if not isinstance(text, Message):
            return str(text)
        params = {name: self._param(value) for name, value in text.params.items()}
        try:
            return str(self._t.gettext(text.msgid)).format(**params)
        except (KeyError, IndexError, ValueError):
            return str(text)

    def _param(self, value: object) -> object:
        if isinstance(value, Code):
            return self.term(value.kind, value.value)
        if isinstance(value, Message):
            return self.say(value)
        if isinstance(value, Listing):
            sentences = value.sep.strip() == ";"
            sep = value.sep if self.lang == "en" else ("；" if sentences else "、")
            return sep.join(str(self._param(item)) for item in value.items)
        return value

    def term(self, kind: str, code: object) -> str:
        """A code's words (``term("claim status", "approved")`` → 已审批); an unknown code shows as it is."""
        value = getattr(code, "value", code)
        if value is None:
            return ""
        return str(self._t.pgettext(kind, str(value)))

    def template_globals(self) -> dict[str, Callable[..., Any]]:
        """``gettext`` / ``ngettext`` / ``_`` as ``jinja2.ext.i18n`` calls them with newstyle gettext:
        parameters by name, and the translation marked safe before they are escaped into it."""
        t = self._t

        @pass_context
        def gettext(context: Context, message: str, /, **params: Any) -> str:
            text = t.gettext(message)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % params

        @pass_context
        def ngettext(context: Context, singular: str, plural: str, n: int, /, **params: Any) -> str:
            text = t.ngettext(singular, plural, n)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % {"num": n, **params}

        @pass_context
        def pgettext(context: Context, kind: str, message: str, /, **params: Any) -> str:
            text = str(t.pgettext(kind, message))
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % params

        return {
            "gettext": gettext,
            "_": gettext,
            "ngettext": ngettext,
            "pgettext": pgettext,
            "term": self.term,
            "say": self.say,
        }


def install(environment: Environment) -> None:
    """Adds ``jinja2.ext.i18n`` with newstyle gettext; each page passes its language's functions
    in its context (see ``Texts.template_globals``), so one environment serves both languages."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
