from __future__ import annotations

from datetime import datetime

import msgspec

from app.errors import FieldError


def clean_name(field: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not 1 <= len(value) <= max_length:
        raise FieldError(field, f"must be 1 to {max_length} characters")
    return value


class TownCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    code: str | None = None

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 60)
        if self.code is not None:
            self.code = clean_name("code", self.code, 20)


class TownOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    code: str | None
    created_at: datetime
