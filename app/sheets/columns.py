"""What a spreadsheet column is: its code name, its Chinese header, its type, its choices and whether it is
required, as one value the templates write and a future importer reads back (issue 13).

A header in a file is written ``户编号 registry_no`` (the Chinese header, a space, the code name), one header
row; ``Column.matches`` reads a header back as that, as the Chinese alone or as the code name alone, so a
CSV saved with English headers imports as well. A column with choices shows the Chinese terms in the
workbook's drop-down list; ``Column.code_for`` reads back a term or the stored code.

The Chinese terms are the console's own (its zh_CN catalogue, by the same ``kind`` context the console's
``term(kind, code)`` uses), read from the compiled catalogue file so that this module needs nothing from
the console package; the few kinds the console never shows have their terms here.
"""

from __future__ import annotations

import enum
import gettext
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from app.core.messages import Code, Message

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "console" / "locale"

# kinds of codes the console does not show, so its catalogue does not have them
_OWN_TERMS: dict[str, dict[str, str]] = {
    "enterprise kind": {"enterprise": "企业", "cooperative": "合作社", "family_farm": "家庭农场"},
    "pay method": {"bank": "银行转账", "cash": "现金"},
    "dividend period": {"yearly": "按年", "half_yearly": "按半年", "quarterly": "按季度"},
    "wage basis": {"day": "按日", "month": "按月"},
    "yes no": {"true": "是", "false": "否"},
}


@cache
def _catalogue() -> gettext.NullTranslations:
    return gettext.translation("messages", str(_LOCALE_DIR), languages=["zh_CN"], fallback=True)


@cache  # a ledger asks for the same few terms in every row
def chinese_term(kind: str, code: str) -> str:
    """The Chinese term of a stored code (``chinese_term("cause", "illness")`` is 因病); the code itself when
    no catalogue has it."""
    own = _OWN_TERMS.get(kind)
    if own is not None:
        return own.get(code, code)
    return _catalogue().pgettext(kind, code)


def chinese_text(text: object) -> str:
    """A domain's message (``app.core.messages.Message``) in Chinese, as the console says it (codes in words);
    plain text as it is. For what is read outside a request: a workbook's cells, the command line."""
    if not isinstance(text, Message):
        return str(text)
    params = {
        k: chinese_term(v.kind, v.value) if isinstance(v, Code) else chinese_text(v) if isinstance(v, Message) else v
        for k, v in text.params.items()
    }
    try:
        return str(_catalogue().gettext(text.msgid)).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(text)


class CellType(str, enum.Enum):
    text = "text"  # free text
    code = "code"  # digits or letters kept as text (registry numbers, ID numbers, division codes)
    integer = "integer"
    year = "year"
    decimal = "decimal"  # a quantity or a fraction
    money = "money"  # yuan, two decimals
    date = "date"
    boolean = "boolean"  # 是 / 否
    choice = "choice"  # one of the column's choices
    choices = "choices"  # several of them, separated by ";"


# what the explanation sheet says each type is
TYPE_TERMS = {
    CellType.text: "文本",
    CellType.code: "编码(文本格式)",
    CellType.integer: "整数",
    CellType.year: "年份(四位)",
    CellType.decimal: "数值",
    CellType.money: "金额(元,两位小数)",
    CellType.date: "日期(yyyy-mm-dd)",
    CellType.boolean: "是/否",
    CellType.choice: "选项(单选)",
    CellType.choices: "选项(多选,用;分隔)",
}

SEPARATORS = (";", ";", ",", ",", "、")
"""What may separate the values of a ``choices`` cell (Chinese input methods type the full-width ones)."""


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


def choices_of(kind: str, codes: Iterable[str]) -> tuple[Choice, ...]:
    return tuple(Choice(c, chinese_term(kind, c)) for c in codes)


def enum_choices(kind: str, values: type[enum.Enum]) -> tuple[Choice, ...]:
    return choices_of(kind, (str(v.value) for v in values))


YES_NO = choices_of("yes no", ("true", "false"))


@dataclass(frozen=True)
class Column:
    name: str
    """The code name: the field of the API's schema the value goes to."""
    header: str
    """The Chinese header."""
    type: CellType
    required: bool
    note: str
    """What the column holds, in Chinese, for the explanation sheet."""
    example: Any
    choices: tuple[Choice, ...] = field(default=())
    width: int | None = None
    """Characters; left out, from the type and the header."""
    length: tuple[int, int] | None = None
    """A code's length in characters, least and most (a village code: 12 and 12)."""

    @property
    def title(self) -> str:
        """The header cell: ``户编号 registry_no``."""
        return f"{self.header} {self.name}"

    def matches(self, header: str) -> bool:
        """Whether a file's header cell names this column (the title, the Chinese or the code name)."""
        text = " ".join(header.split())
        return text in (self.title, self.header, self.name)

    @cached_property
    def codes(self) -> dict[str, str]:
        """Each choice's Chinese term and code -> its code (made once per column, on first use)."""
        return {c.label: c.code for c in self.choices} | {c.code: c.code for c in self.choices}

    def code_for(self, text: str) -> str | None:
        """The stored code a cell's text names (a choice's Chinese term or its code), or None."""
        return self.codes.get(text.strip())

    def codes_for(self, text: str) -> list[str | None]:
        """A ``choices`` cell's codes, one per value (None for a value no choice names)."""
        for sep in SEPARATORS[1:]:
            text = text.replace(sep, SEPARATORS[0])
        return [self.code_for(part) for part in text.split(SEPARATORS[0]) if part.strip()]

    @property
    def display_width(self) -> int:
        if self.width is not None:
            return self.width
        base = {
            CellType.code: 20,
            CellType.date: 12,
            CellType.money: 14,
            CellType.decimal: 12,
            CellType.year: 8,
            CellType.integer: 8,
            CellType.boolean: 8,
            CellType.choices: 24,
        }.get(self.type, 14)
        if self.choices and self.type is CellType.choice:
            base = max(base, *(text_width(c.label) + 4 for c in self.choices))
        return max(base, text_width(self.title) + 2)


@dataclass(frozen=True)
class Sheet:
    name: str
    """The worksheet's name (Chinese, at most 31 characters)."""
    key: str
    """The code name of the sheet (``households``, ``members``)."""
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def locate(self, header: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
        """A file's header row read against the sheet: (the position of each column found, by code name;
        the required columns missing; the header cells no column matches)."""
        found: dict[str, int] = {}
        unknown: list[str] = []
        for position, text in enumerate(header):
            if not str(text).strip():
                continue
            match = next((c for c in self.columns if c.matches(str(text)) and c.name not in found), None)
            if match is None:
                unknown.append(str(text))
            else:
                found[match.name] = position
        missing = [c.name for c in self.columns if c.required and c.name not in found]
        return found, missing, unknown


def text_width(text: str) -> int:
    """Display width in character cells: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
