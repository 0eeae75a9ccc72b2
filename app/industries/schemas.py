from __future__ import annotations

import re
from datetime import datetime

import msgspec

from app.core.errors import Invalid
from app.core.validation import clean_name

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class IndustryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: str
    """Lower-case identifier, e.g. ``pig_breeding``."""
    name_zh: str
    name_en: str
    unit: str
    """What quantities are counted in: mu, head, ..."""

    def __post_init__(self) -> None:
        self.code = self.code.strip().lower()
        if not _CODE.match(self.code):
            raise Invalid("code", "2 to 40 lower-case letters, digits or _, starting with a letter")
        self.name_zh = clean_name("name_zh", self.name_zh, 40)
        self.name_en = clean_name("name_en", self.name_en, 80)
        self.unit = clean_name("unit", self.unit, 20)


class IndustryOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name_zh: str
    name_en: str
    unit: str
    created_at: datetime
