from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from app.industries import service
from app.industries.schemas import IndustryCreate, IndustryOut


class IndustryController(Controller):
    path = "/industries"
    tags = ["industries"]

    @get("/", operation_id="listIndustries")
    async def list_industries(self) -> list[IndustryOut]:
        """The industries households are linked through, with the unit each counts in."""
        return await service.list_industries()

    @post("/", operation_id="createIndustry")
    async def create(self, request: Request, data: JSONBody[IndustryCreate]) -> IndustryOut:
        """Add an industry, e.g. ``{"code": "pig_breeding", "name_zh": "生猪养殖", "name_en": "pig breeding",
        "unit": "head"}``."""
        return await service.create_industry(request.user, data)
