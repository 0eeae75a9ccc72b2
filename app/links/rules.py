"""Who may be linked: pure rules."""

from __future__ import annotations

from datetime import date

from app.registry.rules import poor_now


def link_refusal(status: str, exited_year: int | None, start: date, continuation_years: int) -> str | None:
    """None when a household in ``status`` may be linked from ``start``, else why not.

    Registered and returned households may; an exited one only within the policy
    continuation period (脱贫不脱钩) after its exit year.
    """
    if poor_now(status):
        return None
    if status == "exited":
        until = (exited_year or start.year) + continuation_years
        if start.year <= until:
            return None
        return f"the household exited in {exited_year}; policy continuation ended in {until}"
    if status == "removed":
        return "the household was removed from the registry"
    return f"the household is not registered yet ({status})"
