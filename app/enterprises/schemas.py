from __future__ import annotations

from datetime import datetime

import msgspec

from app.core.errors import Invalid
from app.core.identifiers import validate_credit_code
from app.core.validation import Id, check_phone, clean_name
from app.enterprises.model import EnterpriseKind


class EnterpriseCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    kind: EnterpriseKind
    credit_code: str
    town_id: Id
    industries: list[str]
    """Industry codes, e.g. ``["crayfish_rice", "vegetables"]``."""
    contact_name: str | None = None
    contact_phone: str | None = None

    def __post_init__(self) -> None:
        self.name = clean_name("name", self.name, 120)
        if not self.industries:
            raise Invalid("industries", "an enterprise works in at least one industry")
        self.industries = sorted({code.strip().lower() for code in self.industries})
        try:
            self.credit_code = validate_credit_code(self.credit_code)
        except ValueError as exc:
            raise Invalid("credit_code", str(exc)) from None
        if self.contact_name is not None:
            self.contact_name = clean_name("contact_name", self.contact_name, 60)
        self.contact_phone = check_phone("contact_phone", self.contact_phone)


class EnterpriseOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: EnterpriseKind
    credit_code: str
    town_id: Id
    industries: list[str]
    contact_name: str | None
    contact_phone: str | None
    created_at: datetime
