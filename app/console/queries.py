"""The console app's SQL: its sessions (a session reads its account, the accounts app's table, by JOIN)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.core.principal import Principal, Role
from app.core.uow import Db


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal
    lang: str
    session_hash: str


_INSERT = """
INSERT INTO console_session (id_hash, account, lang, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
"""

# the account's reach as the API reads it (app/accounts/queries.py, REGION_CODE): its region's code, or a
# town officer's town's county
_LIVE = """
SELECT s.id_hash, s.lang, a.id, a.name, a.role, a.enterprise, a.town, coalesce(r.code, t.county_code) AS region_code
FROM console_session s
JOIN account a ON a.id = s.account
LEFT JOIN region r ON r.id = a.region_id
LEFT JOIN town t ON t.id = a.town
WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND a.revoked_at IS NULL
"""

_END = "UPDATE console_session SET ended_at = now() WHERE id_hash = $1"

_SET_LANG = "UPDATE console_session SET lang = $2 WHERE id_hash = $1"


async def insert_session(
    db: Db, id_hash: str, account_id: int, lang: str, created_at: datetime, expires_at: datetime
) -> None:
    await db.execute(_INSERT, id_hash, account_id, lang, created_at, expires_at)


async def live_session(db: Db, id_hash: str) -> SessionRow | None:
    row = await db.fetchrow(_LIVE, id_hash)
    if row is None:
        return None
    principal = Principal(
        account_id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        enterprise_id=row["enterprise"],
        town_id=row["town"],
        region_code=row["region_code"],
    )
    return SessionRow(principal=principal, lang=row["lang"], session_hash=row["id_hash"])


async def end_session(db: Db, id_hash: str) -> None:
    await db.execute(_END, id_hash)


async def set_lang(db: Db, id_hash: str, lang: str) -> None:
    await db.execute(_SET_LANG, id_hash, lang)
