"""A county's records written as the import templates filled in (``chainaid import export``): the files
that move a county from one ChainAid into another, and that the tests and ``bench/import.py`` import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import IO, Any

from app.enterprises import bulk as enterprise_bulk
from app.links import bulk as links_bulk
from app.payouts import bulk as payouts_bulk
from app.registry import bulk as registry_bulk
from app.sheets.filled import filled_sheet
from app.sheets.templates import KINDS
from app.sheets.workbook import write_ledger

RowSource = Callable[[str, str], AsyncIterator[dict[str, Any]]]
"""(sheet key, county code) -> that sheet's rows for the county."""

SOURCES: Mapping[str, RowSource] = {
    "regions": registry_bulk.county_template_rows,
    "households": registry_bulk.county_template_rows,
    "enterprises": enterprise_bulk.county_template_rows,
    "bases": links_bulk.county_template_rows,
    "links": links_bulk.county_template_rows,
    "payouts": payouts_bulk.county_template_rows,
}
"""The kinds a county's records can be written out as."""


async def write_county(kind: str, county: str, target: str | IO[bytes]) -> None:
    """``kind``'s sheets filled with ``county``'s rows, as one ``.xlsx`` workbook."""
    source = SOURCES[kind]
    await write_ledger(target, [filled_sheet(sheet, source(sheet.key, county)) for sheet in KINDS[kind]])
