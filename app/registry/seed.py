"""The national rural poverty lines (yuan per person per year, at current prices)."""

from decimal import Decimal

from app.core.uow import unit_of_work
from app.registry import queries

SEED_POVERTY_LINES = {
    2014: Decimal("2800"),
    2015: Decimal("2855"),
    2016: Decimal("2952"),
    2017: Decimal("2952"),
    2018: Decimal("2995"),
    2019: Decimal("3218"),
    2020: Decimal("4000"),
}


async def seed_poverty_lines() -> None:
    async with unit_of_work() as uow:
        await queries.insert_poverty_lines(uow, SEED_POVERTY_LINES)
