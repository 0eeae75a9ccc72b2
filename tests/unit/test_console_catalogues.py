"""The console's catalogues: every message the console can show is translated in zh-CN and English,
and the committed .mo files are compiled from the current .po files."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.console.i18n import LOCALE_DIR, LOCALES
from app.console.vocabulary import KINDS, TERMS

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "term": ((1, "c"), 2), "N_": None}
# the console's own messages, and the refusals marked N_ anywhere in app/ that it shows (app/core/messages.py)
METHODS = [("app/**.py", "python"), ("app/templates/console/**.html", "jinja2")]


def _extracted() -> set[tuple[str | tuple[str, ...], str | None]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        found.add((message, context))
    return found


def _key(message: str | tuple[str, ...] | list[str]) -> str:
    return message if isinstance(message, str) else message[0]


def _strings(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.fixture(scope="module")
def extracted():
    found = _extracted()
    assert len(found) > 200  # the extraction really read the templates and the pages
    return found


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_every_message_is_translated(extracted, locale):
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    missing, empty = [], []
    for message, context in sorted(extracted, key=str):
        entry = catalog.get(_key(message), context=context)
        if entry is None:
            missing.append((context, message))
        elif not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            empty.append((context, message))
    assert not missing, f"{locale} misses {missing} (re-extract with app/console/locale/babel.cfg)"
    assert not empty, f"{locale} has no translation for {empty}"


def _fields(text: str) -> set[str]:
    return {f"{name}!{conv}:{spec}" for _, name, spec, conv in Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_message_templates_keep_their_fields(locale):
    """A domain's template (``{status}``) is filled with str.format: a translation must keep every field."""
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    wrong = [
        (m.id, m.string)
        for m in catalog
        if m.id and "python-brace-format" in m.flags and _fields(_key(m.id)) != _fields(_key(m.string))
    ]
    assert not wrong, f"{locale}: translations that lose or add a field: {wrong}"


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_compiled_catalogues_are_current(locale):
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as f:
        source = {(_key(m.id), m.context): _strings(m.string) for m in read_po(f) if m.id}
    with open(folder / "messages.mo", "rb") as f:
        compiled = {(_key(m.id), m.context): _strings(m.string) for m in read_mo(f) if m.id}
    assert compiled == source, f"run: pybabel compile -d app/console/locale -D messages ({locale})"


def test_every_stored_code_has_a_term():
    marked = set(TERMS)
    for kind, enum_type in KINDS.items():
        for member in enum_type:
            assert (kind, member.value) in marked, f"term({kind!r}, {member.value!r}) is missing in vocabulary.py"
