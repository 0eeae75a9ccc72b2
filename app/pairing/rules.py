"""Pairing rules: pure functions."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal


def pairing_mode(enterprises_of_village: int, villages_of_enterprise: int) -> str:
    """一企一村 / 多企一村 / 一企多村, derived from who else is paired, never typed in."""
    if enterprises_of_village > 1 and villages_of_enterprise > 1:
        return "many_to_many"
    if enterprises_of_village > 1:
        return "several_enterprises_one_village"
    if villages_of_enterprise > 1:
        return "one_enterprise_several_villages"
    return "one_enterprise_one_village"


def support_hash(
    village_id: int,
    kind: str,
    amount: Decimal | None,
    in_kind: str | None,
    households: int,
    people: int,
    given_on: date,
    note: str | None,
    reference: str,
) -> str:
    canonical = "|".join(
        (
            str(village_id),
            kind,
            "" if amount is None else f"{amount:.2f}",
            in_kind or "",
            str(households),
            str(people),
            given_on.isoformat(),
            note or "",
            reference,
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
