"""Console sign-in: a bearer token is exchanged for an HTTP-only session cookie with its own CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app import audit
from app.accounts.service import principal_for_token
from app.core.principal import Principal, Role
from app.core.database import fetch, fetchrow, transaction

COOKIE = "chainaid_session"
HOURS = 8


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    principal: Principal
    csrf: str
    lang: str
    session_hash: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def sign_in(token: object, lang: str) -> tuple[str, ConsoleUser] | None:
    """(cookie value, user) for a valid account token; None otherwise."""
    if not isinstance(token, str) or not token.strip():
        return None
    principal = await principal_for_token(token.strip())
    if principal is None:
        return None
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with transaction():
        await fetch(
            "INSERT INTO console_session (id_hash, account, csrf, lang, created_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            _hash(cookie), principal.account_id, csrf, lang, now, now + timedelta(hours=HOURS),
        )
        await audit.record(principal, "sign_in", "console_session", principal.account_id,
                           after={"expires_at": now + timedelta(hours=HOURS)})
    return cookie, ConsoleUser(principal, csrf, lang, _hash(cookie))


async def user_for(cookie: str | None) -> ConsoleUser | None:
    if not cookie:
        return None
    row = await fetchrow(
        "SELECT s.id_hash, s.csrf, s.lang, a.id, a.name, a.role, a.enterprise, a.town FROM console_session s"
        " JOIN account a ON a.id = s.account"
        " WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND a.revoked_at IS NULL",
        _hash(cookie),
    )
    if row is None:
        return None
    principal = Principal(account_id=row["id"], name=row["name"], role=Role(row["role"]),
                          enterprise_id=row["enterprise"], town_id=row["town"])
    return ConsoleUser(principal, row["csrf"], row["lang"], row["id_hash"])


async def sign_out(user: ConsoleUser) -> None:
    async with transaction():
        await fetch("UPDATE console_session SET ended_at = now() WHERE id_hash = $1", user.session_hash)
        await audit.record(user.principal, "sign_out", "console_session", user.principal.account_id)


async def set_lang(user: ConsoleUser, lang: str) -> None:
    await fetch("UPDATE console_session SET lang = $2 WHERE id_hash = $1", user.session_hash, lang)


def same_secret(expected: str | None, sent: object) -> bool:
    """Constant-time comparison that is also safe on whatever a form sends (files, non-ASCII text)."""
    return bool(expected) and isinstance(sent, str) and hmac.compare_digest(expected.encode(), sent.encode())


def csrf_ok(user: ConsoleUser, sent: object) -> bool:
    return same_secret(user.csrf, sent)
