"""The industries Qianjiang's plan names; later ones are added by admins."""

from __future__ import annotations

from app.core.database import connection
from app.core.uow import Db
from app.industries import queries

SEED_INDUSTRIES = [
    # code, name_zh, name_en, unit
    ("crayfish_rice", "虾稻", "crayfish-rice", "mu"),
    ("soybean", "大豆", "soybean", "mu"),
    ("pinellia", "潜半夏", "Qianjiang Pinellia", "mu"),
    ("vegetables", "果蔬", "fruit and vegetables", "mu"),
]


async def seed_industries(db: Db | None = None) -> None:
    if db is not None:
        await queries.seed(db, SEED_INDUSTRIES)
        return
    # A migration calls this with no arguments (add_raw) inside its own transaction, where the table may be
    # new and visible to no other connection: ``connection()`` joins that transaction when there is one.
    async with connection() as conn:
        await queries.seed(conn, SEED_INDUSTRIES)
