"""The ineligibility rules Qianjiang's cross-check started from; admins edit them later."""

from decimal import Decimal

from app.core.database import fetch

SEED_RULES = [
    # department, item, description, min_value (None: any record counts)
    ("public_security", "vehicle", "vehicle worth over 30,000 yuan", Decimal("30000")),
    ("market_regulation", "business_registration", "registered business (industry and commerce)", None),
    ("finance", "public_servant", "public servant or salaried staff in the family", None),
    ("organization", "village_official", "village official in the family", None),
    ("housing", "commercial_housing", "owns commercial housing", None),
    ("housing", "shop", "owns a shop", None),
    ("provident_fund", "contribution", "pays into the housing provident fund", Decimal("0")),
]


async def seed_rules() -> None:
    await fetch(
        "INSERT INTO cross_check_rule (department, item, description, min_value, active, created_at)"
        " SELECT d, i, t, v, true, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[]) AS s(d, i, t, v)"
        " ON CONFLICT (department, item) DO NOTHING",
        [r[0] for r in SEED_RULES], [r[1] for r in SEED_RULES], [r[2] for r in SEED_RULES], [r[3] for r in SEED_RULES],
    )
