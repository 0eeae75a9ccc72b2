"""The industries Qianjiang's plan names; later ones are added by admins."""

from piccolo.engine import engine_finder

SEED_INDUSTRIES = [
    # code, name_zh, name_en, unit
    ("crayfish_rice", "虾稻", "crayfish-rice", "mu"),
    ("soybean", "大豆", "soybean", "mu"),
    ("pinellia", "潜半夏", "Qianjiang Pinellia", "mu"),
    ("vegetables", "果蔬", "fruit and vegetables", "mu"),
]


async def seed_industries() -> None:
    values = ", ".join(f"('{c}', '{zh}', '{en}', '{u}', now())" for c, zh, en, u in SEED_INDUSTRIES)
    await engine_finder().run_ddl(
        f"INSERT INTO industry (code, name_zh, name_en, unit, created_at) VALUES {values} "
        "ON CONFLICT (code) DO NOTHING"
    )
