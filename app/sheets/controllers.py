"""The import templates over the API: ``GET /api/v1/import-templates/{kind}.xlsx``."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Response

from app.core.errors import NotFound
from app.core.messages import N_
from app.sheets.download import XLSX, xlsx_template
from app.sheets.templates import KINDS

SUFFIX = ".xlsx"


class ImportTemplateController(Controller):
    path = "/import-templates"
    tags = ["imports"]

    @get("/{template:str}", operation_id="getImportTemplate", media_type=XLSX)
    async def template(self, template: FromPath[str]) -> Response[bytes]:
        """The import template of a kind, as ``{kind}.xlsx``: regions, households, enterprises, bases, links,
        payouts or department-records. A sheet to fill in per table (header row ``中文 code_name``, drop-down
        lists for the codes), a sheet with an example row, the lists, and a sheet explaining every column."""
        kind = template.removesuffix(SUFFIX)
        if not template.endswith(SUFFIX) or kind not in KINDS:
            raise NotFound.of(
                N_("no import template {name}; the kinds are {kinds}"),
                field="kind",
                name=template,
                kinds=", ".join(KINDS),
            )
        return xlsx_template(kind)
