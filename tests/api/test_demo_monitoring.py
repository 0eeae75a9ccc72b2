"""The demo's monitoring caseload of 2021-2025 (issue 14): the province's lines, cases taken in every year in
each category, some overdue on days of their year and a few still overdue on the demo's last day, measures by
labour, cases cleared through the risk-elimination steps (never a household without labour), each county with
the same caseload, and the same rows on every load.

The expected figures are the plan's (``app.demo.monitoring.plan_cases``), counted here by the rules of
``app.monitoring.case_rules``; the API must show them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from app.demo import load_demo
from app.demo.figures import household_plan
from app.demo.monitoring import DEMO_DAY, LINES, YEARS, PlannedCase, plan_cases
from app.monitoring.case_rules import CaseSettings, Step, overdue
from tests.api.conftest import reset_database
from tests.db import fetch, fetchrow

PLAN = plan_cases(household_plan())
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
        o.household == c.household and o.number < c.number and o.eliminated_on is not None and o.eliminated_on <= day
        for o in PLAN
    )


async def test_the_province_has_a_monitoring_line_for_every_year(client, demo):
    lines = await _get(client, "/api/v1/monitoring-lines", demo["auditor"], region="42")
    province = {x["year"]: x["amount"] for x in lines if x["level"] == "province"}
    assert province == {year: f"{amount:.2f}" for year, amount in LINES.items()}
    assert set(YEARS) <= set(province)


async def test_cases_every_year_in_each_category_in_each_county(client, demo):
    planned = Counter((c.year, c.category) for c in PLAN)
    for year in YEARS:
        assert planned[(year, "unstable")] > planned[(year, "sudden_hardship")] > 0
    # a few per cent of the county's exited households a year
    exited = sum(1 for p in household_plan() if p.category == "exited")
    for year in YEARS:
        share = (planned[(year, "unstable")] + planned[(year, "sudden_hardship")]) / exited
        assert 0.03 <= share <= 0.06, (year, share)
    rows = await fetch("SELECT county_code, year, category, count(*) AS n FROM monitoring_case GROUP BY 1, 2, 3")
    for county in COUNTIES:
        assert {(r["year"], r["category"]): r["n"] for r in rows if r["county_code"] == county} == dict(planned)
    for name in ("unstable", "sudden_hardship"):
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
            " c.step, c.state, c.eliminated_on, right(h.registry_no, 8) AS number, h.county_code"
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
    # only exited households are taken in (ordinary ones are not the demo's)
    others = await fetchrow(
        "SELECT count(*) AS n FROM monitoring_case c JOIN household h ON h.id = c.household WHERE h.status <> 'exited'"
    )
    assert others is not None and others["n"] == 0


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
        "marginal": 0,
        "identifying": len(opened) - len(approved),
        "monitored": sum(c.eliminated_on is None for c in approved),
        "eliminated": sum(c.eliminated_on is not None for c in approved),
        "returned": sum(_returned_on(c, day) for c in opened),
    }
    total = overview["total"]
    assert {k: total[k] for k in expected} == {k: len(COUNTIES) * n for k, n in expected.items()}
    assert total["assisted"] == {kind: len(COUNTIES) * n for kind, n in assisted.items()}
    assert expected["eliminated"] > 0 and expected["returned"] > 0 and expected["identifying"] > 0
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


_DIGEST = """
SELECT (SELECT md5(string_agg(row_to_json(c)::text, '|' ORDER BY c.id)) FROM monitoring_case c
        WHERE c.county_code = '429005') AS cases,
       (SELECT md5(string_agg(row_to_json(m)::text, '|' ORDER BY m.id)) FROM monitoring_measure m
        WHERE m.county_code = '429005') AS measures,
       (SELECT md5(string_agg(l.year || ':' || l.amount || ':' || l.created_at, '|' ORDER BY l.year))
        FROM monitoring_line l) AS lines
"""


async def test_loading_again_gives_the_same_rows(demo):
    """Last in the module: it loads the demo again into an emptied database."""
    first = await fetchrow(_DIGEST)
    assert first is not None and all(first.values())
    await reset_database()
    await load_demo()
    again = await fetchrow(_DIGEST)
    assert again is not None and dict(again) == dict(first)
