from piccolo.columns import JSONB, BigSerial, Integer, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """One state change, chained to the previous entry of its chain by ``prev_hash``.

    Append-only: a trigger (see the audit migrations) refuses UPDATE and DELETE. ``chain`` is the county's
    code (6 digits) or '' for the province's chain; indexed with ``id`` (see the audit migrations).
    """

    id = BigSerial(primary_key=True)
    chain = Varchar(length=6, null=False)
    at = Timestamptz(null=False)
    actor_id = Integer(null=True, default=None)  # the account; null for the CLI / system
    actor_label = Varchar(length=120, null=False)
    action = Varchar(length=60, null=False)
    entity = Varchar(length=60, null=False, index=True)
    entity_id = Varchar(length=120, null=False)
    before = JSONB(null=True, default=None)
    after = JSONB(null=True, default=None)
    prev_hash = Varchar(length=64, null=False)
    hash = Varchar(length=64, null=False, unique=True)
