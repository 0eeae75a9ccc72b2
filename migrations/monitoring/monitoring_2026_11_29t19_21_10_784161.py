from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Numeric
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check
from piccolo.table import Table


class MonitoringCase(Table, tablename="monitoring_case", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-11-29T19:21:10:784161"
VERSION = "1.38.0"
DESCRIPTION = "assistance measures"
# The county column of monitoring_measure is made by add_county_column in the next migration; --auto also
# proposed the county columns that procedure made earlier on the monitoring tables: left out


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="monitoring", description=DESCRIPTION
    )

    manager.add_table(
        class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="monitoring_case",
        db_column_name="monitoring_case",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": MonitoringCase,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="kind",
        db_column_name="kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 30,
            "default": "",
            "null": False,
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="start_on",
        db_column_name="start_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="end_on",
        db_column_name="end_on",
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="officer",
        db_column_name="officer",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
            "default": "",
            "null": False,
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="amount",
        db_column_name="amount",
        column_class_name="Numeric",
        column_class=Numeric,
        params={
            "default": None,
            "digits": (14, 2),
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="note",
        db_column_name="note",
        column_class_name="Text",
        column_class=Text,
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="recorded_by",
        db_column_name="recorded_by",
        column_class_name="Integer",
        column_class=Integer,
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
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
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        constraint_name="kind_known",
        constraint_class=Check,
        params={
            "condition": "kind IN ('industry', 'employment', 'training', 'microcredit', 'dibao', 'tekun', 'temporary_assistance', 'medical_assistance', 'education', 'housing', 'drinking_water', 'other')"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="MonitoringMeasure",
        tablename="monitoring_measure",
        constraint_name="ends_after_start",
        constraint_class=Check,
        params={"condition": "end_on IS NULL OR end_on >= start_on"},
        schema=None,
    )

    return manager
