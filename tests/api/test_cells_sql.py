"""The spreadsheet-safe rule in SQL (exports the database writes itself, with COPY) answers as the rule in
Python does, for the formula starts, numbers, and any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.cells import safe_cell, sql_safe_text
from app.core.uow import reading

CASES = [
    "=cmd|'/C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "-12.50",
    "+3",
    "12",
    "1.",
    "-.5",
    "ref-1",
    "",
    "'=already",
    "虾稻分红",
    " =1",
]


async def _sql(values: list[str]) -> list[str]:
    async with reading() as conn:
        rows = await conn.fetch(
            f"SELECT {sql_safe_text('t.v')} AS safe FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY t.n",
            values,
        )
    return [r["safe"] for r in rows]


async def test_the_sql_rule_is_the_python_rule_on_the_known_cases():
    assert await _sql(CASES) == [safe_cell(v) for v in CASES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r0123456789.a 虾'"), max_size=8), min_size=1, max_size=20))
async def test_the_sql_rule_is_the_python_rule_on_any_text(values):
    assert await _sql(values) == [safe_cell(v) for v in values]
