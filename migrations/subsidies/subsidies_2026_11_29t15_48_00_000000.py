"""A subsidy scheme belongs to a county (``county_id``, the region): its claims, vouchers and payment
batches carry that county, and a scheme's name is unique per county and year. A scheme already there goes
to the county of its claims' households when they are all in one, else to the directory's only county;
one left without (no county yet) waits for `chainaid regions adopt`.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:48:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "schemes per county, county column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="subsidies", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE subsidy_scheme ADD COLUMN county_id integer NULL REFERENCES region (id) ON DELETE RESTRICT",
            "UPDATE subsidy_scheme s SET county_id = c.county_id FROM ("
            "   SELECT sc.scheme, min(v.county_id) AS county_id FROM subsidy_claim sc"
            "   JOIN household h ON h.id = sc.household JOIN village v ON v.id = h.village"
            "   GROUP BY sc.scheme HAVING count(DISTINCT v.county_id) = 1 AND count(v.county_id) = count(*)"
            " ) c WHERE s.id = c.scheme",
            "UPDATE subsidy_scheme SET county_id = (SELECT min(id) FROM region WHERE level = 'county')"
            " WHERE county_id IS NULL AND (SELECT count(*) FROM region WHERE level = 'county') = 1",
            "SELECT add_county_column('subsidy_scheme', 'region', 'county_id', 'code')",
            "ALTER TABLE subsidy_scheme DROP CONSTRAINT scheme_unique_year_name",
            "ALTER TABLE subsidy_scheme ADD CONSTRAINT scheme_unique_county_year_name UNIQUE (county_code, year, name)",
            "SELECT add_county_column('scheme_rate', 'subsidy_scheme', 'scheme')",
            "SELECT add_county_column('subsidy_claim', 'household', 'household')",
            "SELECT add_county_column('voucher', 'subsidy_claim', 'claim')",
            "SELECT add_county_column('payment_batch', 'subsidy_scheme', 'scheme')",
            "SELECT add_county_column('payment_line', 'payment_batch', 'batch')",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
