"""Personal data hidden from roles that do not need it (DESIGN: access rules)."""

from __future__ import annotations

import msgspec

from app.identifiers import mask_bank_card, mask_resident_id
from app.registry.schemas import HouseholdDetail


def mask_household(detail: HouseholdDetail) -> HouseholdDetail:
    members = [msgspec.structs.replace(m, id_number=mask_resident_id(m.id_number)) for m in detail.members]
    flags = [
        msgspec.structs.replace(f, evidence={**f.evidence, "id_number": mask_resident_id(f.evidence["id_number"])})
        if "id_number" in f.evidence else f
        for f in detail.flags
    ]
    return msgspec.structs.replace(
        detail,
        members=members,
        flags=flags,
        bank_card=mask_bank_card(detail.bank_card) if detail.bank_card else None,
        phone=None,
    )
