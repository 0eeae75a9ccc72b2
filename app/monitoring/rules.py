"""The exit test and the monitoring triggers, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.messages import N_, Message, code, message
from app.core.money import per_capita

# What the return-to-poverty watch says of each entry; the API reads the English text, the console
# reads stored text back into these templates (in this order) and says them in its language.
LOW_INCOME = N_("{year} per-capita income {income} is under {multiple} × the poverty line {line}")
HARDSHIP_NOTED = N_("{hardship} on {day}: {note}")
HARDSHIP = N_("{hardship} on {day}")
LINK_ENDED = N_("{link_kind} link with {enterprise} ended on {day}")
WATCH_TEMPLATES = (LOW_INCOME, HARDSHIP_NOTED, HARDSHIP, LINK_ENDED)
WATCH_CODES = {"hardship": "hardship kind", "link_kind": "link kind"}


def low_income_detail(year: int, income: Decimal, multiple: Decimal, line: Decimal) -> Message:
    return message(LOW_INCOME, year=str(year), income=f"{income:.2f}", multiple=str(multiple), line=f"{line:.2f}")


def hardship_detail(kind: str, day: date, note: str | None) -> Message:
    if note:
        return message(HARDSHIP_NOTED, hardship=code("hardship kind", kind), day=str(day), note=note)
    return message(HARDSHIP, hardship=code("hardship kind", kind), day=str(day))


def link_ended_detail(kind: str, enterprise: str, day: date) -> Message:
    return message(LINK_ENDED, link_kind=code("link kind", kind), enterprise=enterprise, day=str(day))


# 两不愁 (food, clothing) and 三保障 (education, medical care, housing), plus safe drinking water
CHECKLIST = (
    ("food", "enough to eat (不愁吃)"),
    ("clothing", "enough to wear (不愁穿)"),
    ("compulsory_education", "compulsory education guaranteed (义务教育有保障)"),
    ("basic_medical_care", "basic medical care guaranteed (基本医疗有保障)"),
    ("safe_housing", "safe housing guaranteed (住房安全有保障)"),
    ("safe_drinking_water", "safe drinking water guaranteed (饮水安全有保障)"),
)


@dataclass(frozen=True, slots=True)
class ExitTest:
    passed: bool
    per_capita: Decimal
    reasons: tuple[str, ...]
    """Why the household fails; empty when it passes."""
    lines: tuple[str, ...]
    """The whole test, one line per item, for the record."""


def per_capita_income(total: Decimal, members: int) -> Decimal:
    """A year's income per member, half-up to the fen: the exit test and the monitoring list agree."""
    return per_capita(total, members)


def exit_test(
    checklist: dict[str, bool], ledger_income: Decimal, other_net_income: Decimal, members: int, poverty_line: Decimal
) -> ExitTest:
    """一有两不愁四保障: income stably above the line, and every guarantee met."""
    reasons, lines = [], []
    for key, label in CHECKLIST:
        met = checklist[key]
        lines.append(f"{label}: {'met' if met else 'not met'}")
        if not met:
            reasons.append(f"{label} is not met")
    total = ledger_income + other_net_income
    per_capita = per_capita_income(total, members)
    lines.append(
        f"income {ledger_income:.2f} from the ledger + {other_net_income:.2f} other net income"
        f" = {total:.2f} over {members} member(s) = {per_capita:.2f} per person"
    )
    if per_capita > poverty_line:
        lines.append(f"above the poverty line {poverty_line:.2f}: met")
    else:
        lines.append(f"not above the poverty line {poverty_line:.2f}: not met")
        reasons.append(f"per-capita income {per_capita:.2f} is not above the poverty line {poverty_line:.2f}")
    return ExitTest(not reasons, per_capita, tuple(reasons), tuple(lines))


def below_watch_line(per_capita: Decimal, poverty_line: Decimal, multiple: Decimal) -> bool:
    """An exited household earning under ``multiple`` × the line is watched for return to poverty."""
    return per_capita < poverty_line * multiple


def revisit_due(since: date, days: int) -> date:
    return since + timedelta(days=days)
