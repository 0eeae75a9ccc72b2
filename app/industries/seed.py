"""The industries Qianjiang's plan names; later ones are added by admins."""

from __future__ import annotations

from app.core.uow import unit_of_work
from app.industries import queries

SEED_INDUSTRIES = [
    # code, name_zh, name_en, unit
    ("crayfish_rice", "虾稻", "crayfish-rice", "mu"),
    ("soybean", "大豆", "soybean", "mu"),
    ("pinellia", "潜半夏", "Qianjiang Pinellia", "mu"),
    ("vegetables", "果蔬", "fruit and vegetables", "mu"),
]


async def seed_industries() -> None:
    async with unit_of_work() as uow:
        await queries.seed(uow, SEED_INDUSTRIES)
