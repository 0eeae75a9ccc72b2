"""The registry's rules and their SQL twins give the same answer on every status and boundary.

``app/registry/rules.py`` says who is on the register, who is poor now and which members count on a
day; the database functions of the same names answer the same questions inside set-based queries.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.core.uow import reading
from app.registry.model import HouseholdStatus
from app.registry.rules import member_counted_on, on_register, poor_now


@pytest.mark.parametrize("status", list(HouseholdStatus), ids=lambda s: s.value)
async def test_on_register_and_poor_now_agree_with_sql(app, status: HouseholdStatus) -> None:
    async with reading() as db:
        row = await db.fetchrow(
            "SELECT household_on_register($1) AS on_register, household_poor_now($1) AS poor", status.value
        )
    assert row is not None
    assert (row["on_register"], row["poor"]) == (on_register(status), poor_now(status))


@pytest.mark.parametrize(
    ("left_on", "day"),
    [
        (None, date(2017, 1, 1)),
        (date(2016, 12, 31), date(2017, 1, 1)),
        (date(2017, 1, 1), date(2017, 1, 1)),
        (date(2017, 1, 2), date(2017, 1, 1)),
        (date(2017, 6, 30), date(2017, 12, 31)),
    ],
    ids=str,
)
async def test_member_counted_on_agrees_with_sql(app, left_on: date | None, day: date) -> None:
    async with reading() as db:
        counted = await db.fetchval("SELECT member_counted_on($1, $2)", left_on, day)
    assert counted is member_counted_on(left_on, day)


def test_the_day_a_member_leaves_still_counts_and_the_next_year_does_not() -> None:
    assert member_counted_on(date(2017, 3, 1), date(2017, 3, 1))
    assert not member_counted_on(date(2017, 3, 1), date(2017, 3, 2))
