from __future__ import annotations

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, JSONBody, MultipartBody

from app.core.csv_upload import RowError, convert_row, read_rows
from app.core.pagination import Page, PageParams
from app.core.params import CsvUpload, PathId, QueryId, provide_page_params, read_upload
from app.crosscheck import service
from app.crosscheck.schemas import (
    DepartmentRecordIn,
    FlagOut,
    FlagResolve,
    ImportResult,
    RuleIn,
    RuleOut,
)

MAX_RECORDS = 50_000


def _refuse(errors: list[RowError]) -> ValidationException:
    return ValidationException(
        detail=f"{len(errors)} bad row(s); nothing was imported",
        extra=[{"key": e.field, "message": e.message, "line": e.line} for e in errors],
    )


class CrossCheckController(Controller):
    path = "/cross-check"
    tags = ["cross-check"]
    dependencies = {"page": Provide(provide_page_params)}

    @post("/records", operation_id="importDepartmentRecords", status_code=200)
    async def import_json(self, request: Request, data: JSONBody[list[DepartmentRecordIn]]) -> ImportResult:
        """Import department records (JSON) and flag the households whose members they match.

        Importing the same records again adds no record and no flag.
        """
        if len(data) > MAX_RECORDS:
            raise ValidationException(extra=[{"key": "body", "message": f"at most {MAX_RECORDS} records per import"}])
        return await service.import_records(request.user, data)

    @post("/records/import", operation_id="importDepartmentRecordsCsv", status_code=200)
    async def import_csv(self, request: Request, data: MultipartBody[CsvUpload]) -> ImportResult:
        """The same from a CSV upload (field ``file``): department, item, id_number, value, as_of."""
        rows = read_rows(await read_upload(data), {"department", "item", "id_number", "as_of"})
        records: list[DepartmentRecordIn] = []
        errors: list[RowError] = []
        for line, values in rows:
            parsed = convert_row(line, values, DepartmentRecordIn)
            if isinstance(parsed, RowError):
                errors.append(parsed)
            else:
                records.append(parsed)
        if errors:
            raise _refuse(errors)
        if len(records) > MAX_RECORDS:
            raise ValidationException(extra=[{"key": "file", "message": f"at most {MAX_RECORDS} records per import"}])
        return await service.import_records(request.user, records)

    @get("/flags", operation_id="listCrossCheckFlags")
    async def list_flags(
        self,
        request: Request,
        page: NamedDependency[PageParams],
        status: FromQuery[str | None] = None,
        town_id: QueryId = None,
    ) -> Page[FlagOut]:
        """Cross-check flags (``status``: open, confirmed, dismissed); town officers see their town's."""
        return await service.list_flags(request.user, page, status=status, town_id=town_id)

    @post("/flags/{flag_id:int}/confirm", operation_id="confirmCrossCheckFlag", status_code=200)
    async def confirm(self, request: Request, flag_id: PathId, data: JSONBody[FlagResolve]) -> FlagOut:
        """Confirm the hit: the household is removed (清退) with reason ``cross_check_hit``."""
        return await service.resolve_flag(request.user, flag_id, True, data)

    @post("/flags/{flag_id:int}/dismiss", operation_id="dismissCrossCheckFlag", status_code=200)
    async def dismiss(self, request: Request, flag_id: PathId, data: JSONBody[FlagResolve]) -> FlagOut:
        """Dismiss the flag, with a note saying why the record does not make the household ineligible."""
        return await service.resolve_flag(request.user, flag_id, False, data)

    @get("/rules", operation_id="listCrossCheckRules")
    async def list_rules(self, page: NamedDependency[PageParams]) -> Page[RuleOut]:
        """The rules deciding which department items make a household ineligible."""
        return await service.list_rules(page)

    @put("/rules", operation_id="saveCrossCheckRule")
    async def save_rule(self, request: Request, data: JSONBody[RuleIn]) -> RuleOut:
        """Create or replace the rule for a (department, item)."""
        return await service.save_rule(request.user, data)
