"""The national rural poverty lines (yuan per person per year, at current prices)."""

from decimal import Decimal

from app.core.database import fetch

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
    await fetch(
        "INSERT INTO poverty_line (year, amount, created_at) SELECT y, a, now()"
        " FROM unnest($1::int[], $2::numeric[]) AS s(y, a) ON CONFLICT (year) DO NOTHING",
        list(SEED_POVERTY_LINES), list(SEED_POVERTY_LINES.values()),
    )
