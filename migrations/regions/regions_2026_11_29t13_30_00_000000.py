"""The region table: the national administrative division codes (app/regions/rules.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "region"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="regions", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        await db.run_ddl(
            "CREATE TABLE region ("
            " id serial PRIMARY KEY,"
            " code varchar(12) NOT NULL UNIQUE,"
            " level varchar(10) NOT NULL,"
            " name varchar(60) NOT NULL,"
            " parent integer NULL REFERENCES region (id) ON DELETE RESTRICT ON UPDATE CASCADE,"
            " created_at timestamptz NOT NULL DEFAULT now(),"
            " CONSTRAINT region_level_known CHECK (level IN ('province', 'city', 'county', 'town', 'village')),"
            " CONSTRAINT region_code_is_digits CHECK (code ~ '^[0-9]+$'),"
            " CONSTRAINT region_code_fits_level CHECK (length(code) = CASE level WHEN 'province' THEN 2"
            " WHEN 'city' THEN 4 WHEN 'county' THEN 6 WHEN 'town' THEN 9 ELSE 12 END),"
            " CONSTRAINT region_only_provinces_are_roots CHECK ((level = 'province') = (parent IS NULL))"
            ")"
        )
        await db.run_ddl("CREATE INDEX region_parent ON region (parent)")
        # lists filter by a code prefix (every region under 4290): a text_pattern_ops index serves LIKE '4290%'
        await db.run_ddl("CREATE INDEX region_code_prefix ON region (code text_pattern_ops)")

    manager.add_raw(run)
    return manager
