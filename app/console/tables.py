from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import Account


class ConsoleSession(Table, tablename="console_session"):
    """A signed-in browser: the cookie carries a random id, only its SHA-256 is kept (as for tokens)."""

    id_hash = Varchar(length=64, null=False, unique=True)
    account = ForeignKey(Account, null=False, on_delete=OnDelete.restrict, index=True)
    lang = Varchar(length=5, null=False, default="zh")
    created_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=False)
    ended_at = Timestamptz(null=True, default=None)
