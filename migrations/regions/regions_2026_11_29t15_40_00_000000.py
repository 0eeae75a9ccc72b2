"""The trigger function that gives a county-owned row its county: a row's ``county_code`` is its parent's
(a town's is the code of its county region), read on insert when the writer left it out. Arguments: the
parent table, the column of the row naming the parent, and the parent's column holding the county code;
the row is read as JSON to name its column by argument (one function for every table).

And the procedure each app's county-column migration calls for its tables (one definition, not one copy
per migration): the column added, filled from the parent, indexed (collation "C", so a region's prefix
LIKE '4290%' is a range on the index), kept by the insert trigger, and not null; where rows under towns
that no county holds yet are left (`chainaid regions adopt` places them), a NOT VALID check keeps new
rows from being null until adopt fills them and puts NOT NULL back.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "county of a row from its parent; the county column procedure"

COUNTY_FROM_PARENT = """
CREATE OR REPLACE FUNCTION county_from_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_id bigint;
BEGIN
    IF NEW.county_code IS NULL THEN
        parent_id := (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
        IF parent_id IS NOT NULL THEN
            EXECUTE format('SELECT %I FROM %I WHERE id = $1', TG_ARGV[2], TG_ARGV[0])
                INTO NEW.county_code USING parent_id;
        END IF;
    END IF;
    RETURN NEW;
END;
$$
"""


ADD_COUNTY_COLUMN = """
CREATE OR REPLACE FUNCTION add_county_column(tbl text, parent text, fk text, parent_column text DEFAULT 'county_code')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I ADD COLUMN county_code varchar(6) COLLATE "C" NULL', tbl);
    EXECUTE format('UPDATE %I c SET county_code = p.%I FROM %I p WHERE c.%I = p.id', tbl, parent_column, parent, fk);
    EXECUTE format('CREATE INDEX %I ON %I (county_code, id)', tbl || '_county_code', tbl);
    EXECUTE format(
        'CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW EXECUTE FUNCTION county_from_parent(%L, %L, %L)',
        tbl || '_county', tbl, parent, fk, parent_column
    );
    PERFORM county_column_not_null(tbl);
END;
$$
"""

COUNTY_COLUMN_NOT_NULL = """
CREATE OR REPLACE FUNCTION county_column_not_null(tbl text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    empty boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE county_code IS NULL)', tbl) INTO empty;
    IF empty THEN
        EXECUTE format(
            'ALTER TABLE %I ADD CONSTRAINT %I CHECK (county_code IS NOT NULL) NOT VALID', tbl, tbl || '_county_code_known'
        );
    ELSE
        EXECUTE format('ALTER TABLE %I ALTER COLUMN county_code SET NOT NULL', tbl);
    END IF;
END;
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="regions", description=DESCRIPTION)

    async def run():
        for statement in (COUNTY_FROM_PARENT, COUNTY_COLUMN_NOT_NULL, ADD_COUNTY_COLUMN):
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
