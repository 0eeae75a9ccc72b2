"""The lists and the overview compare a case's step days without reading its steps jsonb, and count returns
without looking for the household's earlier cases: the trigger keeps the columns the previous migration added
(the step days equal to what the jsonb says on every write of the steps; ``returned`` on insert), whoever
writes the cases (the service, the demo's and the bench's bulk loads). Piccolo runs a migration's raw
statements before its columns, hence a migration of its own."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T21:39:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "keep a case's step days and its return"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)

    async def run():
        db = engine_finder()
        for statement in (
            """CREATE FUNCTION monitoring_case_step_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.step_on := (NEW.steps -> NEW.step ->> 'on')::date;
    NEW.approved_on := (NEW.steps -> 'approved' ->> 'on')::date;
    IF TG_OP = 'INSERT' THEN
        NEW.returned := EXISTS (SELECT 1 FROM monitoring_case p WHERE p.household = NEW.household
                                AND p.id < NEW.id AND p.eliminated_on IS NOT NULL);
    END IF;
    RETURN NEW;
END $$""",
            "CREATE TRIGGER monitoring_case_step_days BEFORE INSERT OR UPDATE OF step, steps ON monitoring_case"
            " FOR EACH ROW EXECUTE FUNCTION monitoring_case_step_days()",
            "UPDATE monitoring_case c SET step_on = (steps -> step ->> 'on')::date,"
            " approved_on = (steps -> 'approved' ->> 'on')::date, returned = EXISTS (SELECT 1 FROM monitoring_case p"
            " WHERE p.household = c.household AND p.id < c.id AND p.eliminated_on IS NOT NULL)",
        ):
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
