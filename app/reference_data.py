"""Reference data the migrations seed, in one call (the tests put it back after each reset)."""

from app.crosscheck.seed import seed_rules
from app.industries.seed import seed_industries
from app.registry.seed import seed_poverty_lines


async def seed_reference_data() -> None:
    await seed_industries()
    await seed_rules()
    await seed_poverty_lines()
