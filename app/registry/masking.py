"""Personal data hidden from roles that do not need it (DESIGN: access rules)."""

from __future__ import annotations

import msgspec

from app.core.identifiers import mask_bank_card, mask_resident_id
from app.registry.schemas import HouseholdDetail


def mask_household(detail: HouseholdDetail) -> HouseholdDetail:
    """What an enterprise paying the household needs: who its members are, not their papers.

    ID numbers and the bank card keep a few characters to match against the operator's own
    records; birth dates, health, the objections, the notes on its history and the cross-check
    evidence are left out.
    """
    members = [
        msgspec.structs.replace(m, id_number=mask_resident_id(m.id_number), birth_date=None, health=None)
        for m in detail.members
    ]
    events = [msgspec.structs.replace(e, note=None, data=None) for e in detail.events]
    return msgspec.structs.replace(
        detail,
        members=members,
        events=events,
        objections=[],
        flags=[],
        bank_card=mask_bank_card(detail.bank_card) if detail.bank_card else None,
        phone=None,
        address=None,
    )


def mask_given_name(name: str) -> str:
    """A name as a public notice prints it: the family name kept, the given name partly hidden.

    Three characters or more keep the first and the last (张三明 → 张*明, 欧阳娜娜 → 欧**娜); two keep the
    family name (张明 → 张*); one is hidden whole. Spaces are dropped first, so a name keyed in with one
    shows no more of itself.
    """
    chars = [c for c in name if not c.isspace()]
    if len(chars) <= 1:
        return "*"
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]
