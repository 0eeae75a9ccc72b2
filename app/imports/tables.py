from piccolo.columns import JSONB, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import Account


class ImportJob(Table, tablename="import_job"):
    """An import over the API (``POST /api/v1/imports/{kind}``): its progress while it runs, its report when it
    has ended. The rows themselves are written in one transaction at its end, or not at all; a job that a
    restart interrupted is marked failed at start-up (its transaction died with the process)."""

    kind = Varchar(length=30, null=False)
    account = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    actor_label = Varchar(length=120, null=False)
    region_code = Varchar(length=6, null=True, default=None)  # the importing account's region, for who may read it
    town_id = Integer(null=True, default=None)  # a town officer's town
    # the county the rows are in, once checked (not county_code: that name marks a county-owned table's column)
    county = Varchar(length=6, null=True, default=None)
    filename = Varchar(length=300, null=False)
    sha256 = Varchar(length=64, null=False)
    size = Integer(null=False)
    dry_run = Boolean(null=False)
    state = Varchar(length=20, null=False)  # running, then refused, checked, unchanged, imported or failed
    phase = Varchar(length=20, null=False)
    rows_total = Integer(null=False, default=0)
    rows_checked = Integer(null=False, default=0)
    rows_written = Integer(null=False, default=0)
    problems = Integer(null=False, default=0)
    report = JSONB(null=True, default=None)
    error = Text(null=True, default=None)
    created_at = Timestamptz(null=False)
    heartbeat_at = Timestamptz(null=False)  # refreshed while it runs: a job silent for long died with its process
    finished_at = Timestamptz(null=True, default=None)
