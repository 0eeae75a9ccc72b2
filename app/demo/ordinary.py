"""Ordinary households (一般农户) taken in as monitored households since 2021 (边缘易致贫户, or 突发严重困难户 after
an illness or a disaster), generated deterministically.

They are never registered: status ``ordinary``, a local number ``M`` + the county code + a sequence (as
``POST /api/v1/ordinary-households`` gives it, in the order they were taken in), the attribute ``ordinary``,
one ``created`` event on the day they were taken in, and members with valid resident ID numbers of the county
that no registered member has. The register's figures and lists leave them out (``household_on_register``).

The plan is made once and is the same for every county; ``rows`` places it in one county.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.demo.figures import TOWNS, VILLAGES_PER_TOWN
from app.demo.people import GIVEN, SURNAMES, IdNumbers

# new households taken in each year (a county's; 2025 to the end of November), and what they are like
INTAKE: Mapping[int, int] = {2021: 50, 2022: 60, 2023: 70, 2024: 80, 2025: 65}
SUDDEN_SHARE = 0.15  # taken in after an illness, a disaster or schooling costs, their income above the line
NO_LABOUR_SHARE = 0.20  # old couples and people living alone, without a member able to work
LAST_DAY = date(2025, 11, 25)  # the last application: five days before the demo's last day
LOCAL_PREFIX = "M"  # app.registry.queries.LOCAL_NUMBER_PREFIX: local numbers never meet national ones
BANK = "潜江农商行"


@dataclass(frozen=True, slots=True)
class PlannedMember:
    relation: str
    birth: date
    labour: str
    health: str
    in_school: bool


@dataclass(frozen=True, slots=True)
class OrdinaryHousehold:
    number: int
    """Its place in the county's local numbering (1-based): ``M`` + county code + this, six digits."""
    village: int
    """Its place among the county's villages (0-based): any village, poor or not."""
    causes: tuple[str, ...]
    members: tuple[PlannedMember, ...]
    taken_in_on: date
    """The day its first case was applied for, and the household taken into the registry."""
    sudden: bool
    """Its first case a sudden hardship (突发严重困难户); else marginal (边缘易致贫户)."""

    @property
    def year(self) -> int:
        return self.taken_in_on.year

    @property
    def has_labour(self) -> bool:
        return any(m.labour != "none" for m in self.members)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _members(rng: random.Random, no_labour: bool, sudden: bool) -> tuple[PlannedMember, ...]:
    if no_labour:
        head = _day(rng, date(1936, 1, 1), date(1956, 12, 31))
        out = [PlannedMember("head", head, "none", rng.choice(("chronic_illness", "disabled", "healthy")), False)]
        if rng.random() < 0.6:
            spouse = head + timedelta(days=rng.randint(-1500, 1500))
            out.append(PlannedMember("spouse", spouse, "none", rng.choice(("chronic_illness", "healthy")), False))
        return tuple(out)
    head = _day(rng, date(1962, 1, 1), date(1990, 12, 31))
    spouse = head + timedelta(days=rng.randint(-1200, 1200))
    out = [
        PlannedMember("head", head, rng.choice(("full", "full", "skilled", "partial")), "healthy", False),
        PlannedMember("spouse", spouse, rng.choice(("full", "partial")), "healthy", False),
    ]
    for _ in range(rng.choice((0, 1, 1, 2))):
        child = min(head + timedelta(days=rng.randint(22 * 365, 34 * 365)), date(2020, 12, 31))
        grown = child <= date(2004, 12, 31)
        at_school = date(2004, 9, 1) <= child <= date(2019, 8, 31)
        out.append(PlannedMember("child", child, "full" if grown else "none", "healthy", at_school))
    if rng.random() < 0.3:
        parent = head - timedelta(days=rng.randint(22 * 365, 30 * 365))
        out.append(PlannedMember("parent", parent, "none", rng.choice(("chronic_illness", "healthy")), False))
    if sudden:  # what struck the household: one member fell seriously ill
        k = rng.randrange(len(out))
        m = out[k]
        out[k] = PlannedMember(m.relation, m.birth, m.labour, "serious_illness", m.in_school)
    return tuple(out)


def plan_households(villages: int = len(TOWNS) * VILLAGES_PER_TOWN) -> list[OrdinaryHousehold]:
    """The county's ordinary households taken in, in the order they were (their local numbers follow it)."""
    rng = random.Random(2022)
    out: list[OrdinaryHousehold] = []
    for year, count in INTAKE.items():
        last = LAST_DAY if year == max(INTAKE) else date(year, 12, 10)
        days = sorted(_day(rng, date(year, 1, 5), last) for _ in range(count))
        for day in days:
            sudden = rng.random() < SUDDEN_SHARE
            no_labour = not sudden and rng.random() < NO_LABOUR_SHARE
            if sudden:
                causes: tuple[str, ...] = (rng.choice(("illness", "illness", "illness", "disaster")),)
            elif no_labour:
                causes = ("lack_of_labour",) + (("illness",) if rng.random() < 0.4 else ())
            else:
                first = rng.choice(("lack_of_skills", "lack_of_capital", "illness", "schooling", "disability"))
                causes = (first,) + (("lack_of_capital",) if first != "lack_of_capital" and rng.random() < 0.3 else ())
            out.append(
                OrdinaryHousehold(
                    number=len(out) + 1,
                    village=rng.randrange(villages),
                    causes=causes,
                    members=_members(rng, no_labour, sudden),
                    taken_in_on=day,
                    sudden=sudden,
                )
            )
    return out


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _given(n: int) -> str:
    return GIVEN[(n * 7 + 2) % len(GIVEN)] + GIVEN[(n * 13 + 11) % len(GIVEN)]


def rows(
    plan: Sequence[OrdinaryHousehold],
    village_ids: Sequence[int],
    registered_members: Sequence[Sequence[Any]],
    *,
    county: str,
    after: tuple[int, int, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows for household, member and household_event (``app.demo.people``'s columns) of one county, with
    explicit ids after ``after`` (the last household, member and event ids taken). ``registered_members``:
    the county's member rows, whose ID numbers these must not repeat."""
    ids = IdNumbers(county)
    ids.seen = {m[3][:17] for m in registered_members}
    households, members, events = [], [], []
    household_id, member_id, event_id = after
    for h in plan:
        household_id += 1
        event_id += 1
        at = _at(h.taken_in_on)
        card = None if h.number % 9 == 4 else f"62309{household_id:014d}"
        households.append(
            (
                household_id,
                f"{LOCAL_PREFIX}{county}{h.number:06d}",
                village_ids[h.village % len(village_ids)],
                "ordinary",
                list(h.causes),
                None,
                None,
                BANK if card else None,
                card,
                "ordinary",
                None,
                None,
                False,
                None,
                None,
                at,
            )
        )
        events.append((event_id, household_id, "created", None, "ordinary", None, "system:demo", at, None, None))
        surname = SURNAMES[(h.number * 17 + 3) % len(SURNAMES)]
        for k, m in enumerate(h.members):
            member_id += 1
            n = h.number * 8 + k
            own = SURNAMES[(n * 5 + 1) % len(SURNAMES)] if m.relation == "spouse" else surname
            id_number = ids.make(m.birth, 500 + n)
            sex = "male" if int(id_number[16]) % 2 else "female"
            members.append(
                (
                    member_id,
                    household_id,
                    own + _given(n),
                    id_number,
                    m.relation,
                    sex,
                    m.birth,
                    m.labour,
                    m.health,
                    m.in_school,
                    True,
                    at,
                )
            )
    return households, members, events
