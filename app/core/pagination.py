"""Limit/offset paging with a total, the same for every list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec

if TYPE_CHECKING:
    from app.core.uow import Db

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T], kw_only=True):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(msgspec.Struct, frozen=True):
    limit: int
    offset: int


async def fetch_page(
    query: str,
    args: Sequence[Any],
    page: PageParams,
    order_by: str,
    to_item: Callable[[Mapping[str, Any]], T],
    *,
    db: Db,
    narrow: str | None = None,
) -> Page[T]:
    """Run ``query`` (a SELECT without ORDER/LIMIT) for one page, with the total.

    The total rides along as a window count; only a page past the end needs a
    second query to learn it.

    ``narrow`` names a unique column of the query that ``order_by`` orders by alone (``"id"`` with order
    ``"id"`` or ``"id DESC"``): the window then counts and pages over that column only, and the page's rows
    are read in full afterwards, so a list of wide rows (jsonb) does not hold every matching row whole to
    count them (bench/monitoring.py: the monitoring case list).
    """
    run = db.fetch
    n = len(args)
    if narrow is None:
        sql = f"SELECT q.*, count(*) OVER () AS _total FROM ({query}) q ORDER BY {order_by} LIMIT ${n + 1} OFFSET ${n + 2}"
    else:
        direction = order_by.removeprefix(narrow).strip()
        if direction not in ("", "ASC", "DESC"):
            raise ValueError(f"a narrow page is ordered by {narrow} alone, not {order_by}")
        sql = (
            f"SELECT q.*, p._total FROM (SELECT w.{narrow}, count(*) OVER () AS _total FROM ({query}) w"
            f" ORDER BY w.{narrow} {direction} LIMIT ${n + 1} OFFSET ${n + 2}) p"
            f" JOIN ({query}) q ON q.{narrow} = p.{narrow} ORDER BY q.{narrow} {direction}"
        )
    rows = await run(sql, *args, page.limit, page.offset)
    if rows:
        total = rows[0]["_total"]
    elif page.offset:
        total = (await run(f"SELECT count(*) AS n FROM ({query}) q", *args))[0]["n"]
    else:
        total = 0
    return Page(items=[to_item(r) for r in rows], total=total, limit=page.limit, offset=page.offset)
