"""The demo's monitoring caseload of 2021-2025 (issue 14): the province's lines, cases taken in every year in
each category (exited households, and ordinary ones taken into the registry for it, which no register figure
or list shows), some overdue on days of their year and a few still overdue on the demo's last day, measures by
labour, cases cleared through the risk-elimination steps (never a household without labour), monthly rounds
visiting the cases open on their first day, each county with the same caseload, the 2017 report's figures as
they were, and the same rows on every load.

The expected figures are the plan's (``app.demo.monitoring.plan_cases`` and ``plan_rounds``,
``app.demo.ordinary.plan_households``), counted here by the rules of ``app.monitoring.case_rules``; the API
must show them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from app.core.identifiers import resident_id_info
from app.demo import load_demo
from app.demo.figures import household_plan
from app.demo.monitoring import DEMO_DAY, LINES, YEARS, PlannedCase, plan_cases, plan_rounds
from app.demo.ordinary import plan_households
from app.monitoring.case_rules import CaseSettings, Step, overdue
from tests.api.conftest import reset_database
from tests.api.test_demo import DEMO_AMOUNTS, REPORTED
from tests.db import fetch, fetchrow

ORDINARY = plan_households()
PLAN = plan_cases(household_plan(), LINES, ORDINARY)
ROUNDS, VISITS = plan_rounds(PLAN)
COUNTIES = ("429005", "429006")


@pytest.fixture
async def clean_database() -> None:
    """The tests share the module's demo province: no reset between them."""


@pytest.fixture(scope="module")
async def demo(app) -> dict[str, dict[str, str]]:
    await reset_database()
    tokens = (await load_demo(counties=len(COUNTIES))).tokens
    return {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}


async def _get(client, path: str, headers: dict[str, str], **params: Any) -> Any:
    r = await client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _overdue_on(c: PlannedCase, day: date) -> bool:
    done = [Step(s) for s, on in c.steps.items() if on <= day]
    if c.applied_on > day or Step.approved in done:
        return False
    return overdue(c.applied_on, done, day, CaseSettings()) is not None


def _returned_on(c: PlannedCase, day: date) -> bool:
    return any(
        (o.standing, o.household) == (c.standing, c.household)
        and o.number < c.number
        and o.eliminated_on is not None
        and o.eliminated_on <= day
        for o in PLAN
    )


async def test_the_province_has_a_monitoring_line_for_every_year(client, demo):
    lines = await _get(client, "/api/v1/monitoring-lines", demo["auditor"], region="42")
    province = {x["year"]: x["amount"] for x in lines if x["level"] == "province"}
    assert province == {year: f"{amount:.2f}" for year, amount in LINES.items()}
    assert set(YEARS) <= set(province)


async def test_cases_every_year_in_each_category_in_each_county(client, demo):
    planned = Counter((c.year, c.category) for c in PLAN)
    by_standing = Counter((c.year, c.standing, c.category) for c in PLAN)
    for year in YEARS:
        assert by_standing[(year, "exited", "unstable")] > by_standing[(year, "exited", "sudden_hardship")] > 0
        assert by_standing[(year, "ordinary", "marginal")] > by_standing[(year, "ordinary", "sudden_hardship")] > 0
    # a few per cent of the county's exited households a year
    exited = sum(1 for p in household_plan() if p.category == "exited")
    for year in YEARS:
        share = sum(n for (y, standing, _), n in by_standing.items() if (y, standing) == (year, "exited")) / exited
        assert 0.03 <= share <= 0.06, (year, share)
    rows = await fetch("SELECT county_code, year, category, count(*) AS n FROM monitoring_case GROUP BY 1, 2, 3")
    for county in COUNTIES:
        assert {(r["year"], r["category"]): r["n"] for r in rows if r["county_code"] == county} == dict(planned)
    for name in ("unstable", "marginal", "sudden_hardship"):
        listed = await _get(client, "/api/v1/monitoring-cases", demo["auditor"], category=name, limit=1)
        assert listed["total"] == len(COUNTIES) * sum(n for (_, c), n in planned.items() if c == name)
    # a sudden hardship is above its year's line, its rigid spending taking it under
    hardship = await _get(client, "/api/v1/monitoring-cases", demo["auditor"], category="sudden_hardship", limit=5)
    for case in hardship["items"]:
        income, line = float(case["income"]), float(case["line"])
        assert income >= line > income - float(case["rigid_spending"])
    # each county's caseload is the same, in its own households
    counties = [
        await fetch(
            "SELECT c.year, c.category, c.channel, c.line, c.income, c.rigid_spending, c.previous_income, c.applied_on,"
            " c.step, c.state, c.eliminated_on, h.status, regexp_replace(h.registry_no, '^(M?)' || h.county_code, '\\1')"
            " AS number, h.county_code"
            " FROM monitoring_case c JOIN household h ON h.id = c.household WHERE c.county_code = $1 ORDER BY c.id",
            county,
        )
        for county in COUNTIES
    ]
    assert all(r["county_code"] == COUNTIES[1] for r in counties[1])
    assert [tuple(r.values())[:-1] for r in counties[0]] == [tuple(r.values())[:-1] for r in counties[1]]


async def test_one_open_case_a_household(demo):
    overlapping = await fetchrow(
        "SELECT count(*) AS n FROM monitoring_case a JOIN monitoring_case b ON b.household = a.household AND b.id > a.id"
        " WHERE a.eliminated_on IS NULL OR a.eliminated_on >= b.applied_on"
    )
    assert overlapping is not None and overlapping["n"] == 0
    # exited households are unstable or sudden hardships, ordinary ones marginal or sudden hardships; no
    # household still on the register (nor a returned or removed one) is taken in
    rows = await fetch(
        "SELECT h.status, c.category, count(*) AS n FROM monitoring_case c JOIN household h ON h.id = c.household"
        " GROUP BY 1, 2"
    )
    planned = Counter((c.standing, c.category) for c in PLAN)
    assert {(r["status"], r["category"]): r["n"] for r in rows} == {k: len(COUNTIES) * n for k, n in planned.items()}
    assert set(planned) == {
        ("exited", "unstable"),
        ("exited", "sudden_hardship"),
        ("ordinary", "marginal"),
        ("ordinary", "sudden_hardship"),
    }


async def test_overdue_cases_on_days_of_their_year_and_on_the_demo_s_last_day(client, demo):
    days = [DEMO_DAY]
    for year in YEARS:  # the day of each year (the 15th of a month) with the most cases overdue
        days.append(max((date(year, m, 15) for m in range(1, 12)), key=lambda d: sum(_overdue_on(c, d) for c in PLAN)))
    for day in days:
        expected = sum(_overdue_on(c, day) for c in PLAN)
        assert expected > 0, day
        listed = await _get(
            client, "/api/v1/monitoring-cases", demo["auditor"], overdue="true", as_of=day.isoformat(), limit=200
        )
        assert listed["total"] == len(COUNTIES) * expected, day
        assert all(c["overdue"]["days"] > 0 for c in listed["items"])
        overview = await _get(client, "/api/v1/monitoring-overview", demo["auditor"], as_of=day.isoformat())
        assert overview["total"]["overdue"] == len(COUNTIES) * expected, day
    # on the last day, the overdue are the latest year's cases still in identification
    last = await _get(
        client, "/api/v1/monitoring-cases", demo["admin"], overdue="true", as_of=DEMO_DAY.isoformat(), limit=200
    )
    assert {(c["year"], c["state"]) for c in last["items"]} == {(YEARS[-1], "identifying")}


async def test_the_overview_on_the_demo_s_last_day(client, demo):
    day = DEMO_DAY
    opened = [c for c in PLAN if c.applied_on <= day]
    approved = [c for c in opened if "approved" in c.steps]
    assisted: Counter[str] = Counter()
    for c in opened:
        if c.eliminated_on is not None and c.eliminated_on <= day:
            continue  # a household whose risk was eliminated is no longer counted assisted
        for kind in {m.kind for m in c.measures if m.start_on <= day and (m.end_on is None or m.end_on >= day)}:
            assisted[kind] += 1
    overview = await _get(client, "/api/v1/monitoring-overview", demo["auditor"], as_of=day.isoformat())
    expected = {
        "unstable": sum(c.category == "unstable" for c in opened),
        "sudden_hardship": sum(c.category == "sudden_hardship" for c in opened),
        "marginal": sum(c.category == "marginal" for c in opened),
        "identifying": len(opened) - len(approved),
        "monitored": sum(c.eliminated_on is None for c in approved),
        "eliminated": sum(c.eliminated_on is not None for c in approved),
        "returned": sum(_returned_on(c, day) for c in opened),
    }
    total = overview["total"]
    assert {k: total[k] for k in expected} == {k: len(COUNTIES) * n for k, n in expected.items()}
    assert total["assisted"] == {kind: len(COUNTIES) * n for kind, n in assisted.items()}
    assert expected["eliminated"] > 0 and expected["returned"] > 0 and expected["identifying"] > 0
    assert expected["marginal"] > 0
    assert len(overview["towns"]) == len(COUNTIES) * 22
    # a town officer sees the town's part
    mine = await _get(client, "/api/v1/monitoring-overview", demo["town_officer"], as_of=day.isoformat())
    assert [t["town_id"] for t in mine["towns"]] == [1]


async def test_cleared_cases_went_through_every_step_and_never_a_household_without_labour(client, demo):
    cleared = [c for c in PLAN if c.state == "eliminated"]
    assert cleared and all(c.has_labour and c.year < YEARS[-1] for c in cleared)
    without_labour = [c for c in PLAN if not c.has_labour]
    assert without_labour and all(c.state in ("identifying", "monitored") for c in without_labour)
    listed = await _get(client, "/api/v1/monitoring-cases", demo["auditor"], state="eliminated", limit=20)
    assert listed["total"] == len(COUNTIES) * len(cleared)
    for case in listed["items"]:
        steps = case["elimination"]["steps"]
        order = ["home_checked", "village_reviewed", "noticed", "town_reviewed", "approved"]
        assert sorted(steps, key=lambda s: steps[s]["on"]) == order  # jsonb keeps no key order: by their days
        assert case["eliminated_on"] == steps["approved"]["on"] and case["elimination"]["step"] == "approved"
        assert case["elimination"]["facts"]["months_above_line"] >= 6
    eliminating = await _get(client, "/api/v1/monitoring-cases", demo["auditor"], state="eliminating", limit=1)
    assert eliminating["total"] == len(COUNTIES) * sum(c.state == "eliminating" for c in PLAN)
    # the database agrees: no cleared case of a household without a member able to work
    wrong = await fetchrow(
        "SELECT count(*) AS n FROM monitoring_case c WHERE c.state IN ('eliminating', 'eliminated') AND NOT EXISTS"
        " (SELECT 1 FROM member m WHERE m.household = c.household AND m.labour_ability <> 'none')"
    )
    assert wrong is not None and wrong["n"] == 0


async def test_measures_by_labour(client, demo):
    planned = Counter(m.kind for c in PLAN for m in c.measures)
    rows = await fetch("SELECT county_code, kind, count(*) AS n FROM monitoring_measure GROUP BY 1, 2")
    for county in COUNTIES:
        assert {r["kind"]: r["n"] for r in rows if r["county_code"] == county} == dict(planned)
    for c in PLAN:
        kinds = {m.kind for m in c.measures}
        if c.has_labour:
            assert kinds.isdisjoint({"dibao", "tekun"}), c
            if c.measures:
                assert kinds & {"employment", "industry"}, c
        else:
            assert kinds <= {"dibao", "medical_assistance", "temporary_assistance"}, c
            assert "dibao" in kinds or not c.measures
    # one household without labour: its dibao over the API
    no_labour = next(c for c in PLAN if not c.has_labour and c.measures)
    case_id = no_labour.number  # the first county's cases are numbered from 1
    measures = await _get(client, f"/api/v1/monitoring-cases/{case_id}/measures", demo["auditor"])
    assert [m["kind"] for m in measures] == [m.kind for m in no_labour.measures]
    assert measures[0]["kind"] == "dibao" and measures[0]["amount"] is not None


async def test_ordinary_households_taken_in_each_year_with_their_members(client, demo):
    """A few hundred ordinary households a county over the years, each taken into the registry on the day its
    first case was applied for: a local number in that order, one ``created`` event, members with valid ID
    numbers of the county that no other household's member has; marginal cases under the year's line,
    sudden hardships above it with rigid spending taking them under."""
    assert 200 <= len(ORDINARY) <= 500
    first_cases = {c.household: c for c in reversed(PLAN) if c.standing == "ordinary"}
    assert set(first_cases) == {h.number for h in ORDINARY}
    for h in ORDINARY:
        assert first_cases[h.number].applied_on == h.taken_in_on
        assert first_cases[h.number].category == ("sudden_hardship" if h.sudden else "marginal")
    for year in YEARS:
        assert sum(h.year == year for h in ORDINARY) >= 40
    for c in PLAN:
        if c.category == "marginal":
            assert c.income < c.line
        elif c.standing == "ordinary":
            assert c.income >= c.line > c.income - c.rigid_spending
    for county in COUNTIES:
        rows = await fetch(
            "SELECT h.id, h.registry_no, h.attribute, h.created_at::date AS taken_in, h.registered_on,"
            " h.exited_year, (SELECT array_agg(e.kind || ':' || e.to_status ORDER BY e.id) FROM household_event e"
            " WHERE e.household = h.id) AS events, (SELECT count(*) FROM member m WHERE m.household = h.id) AS people,"
            " (SELECT min(c.applied_on) FROM monitoring_case c WHERE c.household = h.id) AS first_case"
            " FROM household h WHERE h.county_code = $1 AND h.status = 'ordinary' ORDER BY h.registry_no",
            county,
        )
        assert [r["registry_no"] for r in rows] == [f"M{county}{h.number:06d}" for h in ORDINARY]
        assert [(r["taken_in"], r["first_case"], r["people"]) for r in rows] == [
            (h.taken_in_on, h.taken_in_on, len(h.members)) for h in ORDINARY
        ]
        assert all(r["attribute"] == "ordinary" and r["registered_on"] is None for r in rows)
        assert all(r["exited_year"] is None and r["events"] == ["created:ordinary"] for r in rows)
        members = await fetch(
            "SELECT m.id_number, m.birth_date, m.sex, m.relation, m.labour_ability FROM member m"
            " JOIN household h ON h.id = m.household WHERE h.county_code = $1 AND h.status = 'ordinary'",
            county,
        )
        for m in members:
            info = resident_id_info(m["id_number"], today=DEMO_DAY)
            assert m["id_number"].startswith(county)
            assert (info.birth_date, info.sex) == (m["birth_date"], m["sex"])
        assert sum(m["relation"] == "head" for m in members) == len(ORDINARY)
    clash = await fetchrow(
        "SELECT count(*) AS n FROM member a JOIN member b ON b.id_number = a.id_number AND b.household <> a.household"
        " JOIN household h ON h.id = a.household WHERE h.status = 'ordinary'"
    )
    assert clash is not None and clash["n"] == 0
    # over the API, asked for by their status; a case's household is one of them
    listed = await _get(client, "/api/v1/households", demo["auditor"], status="ordinary", limit=1)
    assert listed["total"] == len(COUNTIES) * len(ORDINARY)
    marginal = await _get(client, "/api/v1/monitoring-cases", demo["auditor"], category="marginal", limit=1)
    household = await _get(client, f"/api/v1/households/{marginal['items'][0]['household_id']}", demo["auditor"])
    assert household["status"] == "ordinary" and household["registry_no"].startswith("M")


async def test_no_register_figure_or_list_shows_an_ordinary_household(client, demo):
    """The 2017 report's figures, each county's, as the demo without them showed; the household list, its
    counts and the ledger export leave them out unless asked for by their status."""
    province = await _get(client, "/api/v1/stats/overview", demo["auditor"], region="42")
    for county in province["counties"]:
        assert {k: county[k] for k in (*REPORTED, *DEMO_AMOUNTS)} == REPORTED | DEMO_AMOUNTS, county["code"]
    on_register = REPORTED["households_registered"] + 564  # and the removed
    listed = await _get(client, "/api/v1/households", demo["auditor"], limit=1)
    assert listed["total"] == len(COUNTIES) * on_register
    counts = await _get(client, "/api/v1/households/counts", demo["auditor"])
    assert counts["households"] == len(COUNTIES) * on_register and "ordinary" not in counts["by_status"]
    asked = await _get(client, "/api/v1/households/counts", demo["auditor"], status="ordinary")
    people = sum(len(h.members) for h in ORDINARY)
    assert (asked["households"], asked["people"]) == (len(COUNTIES) * len(ORDINARY), len(COUNTIES) * people)
    # the town officer's ledger: the town's registered households, none of its ordinary ones
    r = await client.get("/api/v1/exports/households.csv", headers=demo["town_officer"])
    assert r.status_code == 200, r.text
    ledger = r.content.decode("utf-8-sig")
    mine = await fetchrow(
        "SELECT count(*) FILTER (WHERE h.status = 'ordinary') AS ordinary, count(*) FILTER (WHERE h.status <> 'ordinary')"
        " AS others FROM household h JOIN village v ON v.id = h.village WHERE v.town = 1"
    )
    assert mine is not None and mine["ordinary"] > 0
    assert len(ledger.strip().splitlines()) == 1 + mine["others"] and f"M{COUNTIES[0]}" not in ledger


async def test_rounds_visit_the_open_cases_within_their_open_period(client, demo):
    """A round a month from February 2021, its visits the cases open on its first day (applied for by then, not
    cleared by then), each on a day of the month before its risk was eliminated; the round under way on the
    demo's last day has visited most of its households."""
    assert [r.period for r in ROUNDS][:2] == ["2021-02", "2021-03"] and ROUNDS[-1].period == "2025-11"
    assert all(r.ended_on is not None for r in ROUNDS[:-1]) and ROUNDS[-1].ended_on is None
    rounds = await _get(client, "/api/v1/monitoring-rounds", demo["auditor"], limit=500)
    assert rounds["total"] == len(COUNTIES) * len(ROUNDS)
    planned = Counter(v.round for v in VISITS)
    for county in COUNTIES:
        mine = sorted((r for r in rounds["items"] if r["county_code"] == county), key=lambda r: r["period"])
        assert [r["period"] for r in mine] == [r.period for r in ROUNDS]
        assert [r["visited"] for r in mine] == [planned[r.number] for r in ROUNDS]
        # every household due was visited in a round that ended; most of them so far in the one under way
        assert all(r["visited"] == r["due"] > 0 for r in mine[:-1])
        assert 0 < mine[-1]["visited"] < mine[-1]["due"]
    wrong = await fetchrow(
        "SELECT count(*) AS n FROM monitoring_visit v JOIN monitoring_round r ON r.id = v.monitoring_round"
        " JOIN region g ON g.id = r.county JOIN monitoring_case c ON c.id = v.monitoring_case"
        " WHERE c.county_code <> g.code OR v.county_code <> g.code OR c.applied_on > r.started_on"
        " OR v.visited_on < r.started_on OR v.visited_on > coalesce(r.ended_on, $1)"
        " OR (c.eliminated_on IS NOT NULL AND v.visited_on >= c.eliminated_on)",
        DEMO_DAY,
    )
    assert wrong is not None and wrong["n"] == 0
    # a round's visits: by the village's two cadres, the income asked each quarter, what changed
    visits = {(v.round, v.case): v for v in VISITS}
    june = next(r for r in rounds["items"] if r["county_code"] == COUNTIES[0] and r["period"] == "2024-06")
    got = await _get(client, f"/api/v1/monitoring-rounds/{june['id']}/visits", demo["auditor"])
    number = next(r.number for r in ROUNDS if r.period == "2024-06")
    assert len(got) == planned[number]
    for v in got:
        plan = visits[(number, v["case_id"])]  # the first county's cases are numbered from 1
        assert (v["visited_on"], v["note"]) == (plan.visited_on.isoformat(), plan.note)
        assert v["income"] is not None and len(v["by"]) == 2
    changes = Counter(v.note for v in VISITS)
    assert changes["无变化"] < len(VISITS) and any("落实帮扶" in n for n in changes)
    assert any("县级审批通过" in n for n in changes) and changes["风险消除入户核查"] > 0
    # the cases visited in a round, as the case list filters them; a town officer sees the town's visits
    listed = await _get(client, "/api/v1/monitoring-cases", demo["auditor"], round_id=june["id"], limit=1)
    assert listed["total"] == planned[number]
    town = await _get(client, f"/api/v1/monitoring-rounds/{june['id']}/visits", demo["town_officer"])
    in_town = await fetchrow(
        "SELECT count(*) AS n FROM monitoring_visit m JOIN monitoring_case c ON c.id = m.monitoring_case"
        " JOIN household h ON h.id = c.household JOIN village v ON v.id = h.village"
        " WHERE m.monitoring_round = $1 AND v.town = 1",
        june["id"],
    )
    assert in_town is not None and 0 < len(town) == in_town["n"] < len(got)


_DIGEST = """
SELECT (SELECT md5(string_agg(row_to_json(c)::text, '|' ORDER BY c.id)) FROM monitoring_case c
        WHERE c.county_code = '429005') AS cases,
       (SELECT md5(string_agg(row_to_json(m)::text, '|' ORDER BY m.id)) FROM monitoring_measure m
        WHERE m.county_code = '429005') AS measures,
       (SELECT md5(string_agg(l.year || ':' || l.amount || ':' || l.created_at, '|' ORDER BY l.year))
        FROM monitoring_line l) AS lines,
       (SELECT md5(string_agg(row_to_json(h)::text, '|' ORDER BY h.id)) FROM household h
        WHERE h.county_code = '429005' AND h.status = 'ordinary') AS ordinary_households,
       (SELECT md5(string_agg(row_to_json(m)::text, '|' ORDER BY m.id)) FROM member m JOIN household h
        ON h.id = m.household WHERE h.county_code = '429005' AND h.status = 'ordinary') AS ordinary_members,
       (SELECT md5(string_agg(row_to_json(r)::text, '|' ORDER BY r.id)) FROM monitoring_round r
        JOIN region g ON g.id = r.county WHERE g.code = '429005') AS rounds,
       (SELECT md5(string_agg(row_to_json(v)::text, '|' ORDER BY v.id)) FROM monitoring_visit v
        WHERE v.county_code = '429005') AS visits
"""


async def test_loading_again_gives_the_same_rows(demo):
    """Last in the module: it loads the demo again into an emptied database."""
    first = await fetchrow(_DIGEST)
    assert first is not None and all(first.values())
    await reset_database()
    await load_demo()
    again = await fetchrow(_DIGEST)
    assert again is not None and dict(again) == dict(first)
