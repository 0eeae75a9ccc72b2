"""Households, members and their history, generated deterministically."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import cycle

from app.core.identifiers import _resident_id_check_char
from app.demo.figures import HouseholdPlan

SURNAMES = "张李王刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国秀英桂兰志强春梅海燕德华玉珍明辉永红金凤家豪子涵雨萱浩然欣怡俊杰思远晓东丽娟文斌淑芬国平小红庆华"
CAUSES = [
    "illness",
    "disability",
    "schooling",
    "disaster",
    "lack_of_land",
    "lack_of_water",
    "lack_of_skills",
    "lack_of_labour",
    "lack_of_capital",
    "poor_transport",
    "lack_of_drive",
    "other",
]
REMOVAL_REASONS = ["cross_check_hit", "wrongly_included", "moved_away", "deceased", "duplicate"]
IDENTIFICATION = ["surveyed", "reviewed", "notice", "town_reviewed", "registered"]


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def without_labour(i: int) -> bool:
    """Whether the plan's ``i``-th household has no member able to work: those registered first for lack of
    labour (缺劳力), about one in twelve; exited ones among them live on social protection (兜底)."""
    return CAUSES[i % len(CAUSES)] == "lack_of_labour"


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 13 + 5) % len(GIVEN)]


class IdNumbers:
    """Valid, distinct resident ID numbers of one county (Qianjiang's are 429005...)."""

    def __init__(self, county: str = "429005") -> None:
        self.county = county
        self.seen: set[str] = set()

    def make(self, birth: date, n: int) -> str:
        seq = n % 1000
        while True:
            body = f"{self.county}{birth:%Y%m%d}{seq:03d}"
            if body not in self.seen:
                self.seen.add(body)
                return body + _resident_id_check_char(body)
            seq = (seq + 1) % 1000


def build(
    plan: list[HouseholdPlan],
    village_ids: list[int],
    now: datetime,
    *,
    county: str = "429005",
    after: tuple[int, int, int] = (0, 0, 0),
):
    """Rows for household, member and household_event, with explicit ids (the database is empty).

    ``county``: the county's code, which registry and ID numbers start with; ``after``: the last household,
    member and event ids taken by the counties loaded before (everything else follows the plan's order,
    so every county gets the same households)."""
    households, members, events = [], [], []
    ids = IdNumbers(county)
    first_household, member_id, event_id = after
    attributes = cycle(["ordinary"] * 16 + ["dibao"] * 3 + ["tekun"])
    for i, p in enumerate(plan, start=1):
        village = village_ids[i % len(village_ids)]
        late = p.category == "late"
        applied = date(2016, 3, 1) if late else date(2014, 3, 1) + timedelta(days=i % 20)
        registered_on = date(2016, 7, 1) if late else date(2014, 7, 1)
        status, exited_year, removed_reason = "registered", None, None
        steps: list[tuple[str, date, str | None]] = [("applied", applied, None)]
        day = applied
        for k, target in enumerate(IDENTIFICATION):
            day = registered_on if target == "registered" else applied + timedelta(days=12 * (k + 1))
            steps.append((target, day, None))
        if p.category in ("exited", "returned"):
            exited_year = 2016 if (p.category == "returned" or i % 2 == 0) else 2017
            steps.append(("exited", date(exited_year, 12, 20), None))
            status = "exited"
            if p.category == "returned":
                steps.append(("returned", date(2017, 9, 1), "illness in the family"))
                status = "returned"
        elif p.category == "removed":
            removed_reason = REMOVAL_REASONS[i % len(REMOVAL_REASONS)]
            steps.append(("removed", date(2016, 5, 10), removed_reason))
            status = "removed"
        causes = [CAUSES[i % 12]] + ([CAUSES[(i * 5 + 3) % 12]] if i % 3 == 0 and (i * 5 + 3) % 12 != i % 12 else [])
        hid = first_household + i
        bank_card = None if i % 20 == 7 else f"62309{hid:014d}"
        households.append(
            (
                hid,
                f"{county}{i:08d}",
                village,
                next(attributes),
                causes,
                None,
                None,
                "潜江农商行" if bank_card else None,
                bank_card,
                status,
                _at(date(registered_on.year, 6, 1)),
                registered_on,
                late,
                exited_year,
                removed_reason,
                _at(applied),
            )
        )
        previous: str | None = None
        for target, when, note in steps:
            event_id += 1
            events.append(
                (
                    event_id,
                    hid,
                    "created" if target == "applied" else "transition",
                    previous,
                    target,
                    None,
                    "system:demo",
                    _at(when),
                    note,
                    None,
                )
            )
            previous = target
        no_labour = without_labour(i)
        for k in range(p.size):
            member_id += 1
            relation = ("head", "spouse", "child")[k]
            if relation == "child":
                birth = date(1990, 1, 1) + timedelta(days=(i * 37) % 7000)
            else:
                birth = date(1945, 1, 1) + timedelta(days=(i * 53 + k * 400) % 11000)
            id_number = ids.make(birth, i * 3 + k)
            sex = "male" if int(id_number[16]) % 2 else "female"
            members.append(
                (
                    member_id,
                    hid,
                    _name(i * 3 + k),
                    id_number,
                    relation,
                    sex,
                    birth,
                    "none" if no_labour else ("full", "partial", "skilled" if birth.year < 2000 else "none")[k],
                    ("healthy", "chronic_illness", "healthy", "disabled", "healthy")[(i + k) % 5],
                    relation == "child" and birth.year >= 2002,
                    status != "removed",
                    now,
                )
            )
    return households, members, events


HOUSEHOLD_COLUMNS = (
    "id",
    "registry_no",
    "village",
    "attribute",
    "causes",
    "address",
    "phone",
    "bank_name",
    "bank_card",
    "status",
    "notice_started_at",
    "registered_on",
    "late_addition",
    "exited_year",
    "removed_reason",
    "created_at",
)
MEMBER_COLUMNS = (
    "id",
    "household",
    "name",
    "id_number",
    "relation",
    "sex",
    "birth_date",
    "labour_ability",
    "health",
    "in_school",
    "in_active_household",
    "created_at",
)
EVENT_COLUMNS = (
    "id",
    "household",
    "kind",
    "from_status",
    "to_status",
    "actor_id",
    "actor_label",
    "at",
    "note",
    "data",
)
