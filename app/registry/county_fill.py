"""Giving every row under newly placed towns its county, set-based: what `chainaid regions adopt` does
after it puts an older deployment's towns and villages in a county (rows written before a county held
them carry none; see app/core/counties.py).

Each table is filled from its parent in the order ``COUNTY_OWNED`` lists them (parents first). The
append-only ledgers (payouts, support records, the assets' confirmations, incomes, distributions and
decisions on listed households) have their guard lifted for this statement only, in the adopting
transaction: only ``county_code`` is written, from null to the parent's. The daily payout totals of rows that had no county are moved to their county's. A table left with no null county then gets its
NOT NULL back (the migration left a NOT VALID check in its place).
"""

from __future__ import annotations

from app.core.counties import COUNTY_OWNED
from app.core.uow import Db

# the append-only guard of a table, lifted while its county is filled
_GUARDED = {
    "payout": "payout_append_only",
    "support_record": "support_record_append_only",
    **{
        table: f"{table}_append_only"
        for table in (
            "asset_ownership",
            "asset_owner",
            "asset_income",
            "asset_distribution",
            "asset_beneficiary_decision",
        )
    },
}


async def fill_counties(db: Db, county_id: int) -> dict[str, int]:
    """Fill the null counties under placed towns (schemes without a county go to ``county_id``); returns the
    rows filled per table (tables with none left out)."""
    filled: dict[str, int] = {}
    await db.execute("UPDATE subsidy_scheme SET county_id = $1 WHERE county_id IS NULL", county_id)
    for table, (parent, fk) in COUNTY_OWNED.items():
        source = "code" if parent == "region" else "county_code"
        guard = _GUARDED.get(table)
        if guard:
            await db.execute(f"ALTER TABLE {table} DISABLE TRIGGER {guard}")
        status = await db.execute(
            f"UPDATE {table} c SET county_code = p.{source} FROM {parent} p"
            f" WHERE c.{fk} = p.id AND c.county_code IS NULL AND p.{source} IS NOT NULL"
        )
        if guard:
            await db.execute(f"ALTER TABLE {table} ENABLE TRIGGER {guard}")
        if rows := int(status.rsplit(" ", 1)[-1]):
            filled[table] = rows
    if "payout" in filled:
        await _move_daily_totals(db)
    for table in (*COUNTY_OWNED, "payout_day"):
        await _restore_not_null(db, table)
    return filled


async def _move_daily_totals(db: Db) -> None:
    """The totals summed under no county, summed again from the ledger under each payout's county."""
    await db.execute("DELETE FROM payout_day WHERE county_code IS NULL")
    await db.execute(
        "INSERT INTO payout_day (county_code, paid_on, income_type, payouts, amount)"
        " SELECT county_code, paid_on, income_type, count(*) FILTER (WHERE reverses IS NULL), sum(amount)"
        " FROM payout GROUP BY county_code, paid_on, income_type"
        " ON CONFLICT (county_code, paid_on, income_type) DO UPDATE"
        " SET payouts = excluded.payouts, amount = excluded.amount"
    )


async def _restore_not_null(db: Db, table: str) -> None:
    known = f"{table}_county_code_known"
    waiting = await db.fetchval(
        "SELECT true FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass", known, table
    )
    if waiting and not await db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE county_code IS NULL)"):
        await db.execute(f"ALTER TABLE {table} ALTER COLUMN county_code SET NOT NULL")
        await db.execute(f"ALTER TABLE {table} DROP CONSTRAINT {known}")
