"""The rules of a public notice (公示), pure: how long it must stand, where it stands on a day, whether the
claims on it may be decided, and which of an entry's facts a posted page may show.

A notice runs from its first day to its last, both included: posted on the 1st with a 5-day minimum, it
may end on the 5th at the earliest. It has ended once its last day is over, so a claim on it is decided on
the day after at the soonest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.notices.model import NoticeKind, Standing


def days_posted(starts_on: date, ends_on: date) -> int:
    """The days a notice stands, its first and last included."""
    return (ends_on - starts_on).days + 1


def least_days(kind: NoticeKind, by_kind: Mapping[NoticeKind, int], scheme_days: int = 0) -> int:
    """The shortest a notice of this kind may stand: the deployment's minimum for the kind (a setting), or,
    for a subsidy scheme's claims, the scheme's own ``notice_days`` when that is longer."""
    return max(by_kind[kind], scheme_days)


def standing_on(day: date, starts_on: date, ends_on: date) -> Standing:
    if day < starts_on:
        return Standing.upcoming
    if day <= ends_on:
        return Standing.posted
    return Standing.ended


def notice_number(county_code: str, year: int, notice_id: int) -> str:
    """GS429005-2026-000123: GS for 公示, the county, the year it starts, the notice's own id (so unique)."""
    return f"GS{county_code}-{year}-{notice_id:06d}"


def blocks_decision(day: date, ends_on: date, open_objections: int) -> str | None:
    """Why a claim on a notice may not be decided on ``day`` (None: it may): the notice still stands (or has
    not started), or an objection to it is not resolved."""
    if day <= ends_on:
        return "standing"
    if open_objections > 0:
        return "objection"
    return None


# What a posted page may show of an entry, by kind: these facts and no others, whatever the entry holds.
# Causes of poverty that are health details (illness, disability) are never printed (DESIGN: a notice never
# shows health data); a household's other causes are.
PRINTED_FACTS: Mapping[NoticeKind, tuple[str, ...]] = {
    NoticeKind.identification: ("attribute", "causes"),
    NoticeKind.monitoring_intake: ("category",),
    NoticeKind.risk_elimination: ("category",),
    NoticeKind.subsidy_claims: ("industry", "declared_quantity", "verified_quantity", "amount"),
}
HEALTH_CAUSES = frozenset({"illness", "disability"})

TITLES_ZH: Mapping[NoticeKind, str] = {
    NoticeKind.identification: "建档立卡贫困户识别公示",
    NoticeKind.monitoring_intake: "防止返贫监测对象纳入公示",
    NoticeKind.risk_elimination: "防止返贫监测对象风险消除公示",
    NoticeKind.subsidy_claims: "特色种植养殖补贴申领公示",
}
GROUNDS_ZH: Mapping[NoticeKind, str] = {
    NoticeKind.identification: "经农户申请、入户调查和村民主评议",
    NoticeKind.monitoring_intake: "经农户申请（或排查发现）、入户核实和村民主评议",
    NoticeKind.risk_elimination: "经入户核实和村民主评议",
    NoticeKind.subsidy_claims: "经农户申报和实地核实",
}
FACT_HEADINGS_ZH: Mapping[str, str] = {
    "attribute": "贫困户属性",
    "causes": "致贫原因",
    "category": "监测类型",
    "industry": "产业",
    "declared_quantity": "申报数量",
    "verified_quantity": "核实数量",
    "amount": "补贴金额（元）",
}
_VALUES_ZH: Mapping[str, str] = {
    # attributes
    "ordinary": "一般贫困户",
    "dibao": "低保贫困户",
    "tekun": "特困供养贫困户",
    # causes (health ones never reach here)
    "schooling": "因学",
    "disaster": "因灾",
    "lack_of_land": "缺土地",
    "lack_of_water": "缺水",
    "lack_of_skills": "缺技术",
    "lack_of_labour": "缺劳力",
    "lack_of_capital": "缺资金",
    "poor_transport": "交通条件落后",
    "lack_of_drive": "自身发展动力不足",
    "other": "其他",
    # categories
    "unstable": "脱贫不稳定户",
    "marginal": "边缘易致贫户",
    "sudden_hardship": "突发严重困难户",
}
_UNITS_ZH: Mapping[str, str] = {"mu": "亩", "head": "头", "kg": "千克", "jin": "斤"}


def _printed(key: str, value: Any, facts: Mapping[str, Any]) -> str:
    if value is None:
        return "—"
    if key == "causes":
        shown = [_VALUES_ZH.get(str(c), "其他") for c in value if str(c) not in HEALTH_CAUSES]
        return "、".join(dict.fromkeys(shown)) or "—"
    if key in ("declared_quantity", "verified_quantity"):
        unit = str(facts.get("unit") or "")
        return f"{Decimal(str(value)).normalize():f} {_UNITS_ZH.get(unit, unit)}".strip()
    if key == "amount":
        return f"{Decimal(str(value)):.2f}"
    if key == "industry":
        return str(facts.get("industry_name") or value)
    return _VALUES_ZH.get(str(value), "—")


def printed_facts(kind: NoticeKind, facts: Mapping[str, Any]) -> list[str]:
    """An entry's facts as the page prints them, in the order of ``PRINTED_FACTS``: the kind's facts only,
    each put in words from a fixed list (a value the list does not know prints as a dash, never as given)."""
    return [_printed(key, facts.get(key), facts) for key in PRINTED_FACTS[kind]]
