"""The ineligibility rules Qianjiang's cross-check started from; admins edit them later."""

from decimal import Decimal

from app.core.uow import unit_of_work
from app.crosscheck import queries

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
    async with unit_of_work() as uow:
        await queries.insert_missing_rules(uow, SEED_RULES)
