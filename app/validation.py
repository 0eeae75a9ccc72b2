"""Small field checks shared by the request schemas (raise FieldError, which names the field)."""

from __future__ import annotations

from app.errors import FieldError


def clean_name(field: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not 1 <= len(value) <= max_length:
        raise FieldError(field, f"must be 1 to {max_length} characters")
    return value


def clean_optional(field: str, value: str | None, max_length: int) -> str | None:
    return None if value is None or not value.strip() else clean_name(field, value, max_length)


def check_year(field: str, value: int | None) -> None:
    if value is not None and not 1978 <= value <= 2100:
        raise FieldError(field, "must be a year between 1978 and 2100")
