"""The API's edge: Litestar parameter markers and providers the controllers share (ids in paths and
queries, paging, an uploaded file). Services and queries never import this module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import UploadFile
from litestar.params import Parameter, PathParameter, QueryParameter

from app.core.pagination import PageParams
from app.core.settings import get_settings
from app.core.validation import MAX_ID

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]


async def provide_page_params(
    limit: Annotated[int, Parameter(ge=1, le=500, description="rows per page (at most 500)")] = 50,
    offset: Annotated[int, Parameter(ge=0, le=1_000_000_000, description="rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=min(limit, get_settings().page_limit_max), offset=offset)


@dataclass
class CsvUpload:
    """A multipart/form-data upload with the CSV in the field ``file`` (exactly one)."""

    file: UploadFile


async def read_upload(data: CsvUpload) -> bytes:
    return await data.file.read()
