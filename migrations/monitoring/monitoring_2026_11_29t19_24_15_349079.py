from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import JSONB
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-29T19:24:15:349079"
VERSION = "1.38.0"
DESCRIPTION = "risk elimination"
# --auto proposed the county columns of the monitoring tables again (add_county_column made them): left out;
# it does not see a CHECK's condition change, which the raw statement below makes


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="monitoring", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="MonitoringCase",
        tablename="monitoring_case",
        column_name="eliminated_on",
        db_column_name="eliminated_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="MonitoringCase",
        tablename="monitoring_case",
        column_name="elimination",
        db_column_name="elimination",
        column_class_name="JSONB",
        column_class=JSONB,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="MonitoringCase",
        tablename="monitoring_case",
        constraint_name="eliminated_has_day",
        constraint_class=Check,
        params={
            "condition": "(state = 'eliminated') = (eliminated_on IS NOT NULL)"
        },
        schema=None,
    )

    async def states():
        await engine_finder().run_ddl(
            "ALTER TABLE monitoring_case DROP CONSTRAINT state_known, ADD CONSTRAINT state_known"
            " CHECK (state IN ('identifying', 'monitored', 'eliminating', 'eliminated'))"
        )

    manager.add_raw(states)
    return manager
