"""Who may be linked: pure rules."""

from __future__ import annotations

from datetime import date

from app.registry.rules import continuation_end, poor_now


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
    if status == "ordinary":
        return "an ordinary household is not on the poverty register; links are for households on the register"
    return f"the household is not registered yet ({status})"


def link_end_refusal(status: str, exited_year: int | None, end: date | None, continuation_years: int) -> str | None:
    """None when a new link may end on ``end`` (None: open-ended), else why not.

    A link to an exited household runs at most to the end of its policy continuation: an explicit end
    beyond it is refused; an open-ended one is taken, and ends there in effect (``effective_end``).
    """
    last = continuation_end(status, exited_year, continuation_years)
    if last is not None and end is not None and end > last:
        return f"the household exited in {exited_year}; its policy continuation ends on {last.isoformat()}"
    return None


def effective_end(end: date | None, status: str, exited_year: int | None, continuation_years: int) -> date | None:
    """The last day a link runs and pays: its own end, or, for an exited household, the end of its policy
    continuation if that comes first (an open-ended link to an exited household ends there)."""
    last = continuation_end(status, exited_year, continuation_years)
    if last is None:
        return end
    return last if end is None else min(end, last)
