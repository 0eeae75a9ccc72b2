"""The rule a province (and later a distributed engine) relies on: every county-owned table carries its
county in a non-null, indexed ``county_code`` column, filled from its parent; every other table is named
as not county-owned, with its reason (app/core/counties.py)."""

from __future__ import annotations

from app.core.counties import COUNTY_OWNED, COUNTY_SUMMARIES, NOT_COUNTY_OWNED
from app.core.uow import reading
from tests.db import fetch
from tests.registry_helpers import make_household, make_town, make_village


async def test_every_table_is_county_owned_or_named_as_not():
    tables = {r["t"] for r in await fetch("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")}
    owned = set(COUNTY_OWNED) | set(COUNTY_SUMMARIES)
    assert not owned & set(NOT_COUNTY_OWNED)
    assert tables - {"migration"} == owned | set(NOT_COUNTY_OWNED)


async def test_every_county_owned_table_has_a_non_null_county_column_leading_an_index():
    for table in (*COUNTY_OWNED, *COUNTY_SUMMARIES):
        column = await fetch(
            "SELECT a.attnotnull, format_type(a.atttypid, a.atttypmod) AS type, c.collname"
            " FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation"
            " WHERE a.attrelid = $1::regclass AND a.attname = 'county_code' AND NOT a.attisdropped",
            table,
        )
        assert column, f"{table} has no county_code"
        assert column[0]["attnotnull"], f"{table}.county_code may be null"
        # collation C: a region's prefix (county_code LIKE '4290%') is a range on the index
        assert (column[0]["type"], column[0]["collname"]) == ("character varying(6)", "C"), table
        leading = await fetch(
            "SELECT i.indexrelid::regclass::text AS name FROM pg_index i"
            " WHERE i.indrelid = $1::regclass AND i.indkey[0] = (SELECT attnum FROM pg_attribute"
            "   WHERE attrelid = $1::regclass AND attname = 'county_code')",
            table,
        )
        assert leading, f"no index of {table} leads with county_code"


async def test_a_row_takes_its_county_from_its_parent(client, admin):
    household = await make_household(client, admin, await make_village(client, admin, await make_town(client, admin)))
    rows = await fetch(
        "SELECT t.county_code AS town, v.county_code AS village, h.county_code AS household,"
        " (SELECT array_agg(DISTINCT m.county_code) FROM member m WHERE m.household = h.id) AS members"
        " FROM household h JOIN village v ON v.id = h.village JOIN town t ON t.id = v.town WHERE h.id = $1",
        household["id"],
    )
    assert dict(rows[0]) == {"town": "429005", "village": "429005", "household": "429005", "members": ["429005"]}


async def test_a_region_prefix_reads_the_county_index():
    async with reading() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")  # the table is empty: ask what the index can do
        plan = await conn.fetch("EXPLAIN (FORMAT TEXT) SELECT id FROM household WHERE county_code LIKE '4290%'")
    text = "\n".join(r[0] for r in plan)
    assert "household_county_code" in text, text
    # the prefix became a range the index answers: county_code >= '4290' AND county_code < '4291'
    condition = next(line for line in text.splitlines() if "Index Cond" in line)
    assert ">= '4290'" in condition and "< '4291'" in condition, text
