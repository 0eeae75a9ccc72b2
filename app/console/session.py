"""Console sign-in: a bearer token is exchanged for an HTTP-only session cookie.

Forms are protected by Litestar's CSRF cookie (see ``app/console/router.py``), not by the session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.accounts.service import principal_for_token
from app.console import queries
from app.core.principal import Principal
from app.core.uow import reading, unit_of_work

COOKIE = "chainaid_session"
HOURS = 8


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    principal: Principal
    lang: str
    session_hash: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def sign_in(token: object, lang: str) -> tuple[str, ConsoleUser] | None:
    """(cookie value, user) for a valid account token; None otherwise."""
    if not isinstance(token, str) or not token.strip():
        return None
    principal = await principal_for_token(token.strip())
    if principal is None or principal.account_id is None:
        return None
    cookie = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(hours=HOURS)
    async with unit_of_work() as uow:
        await queries.insert_session(uow, _hash(cookie), principal.account_id, lang, now, expires)
        await uow.audit(principal, "sign_in", "console_session", principal.account_id, after={"expires_at": expires})
    return cookie, ConsoleUser(principal, lang, _hash(cookie))


async def user_for(cookie: str | None) -> ConsoleUser | None:
    if not cookie:
        return None
    async with reading() as db:
        row = await queries.live_session(db, _hash(cookie))
    return None if row is None else ConsoleUser(row.principal, row.lang, row.session_hash)


async def sign_out(user: ConsoleUser) -> None:
    async with unit_of_work() as uow:
        await queries.end_session(uow, user.session_hash)
        await uow.audit(user.principal, "sign_out", "console_session", user.principal.account_id)


async def set_lang(user: ConsoleUser, lang: str) -> None:
    async with unit_of_work() as uow:
        await queries.set_lang(uow, user.session_hash, lang)
