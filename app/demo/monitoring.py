"""The monitoring caseload of 2021-2025 (防止返贫动态监测, issue 14), generated deterministically.

Each year a few per cent of the county's exited households are taken in (households without labour more
often): most as unstable (脱贫不稳定户, income under the year's line), about one in ten as a sudden hardship
(突发严重困难户, income above the line, rigid spending taking it under). Identification runs within the
province's deadline (15 calendar days); a small share of cases is late at one step, so some are overdue on
days of their year, and a few applied for in the last weeks of 2025 are still identifying and overdue on the
demo's last day. Approved cases get measures by labour (employment or industry with labour, 低保 and medical
assistance without). Of the earlier years' cases with labour, most are cleared through the risk-elimination
steps; a household without labour living on social protection is never cleared. A cleared household may be
taken in again in a later year.

Ordinary households (一般农户, ``app.demo.ordinary``), never registered, are taken in too, some 50 to 80 a
year: most as marginal (边缘易致贫户, income under the line), some after an illness or a disaster as sudden
hardships; their cases go the same way, a few cleared ones coming back. Each year's exited households' cases
come first, then its ordinary ones'.

Rounds (``plan_rounds``): a round a month from February 2021, started on the month's first day, visiting every
case open on that day (applied for by then, its risk not eliminated by then) on a day of the month before its
risk is eliminated, by its village's two cadres, with the income asked in each quarter's last round and on a
case's first visit, and what changed since the visit before; the round of November 2025 is still under way on
the demo's last day, most of its households visited.

The plan is made once from the household plan and is the same for every county; ``case_rows`` and
``round_rows`` place it in one county. The categories, due days and elimination conditions are
``app.monitoring.case_rules``'s own.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.demo.figures import HouseholdPlan
from app.demo.ordinary import OrdinaryHousehold, plan_households
from app.demo.people import GIVEN, SURNAMES, without_labour
from app.monitoring.case_rules import (
    CHECKLIST,
    ELIMINATION_STEPS,
    STEPS,
    CaseSettings,
    Category,
    EliminationFacts,
    Finances,
    Standing,
    Step,
    category,
    due_days,
    elimination_refusals,
)

# The demo's own monitoring lines for Hubei (42), yuan per person a year: plausible, not the province's
# published figures. 2020 is 1.5 x the national poverty line (about 6,000), raised each year; 8,700 in 2024
# is the example.
LINES: Mapping[int, Decimal] = {
    2020: Decimal("6000.00"),
    2021: Decimal("6400.00"),
    2022: Decimal("7000.00"),
    2023: Decimal("7600.00"),
    2024: Decimal("8700.00"),
    2025: Decimal("9200.00"),
}
YEARS = (2021, 2022, 2023, 2024, 2025)
DEMO_DAY = date(2025, 11, 30)
"""The demo's last day: nothing is recorded after it (the latest cases stand as they were on it)."""

# the share of the county's exited households taken in each year (2025: to the end of November)
INTAKE = {2021: 0.030, 2022: 0.035, 2023: 0.045, 2024: 0.055, 2025: 0.040}
SUDDEN_HARDSHIP_SHARE = 0.10
ORDINARY_SUDDEN_SHARE = 0.15  # of an ordinary household's later cases (its first: ``ordinary.SUDDEN_SHARE``)
ORDINARY_RETURN_SHARE = 0.08  # of the ordinary households cleared before a year, taken in again in it
LATE_SHARE = 0.06
LATE_SHARE_AT_THE_END = 0.30  # cases applied for from LATE_SEASON of the last year: the caseload a town chases
LATE_SEASON = date(2025, 10, 20)
CLEARED_SHARE = 0.80  # of the cases with labour whose home check falls before the demo's last day
NO_LABOUR_WEIGHT = 2.5  # households without labour are at risk more often
RETURN_WEIGHT = 0.5  # a household cleared before is taken in again less often

SETTINGS = CaseSettings()
NOTICE_DAYS = 5
# risk elimination: days from the home check to each later step (the notice five days after the review)
ELIMINATION_DAYS = {"home_checked": 0, "village_reviewed": 3, "noticed": 8, "town_reviewed": 10, "approved": 12}
CHANNELS = {
    Category.unstable: ("watch", "watch", "watch", "watch", "watch", "visit", "visit", "visit", "self_report"),
    Category.marginal: ("visit", "visit", "visit", "self_report", "self_report", "department"),
    Category.sudden_hardship: ("department", "department", "department", "self_report", "self_report"),
}


@dataclass(frozen=True, slots=True)
class PlannedMeasure:
    kind: str
    start_on: date
    end_on: date | None
    amount: Decimal | None
    note: str | None


@dataclass(frozen=True, slots=True)
class PlannedCase:
    number: int
    """The case's place in the county's caseload (1-based)."""
    standing: str
    """``exited`` (a household of the register's plan) or ``ordinary`` (one of ``ordinary.plan_households``)."""
    household: int
    """The household's place in its plan (1-based): the household plan, as ``people.build`` numbers it, or
    the ordinary households' plan."""
    has_labour: bool
    channel: str
    category: str
    year: int
    line: Decimal
    income: Decimal
    rigid_spending: Decimal
    previous_income: Decimal
    applied_on: date
    steps: dict[str, date]
    """The identification steps done by the demo's last day, in order, with their days."""
    elimination: dict[str, date]
    """The risk-elimination steps done by the demo's last day (none: not begun)."""
    months_above_line: int
    measures: tuple[PlannedMeasure, ...]

    @property
    def step(self) -> str:
        return list(self.steps)[-1]

    @property
    def state(self) -> str:
        if "approved" in self.elimination:
            return "eliminated"
        if self.elimination:
            return "eliminating"
        return "monitored" if "approved" in self.steps else "identifying"

    @property
    def eliminated_on(self) -> date | None:
        return self.elimination.get("approved")


def _yuan(amount: float) -> Decimal:
    return Decimal(round(amount)).quantize(Decimal("0.01"))


def _identification(applied_on: date, rng: random.Random, year: int) -> dict[str, date]:
    """Each step on its due day or a day before; a late case is late at one step by some days, and the steps
    after it follow. Only the steps done by the demo's last day are kept."""
    due = due_days(applied_on, SETTINGS)
    early = rng.choice((0, 0, 1))  # the survey is due on the 3rd day: a day early still leaves it after applying
    late_share = LATE_SHARE_AT_THE_END if year == YEARS[-1] and applied_on >= LATE_SEASON else LATE_SHARE
    late_at, delay = None, 0
    if rng.random() < late_share:
        late_at = rng.choice((Step.surveyed, Step.data_checked, Step.village_reviewed, Step.town_reviewed))
        delay = rng.randint(10, 40) if applied_on >= LATE_SEASON else rng.randint(3, 20)
    steps = {Step.applied.value: applied_on}
    shift = 0
    for step in STEPS[1:]:
        if step is late_at:
            shift = delay
        day = due[step] - timedelta(days=early) + timedelta(days=shift)
        if day > DEMO_DAY:
            break
        steps[step.value] = day
    if Step.noticed.value in steps:
        assert (steps[Step.noticed.value] - steps[Step.village_reviewed.value]).days >= NOTICE_DAYS
    return steps


def _measures(
    case_category: Category, has_labour: bool, approved_on: date, eliminated_on: date | None, rng: random.Random
) -> tuple[PlannedMeasure, ...]:
    """Assistance from a few days after approval: development measures with labour, social protection
    without; medical assistance (that year) for most sudden hardships. A cleared household's end on its
    clearance."""
    start = approved_on + timedelta(days=rng.randint(3, 25))
    if start > DEMO_DAY:
        return ()
    out: list[PlannedMeasure] = []
    if has_labour:
        if rng.random() < 0.6:
            out.append(PlannedMeasure("employment", start, eliminated_on, None, "虾稻基地务工"))
        else:
            amount = _yuan(rng.randint(10, 40) * 100)
            out.append(PlannedMeasure("industry", start, eliminated_on, amount, "特色种养补贴"))
        training = start + timedelta(days=30)
        if rng.random() < 0.3 and training <= DEMO_DAY:
            out.append(PlannedMeasure("training", training, training + timedelta(days=14), None, "职业技能培训"))
    else:
        out.append(PlannedMeasure("dibao", start, None, _yuan(rng.randint(60, 120) * 100), "农村低保（年）"))
        if rng.random() < 0.5:
            amount = _yuan(rng.randint(2, 12) * 1000)
            out.append(PlannedMeasure("medical_assistance", start, date(start.year, 12, 31), amount, "医疗救助"))
    if case_category is Category.sudden_hardship and rng.random() < 0.8:
        amount = _yuan(rng.randint(5, 30) * 1000)
        out.append(PlannedMeasure("medical_assistance", start, date(start.year, 12, 31), amount, "大病医疗救助"))
        out.append(PlannedMeasure("temporary_assistance", start, start, _yuan(rng.randint(10, 30) * 100), "临时救助"))
    return tuple(out)


def _elimination(approved_on: date, year: int, has_labour: bool, rng: random.Random) -> tuple[dict[str, date], int]:
    """The risk-elimination steps done by the demo's last day, for a case of an earlier year with labour whose
    home check (8 to 24 months after approval) falls by then; and the months its income ran above the line."""
    home_check = approved_on + timedelta(days=rng.randint(240, 720))
    cleared = rng.random() < CLEARED_SHARE
    if not has_labour or year >= YEARS[-1] or not cleared or home_check > DEMO_DAY:
        return {}, 0
    months = min(12, (home_check - approved_on).days // 30)
    facts = EliminationFacts(
        months_above_line=months,
        rigid_spending_resolved=True,
        checklist=dict.fromkeys(CHECKLIST, True),
        risk_gone=True,
        has_labour=True,
        protection_income_share=Decimal("0.05"),
    )
    assert not elimination_refusals(facts, SETTINGS)
    done = {}
    for step in ELIMINATION_STEPS:
        day = home_check + timedelta(days=ELIMINATION_DAYS[step.value])
        if day > DEMO_DAY:
            break
        done[step.value] = day
    return done, months


def _free(last: PlannedCase | None, day: date) -> bool:
    """Whether a household may be taken in on ``day``: it has no case, or its last one was cleared before."""
    if last is None:
        return True
    cleared = last.eliminated_on
    return cleared is not None and cleared < day


def _figures(rng: random.Random, line: Decimal, sudden: bool) -> tuple[Decimal, Decimal, Decimal]:
    """Per-capita income, rigid spending and the year before's income: under the line (unstable, marginal),
    or above it with rigid spending taking it under (a sudden hardship)."""
    if sudden:
        income = _yuan(float(line) * rng.uniform(1.05, 1.6))
        rigid = income - _yuan(float(line) * rng.uniform(0.35, 0.85))
        previous = income + _yuan(rng.randint(0, 8) * 100)
    else:
        income = _yuan(float(line) * rng.uniform(0.72, 0.97))
        rigid = _yuan(rng.choice((0, 0, 200, 400, 600)))
        previous = income + _yuan(rng.randint(2, 15) * 100)
    return income, rigid, previous


def _case(
    rng: random.Random,
    *,
    standing: Standing,
    household: int,
    has_labour: bool,
    year: int,
    line: Decimal,
    applied_on: date,
    sudden: bool,
) -> PlannedCase:
    """One case, numbered later: its figures, how far it went and its measures."""
    income, rigid, previous = _figures(rng, line, sudden)
    found = category(standing, Finances(income, rigid, previous), line, SETTINGS)
    assert found is not None
    steps = _identification(applied_on, rng, year)
    approved_on = steps.get(Step.approved.value)
    elimination, months = ({}, 0) if approved_on is None else _elimination(approved_on, year, has_labour, rng)
    eliminated_on = elimination.get("approved")
    measures = () if approved_on is None else _measures(found, has_labour, approved_on, eliminated_on, rng)
    return PlannedCase(
        number=0,
        standing=standing.value,
        household=household,
        has_labour=has_labour,
        channel=rng.choice(CHANNELS[found]),
        category=found.value,
        year=year,
        line=line,
        income=income,
        rigid_spending=rigid,
        previous_income=previous,
        applied_on=applied_on,
        steps=steps,
        elimination=elimination,
        months_above_line=months,
        measures=measures,
    )


def _span(year: int) -> tuple[date, int]:
    """The year's first day for an application, and the days after it the year's applications fall on."""
    last_day = (DEMO_DAY - timedelta(days=5)) if year == YEARS[-1] else date(year, 12, 10)
    return date(year, 1, 5), (last_day - date(year, 1, 5)).days


def plan_cases(
    plan: Sequence[HouseholdPlan],
    lines: Mapping[int, Decimal] = LINES,
    ordinary: Sequence[OrdinaryHousehold] | None = None,
) -> list[PlannedCase]:
    """The county's caseload, year by year: who is taken in (a household with an open case never is), when,
    on which figures, and how far each case had gone by the demo's last day. Each year's exited households
    come first, then its ordinary ones (``ordinary``: ``ordinary.plan_households()`` unless given), each
    drawn with its own seed."""
    if ordinary is None:
        ordinary = plan_households()
    exited = [(i, not without_labour(i)) for i, p in enumerate(plan, start=1) if p.category == "exited"]
    rng = random.Random(2021)
    other_rng = random.Random(2024)
    last_case: dict[tuple[str, int], PlannedCase] = {}
    cases: list[PlannedCase] = []
    for year in YEARS:
        line = lines[year]
        first, span = _span(year)
        # open cases keep their household out; one cleared before the year may come back
        pool = [(i, labour) for i, labour in exited if _free(last_case.get(("exited", i)), date(year, 1, 1))]
        count = round(len(exited) * INTAKE[year])

        def weight(h: tuple[int, bool]) -> float:
            return (1.0 if h[1] else NO_LABOUR_WEIGHT) * (RETURN_WEIGHT if ("exited", h[0]) in last_case else 1.0)

        drawn = sorted(pool, key=lambda h: rng.random() / weight(h))[:count]
        year_cases = []
        for household, has_labour in sorted(drawn):
            applied_on = first + timedelta(days=rng.randint(0, span))
            sudden = rng.random() < SUDDEN_HARDSHIP_SHARE
            year_cases.append(
                _case(
                    rng,
                    standing=Standing.exited,
                    household=household,
                    has_labour=has_labour,
                    year=year,
                    line=line,
                    applied_on=applied_on,
                    sudden=sudden,
                )
            )
        # ordinary households: those first taken in this year, and a few cleared before coming back
        takes = [(h, h.taken_in_on, h.sudden) for h in ordinary if h.year == year]
        for h in ordinary:
            last = last_case.get(("ordinary", h.number))
            if last is not None and _free(last, date(year, 1, 1)) and other_rng.random() < ORDINARY_RETURN_SHARE:
                applied_on = first + timedelta(days=other_rng.randint(0, span))
                takes.append((h, applied_on, other_rng.random() < ORDINARY_SUDDEN_SHARE))
        for h, applied_on, sudden in sorted(takes, key=lambda t: (t[1], t[0].number)):
            year_cases.append(
                _case(
                    other_rng,
                    standing=Standing.ordinary,
                    household=h.number,
                    has_labour=h.has_labour,
                    year=year,
                    line=line,
                    applied_on=applied_on,
                    sudden=sudden,
                )
            )
        for c in year_cases:
            case = replace(c, number=len(cases) + 1)
            cases.append(case)
            last_case[(case.standing, case.household)] = case
    return cases


@dataclass(frozen=True, slots=True)
class PlannedRound:
    number: int
    """The round's place in the county's rounds (1-based), the first in February 2021 (the first month that
    begins with a case open)."""
    period: str
    started_on: date
    ended_on: date | None
    """The month's last day; none for the month of the demo's last day, still under way."""


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    round: int
    case: int
    """The case's number (``PlannedCase.number``)."""
    visited_on: date
    income: Decimal | None
    """Per-capita income a year as found, where it was asked: in the quarter's last round and on a case's
    first visit."""
    note: str
    """What changed since the case's visit before (its application, for the first)."""


ROUND_DAY = 1  # a round starts on the month's first day
INCOME_MONTHS = (3, 6, 9, 12)
LAST_ROUND_VISITED = 0.85  # of the households due in the round under way on the demo's last day


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _income_on(c: PlannedCase, day: date, lines: Mapping[int, Decimal], lift: float) -> Decimal:
    """The household's per-capita income as a visit on ``day`` finds it: a case being cleared has run above
    the year's line (by ``lift``) for its months above the line before its home check, from its first measure
    on; before that, and for the others, its income grows slowly from its intake's, under the year's line but
    for a sudden hardship (whose rigid spending, not its income, is the risk)."""
    line = float(lines[day.year])
    home = c.elimination.get("home_checked")
    if home is not None:
        helped = min((m.start_on for m in c.measures), default=c.applied_on)
        if day >= max(home - timedelta(days=30 * c.months_above_line), helped):
            return _yuan(line * lift)
    grown = float(c.income) * (1 + 0.03 * (day - c.applied_on).days / 365)
    if c.category == "sudden_hardship":
        return _yuan(grown)
    return _yuan(min(grown, line * 0.97))


def _what_changed(
    c: PlannedCase, since: date, day: date, income: Decimal | None, line: Decimal, above: dict[int, bool]
) -> str:
    """What a visit on ``day`` finds changed since ``since`` (the visit before, or the day before the
    application): the identification, measures begun or ended, the risk elimination begun, the income
    crossing the year's line; ``above``: by case, whether its income was above the line when last asked."""
    notes = []
    approved = c.steps.get("approved")
    if approved is None or approved > day:
        notes.append("认定程序进行中")
    elif since < approved:
        notes.append("县级审批通过，纳入监测帮扶")
    begun = [m.note or m.kind for m in c.measures if since < m.start_on <= day]
    if begun:
        notes.append("落实帮扶：" + "、".join(begun))
    ended = [m.note or m.kind for m in c.measures if m.end_on is not None and m.start_on <= since < m.end_on <= day]
    if ended:
        notes.append("帮扶到期：" + "、".join(ended))
    home = c.elimination.get("home_checked")
    if home is not None and home <= day:
        notes.append("风险消除入户核查" if since < home else "风险消除程序进行中")
    if income is not None:
        was = above.get(c.number, c.income >= c.line)
        now = income >= line
        if now != was:
            notes.append("人均纯收入超过当年监测线" if now else "人均纯收入低于当年监测线")
        above[c.number] = now
    return "；".join(notes) or "无变化"


def plan_rounds(
    cases: Sequence[PlannedCase], lines: Mapping[int, Decimal] = LINES
) -> tuple[list[PlannedRound], list[PlannedVisit]]:
    """The county's monthly rounds from February 2021 to the demo's last day, and their visits: each round
    visits every case open on its first day (applied for by then, its risk not eliminated by then), on a day
    of the month before the case's risk is eliminated; the round under way on the demo's last day has
    visited most of them so far."""
    rng = random.Random(2023)
    lift = {c.number: rng.uniform(1.10, 1.40) for c in cases}
    waiting = sorted(cases, key=lambda c: (c.applied_on, c.number), reverse=True)  # the next to apply last
    due: list[PlannedCase] = []  # the cases applied for by the round's first day and not cleared by then
    rounds: list[PlannedRound] = []
    visits: list[PlannedVisit] = []
    last_visit: dict[int, date] = {}
    above: dict[int, bool] = {}
    first = min(c.applied_on for c in cases)  # the first round is the first with a case open on its first day
    year, month = (first.year, first.month + 1) if first.month < 12 else (first.year + 1, 1)
    while date(year, month, ROUND_DAY) <= DEMO_DAY:
        start, end = date(year, month, ROUND_DAY), _month_end(year, month)
        current = end >= DEMO_DAY
        rounds.append(PlannedRound(len(rounds) + 1, f"{year}-{month:02d}", start, None if current else end))
        last = DEMO_DAY - timedelta(days=2) if current else end
        while waiting and waiting[-1].applied_on <= start:
            due.append(waiting.pop())
        due = [c for c in due if c.eliminated_on is None or c.eliminated_on > start]
        for c in due:
            if current and rng.random() >= LAST_ROUND_VISITED:
                continue
            until = last if c.eliminated_on is None else min(last, c.eliminated_on - timedelta(days=1))
            day = start + timedelta(days=rng.randint(0, (until - start).days))
            new = c.number not in last_visit
            since = c.applied_on - timedelta(days=1) if new else last_visit[c.number]
            income = _income_on(c, day, lines, lift[c.number]) if new or month in INCOME_MONTHS else None
            note = _what_changed(c, since, day, income, lines[day.year], above)
            visits.append(PlannedVisit(len(rounds), c.number, day, income, note))
            last_visit[c.number] = day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rounds, visits


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _by(step: str, cadres: tuple[str, str], village: str, town: str) -> list[str]:
    return {
        "applied": [cadres[0]],
        "surveyed": list(cadres),
        "data_checked": ["县大数据中心"],
        "village_reviewed": [f"{village}村民代表会议"],
        "noticed": [f"{village}村委会"],
        "town_reviewed": [town],
        "approved": ["县乡村振兴局"],
        "announced": ["县乡村振兴局"],
        "home_checked": list(cadres),
    }[step]


def places(villages: Sequence[Sequence[Any]], towns: Mapping[int, str]) -> dict[int, tuple[str, str, tuple[str, str]]]:
    """By village id (the village rows: id, town id, code, county, name, ...): its name, its town's name and the
    two cadres who survey its cases (the first is the officer responsible for its households' measures)."""
    out = {}
    for n, v in enumerate(villages):
        a, b = (
            SURNAMES[(n * 2 + k) * 7 % len(SURNAMES)]
            + GIVEN[(n * 5 + k) % len(GIVEN)]
            + GIVEN[(n * 11 + 3 * k + 1) % len(GIVEN)]
            for k in (0, 1)
        )
        out[v[0]] = (v[4], towns[v[1]], (a, b))
    return out


def _household(c: PlannedCase, households: Sequence[Sequence[Any]], ordinary: Sequence[Sequence[Any]]) -> Sequence[Any]:
    return (households if c.standing == Standing.exited.value else ordinary)[c.household - 1]


def case_rows(
    cases: Sequence[PlannedCase],
    households: Sequence[Sequence[Any]],
    ordinary: Sequence[Sequence[Any]],
    places: Mapping[int, tuple[str, str, tuple[str, str]]],
    *,
    county: str,
    after: tuple[int, int] = (0, 0),
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows for monitoring_case and monitoring_measure of one county, with explicit ids.

    ``households``, ``ordinary``: the county's household rows (id first, village third) of the register's
    plan and of the ordinary households' plan, each in its plan's order; ``places``: by village id, its name,
    its town's name and its two cadres; ``after``: the last case and measure ids taken by the counties loaded
    before."""
    first_case, measure_id = after
    case_out: list[tuple[Any, ...]] = []
    measure_out: list[tuple[Any, ...]] = []
    for c in cases:
        household = _household(c, households, ordinary)
        village, town, cadres = places[household[2]]
        case_id = first_case + c.number
        steps = {
            name: {"on": day.isoformat(), "by": _by(name, cadres, village, town), "note": None}
            for name, day in c.steps.items()
        }
        elimination = None
        if c.elimination:
            elimination = {
                "facts": {
                    **dict.fromkeys(CHECKLIST, True),
                    "months_above_line": c.months_above_line,
                    "rigid_spending_resolved": True,
                    "risk_gone": True,
                    "has_labour": c.has_labour,
                    "protection_income_share": "0.05",
                },
                "steps": {
                    name: {"on": day.isoformat(), "by": _by(name, cadres, village, town), "note": None}
                    for name, day in c.elimination.items()
                },
                "step": list(c.elimination)[-1],
            }
        case_out.append(
            (
                case_id,
                household[0],
                c.channel,
                c.category,
                c.year,
                c.line,
                c.income,
                c.rigid_spending,
                c.previous_income,
                f"承诺授权书 {county}-{c.year}-{c.number:05d}",
                c.applied_on,
                c.step,
                json.dumps(steps, ensure_ascii=False),
                c.state,
                None if elimination is None else json.dumps(elimination, ensure_ascii=False),
                c.eliminated_on,
                _at(c.applied_on),
            )
        )
        for m in c.measures:
            measure_id += 1
            measure_out.append(
                (measure_id, case_id, m.kind, m.start_on, m.end_on, cadres[0], m.amount, m.note, None, _at(m.start_on))
            )
    return case_out, measure_out


CASE_COLUMNS = (
    "id",
    "household",
    "channel",
    "category",
    "year",
    "line",
    "income",
    "rigid_spending",
    "previous_income",
    "consent",
    "applied_on",
    "step",
    "steps",
    "state",
    "elimination",
    "eliminated_on",
    "created_at",
)
MEASURE_COLUMNS = (
    "id",
    "monitoring_case",
    "kind",
    "start_on",
    "end_on",
    "officer",
    "amount",
    "note",
    "recorded_by",
    "created_at",
)


def round_rows(
    rounds: Sequence[PlannedRound],
    visits: Sequence[PlannedVisit],
    cases: Sequence[PlannedCase],
    households: Sequence[Sequence[Any]],
    ordinary: Sequence[Sequence[Any]],
    places: Mapping[int, tuple[str, str, tuple[str, str]]],
    *,
    county_id: int,
    after: tuple[int, int, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows for monitoring_round and monitoring_visit of one county (``county_id``: its region), with
    explicit ids after ``after`` (the last round, case and visit ids taken by the counties loaded before);
    each case is visited by its village's two cadres."""
    first_round, first_case, visit_id = after
    by = [json.dumps(list(places[_household(c, households, ordinary)[2]][2]), ensure_ascii=False) for c in cases]
    round_out = [
        (first_round + r.number, county_id, r.period, r.started_on, r.ended_on, _at(r.started_on)) for r in rounds
    ]
    visit_out = [
        (
            visit_id + k,
            first_round + v.round,
            first_case + v.case,
            v.visited_on,
            by[v.case - 1],
            v.income,
            v.note,
            _at(v.visited_on),
        )
        for k, v in enumerate(visits, start=1)
    ]
    return round_out, visit_out


ROUND_COLUMNS = ("id", "county", "period", "started_on", "ended_on", "created_at")
VISIT_COLUMNS = (
    "id",
    "monitoring_round",
    "monitoring_case",
    "visited_on",
    "visited_by",
    "income",
    "note",
    "created_at",
)
