"""Towns and villages in the region tree: a town's national 9-digit code and its county, a village's
12-digit code (its town's + 3 digits) and its town's county. Nullable for the rows already there until
`chainaid regions adopt` places them; a town's old free code that is not 9 digits is kept until then
(the CHECK is NOT VALID: new and changed rows are checked, old ones are left as they are)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "towns and villages get codes and counties"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            "ALTER TABLE town ADD COLUMN county_id integer NULL REFERENCES region (id) ON DELETE RESTRICT",
            "CREATE INDEX town_county_id ON town (county_id)",
            "ALTER TABLE town ADD CONSTRAINT town_code_is_a_town_code"
            " CHECK (code IS NULL OR code ~ '^[0-9]{9}$') NOT VALID",
            "ALTER TABLE town ADD CONSTRAINT town_placed_town_has_code CHECK (county_id IS NULL OR code IS NOT NULL)",
            # what a village's (town, county_id) refers to
            "ALTER TABLE town ADD CONSTRAINT town_id_county UNIQUE (id, county_id)",
            "ALTER TABLE village ADD COLUMN code varchar(12) NULL UNIQUE",
            "ALTER TABLE village ADD COLUMN county_id integer NULL REFERENCES region (id) ON DELETE RESTRICT",
            "CREATE INDEX village_county_id ON village (county_id)",
            "ALTER TABLE village ADD CONSTRAINT village_code_is_a_village_code"
            " CHECK (code IS NULL OR code ~ '^[0-9]{12}$')",
            "ALTER TABLE village ADD CONSTRAINT village_placed_village_has_code"
            " CHECK (county_id IS NULL OR code IS NOT NULL)",
            # a village is in its town's county: a town moved (adopted) carries its villages along
            "ALTER TABLE village ADD CONSTRAINT village_in_its_towns_county FOREIGN KEY (town, county_id)"
            " REFERENCES town (id, county_id) ON UPDATE CASCADE",
            # lists filter by a code prefix (every town or village under 429005)
            "CREATE INDEX town_code_prefix ON town (code text_pattern_ops)",
            "CREATE INDEX village_code_prefix ON village (code text_pattern_ops)",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
