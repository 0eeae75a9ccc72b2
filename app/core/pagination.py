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
) -> Page[T]:
    """Run ``query`` (a SELECT without ORDER/LIMIT) for one page, with the total.

    The total rides along as a window count; only a page past the end needs a
    second query to learn it.
    """
    run = db.fetch
    n = len(args)
    rows = await run(
        f"SELECT q.*, count(*) OVER () AS _total FROM ({query}) q ORDER BY {order_by} LIMIT ${n + 1} OFFSET ${n + 2}",
        *args,
        page.limit,
        page.offset,
    )
    if rows:
        total = rows[0]["_total"]
    elif page.offset:
        total = (await run(f"SELECT count(*) AS n FROM ({query}) q", *args))[0]["n"]
    else:
        total = 0
    return Page(items=[to_item(r) for r in rows], total=total, limit=page.limit, offset=page.offset)
