"""A subsidy calculation's lines, the watch's details and an asset income's distribution in the reader's
language.

The domains write them as messages (``app/subsidies/rules.py``, ``app/monitoring/rules.py``,
``app/assets/rules.py``):
a message is said from the catalogues. What reaches the console as text (a voucher keeps its
lines as they were at approval; the API schemas carry English) is read back into the domain's
own templates, so each wording lives once, in its domain; a line of no known shape is shown
as it was written rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from string import Formatter

from app.assets import rules as asset_rules
from app.console.i18n import Texts
from app.core.messages import Code, Message
from app.monitoring.rules import WATCH_CODES, WATCH_TEMPLATES
from app.subsidies.rules import LINE_CODES, LINE_TEMPLATES, SPAN_TEMPLATES


def _pattern(template: str, codes: Mapping[str, str]) -> re.Pattern[str]:
    """A template's English text as a pattern: a code is one word, any other field any text, a
    repeated field the same text again."""
    parts, seen = [], set()
    for literal, name, _spec, _conv in Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>\\S+)" if name in codes else f"(?P<{name}>.+?)")
        seen.add(name)
    return re.compile("".join(parts), re.S)


class Reader:
    """Reads English text back into the message it was written from."""

    def __init__(
        self,
        templates: Iterable[str],
        codes: Mapping[str, str],
        nested: Mapping[str, Reader] | None = None,
    ) -> None:
        self._patterns = [(template, _pattern(template, codes)) for template in templates]
        self._codes = codes
        self._nested = nested or {}

    def read(self, text: str) -> Message | None:
        for template, pattern in self._patterns:
            match = pattern.fullmatch(text)
            if match:
                return Message(template, {k: self._param(k, v) for k, v in match.groupdict().items()})
        return None

    def _param(self, name: str, value: str) -> object:
        if name in self._codes:
            return Code(self._codes[name], value)
        if name in self._nested:
            return self._nested[name].read(value) or value
        return value


CALCULATION = Reader(LINE_TEMPLATES, LINE_CODES, {"span": Reader(SPAN_TEMPLATES, LINE_CODES)})
WATCH = Reader(WATCH_TEMPLATES, WATCH_CODES)
# an asset income's distribution: the lines of the whole and of each household's part; an excluded
# household's line says why, in a standing's own words
DISTRIBUTION = Reader(
    asset_rules.LINE_TEMPLATES,
    asset_rules.LINE_CODES,
    {"why": Reader(asset_rules.WHY_TEMPLATES, asset_rules.LINE_CODES)},
)


def explain(texts: Texts, line: Message | str) -> str:
    """One line of a calculation in the reader's language."""
    if isinstance(line, str):
        line = CALCULATION.read(line) or line
    return texts.say(line)


def explain_all(texts: Texts, lines: Iterable[Message | str]) -> list[str]:
    return [explain(texts, line) for line in lines]


def watch_detail(texts: Texts, detail: Message | str | None) -> str:
    """A return-to-poverty watch entry's detail in the reader's language."""
    if not detail:
        return ""
    if isinstance(detail, str):
        detail = WATCH.read(detail) or detail
    return texts.say(detail)


def distribution_lines(texts: Texts, lines: Iterable[Message | str]) -> list[str]:
    """An asset income's distribution, or one household's part of it, line by line in the reader's language
    (the API and the stored distribution keep the English text)."""
    out = []
    for line in lines:
        if isinstance(line, str):
            line = DISTRIBUTION.read(line) or line
        out.append(texts.say(line))
    return out
