"""What every console page shares: who is signed in, the role check, forms with CSRF, rendering."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.response import Redirect, Template

from app.core.principal import Role
from app.console import session
from app.console.i18n import translator
from app.console.session import ConsoleUser
from app.core.money import format_yuan


class NotSignedIn(Exception):
    """No valid console session: the page sends the browser to sign in."""


class Refused(Exception):
    """The signed-in role may not open this page (the same rule as the API's guards)."""


class BadForm(Exception):
    """A form without the session's CSRF token."""


async def provide_user(request: Request) -> ConsoleUser:
    user = await session.user_for(request.cookies.get(session.COOKIE))
    if user is None:
        raise NotSignedIn
    return user


def require(user: ConsoleUser, *roles: Role) -> None:
    if user.principal.role not in roles:
        raise Refused


async def form_of(request: Request, user: ConsoleUser) -> dict[str, Any]:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    if not session.csrf_ok(user, form.get("csrf")):
        raise BadForm
    return form


def money(value: Decimal | None) -> str:
    return "" if value is None else format_yuan(value)


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def render(user: ConsoleUser | None, template: str, status_code: int = 200, lang: str | None = None,
           **context: Any) -> Template:
    lang = lang or (user.lang if user else "zh")
    return Template(
        template_name=f"console/{template}", status_code=status_code,
        context={"user": user, "t": translator(lang), "lang": lang, "money": money, "day": day,
                 "role": user.principal.role.value if user else None, **context},
    )


def failure(exc: Exception) -> str:
    """What a refused action tells the person: the service's reason, and each bad line of a file."""
    detail = getattr(exc, "detail", None) or str(exc)
    extra = getattr(exc, "extra", None)
    if isinstance(extra, dict) and extra.get("errors"):
        detail += ": " + "; ".join(
            f"line {e.get('line') or e.get('index')}: {e.get('message')}" for e in extra["errors"])
    return detail


def back(path: str, **params: Any) -> Redirect:
    """Redirect after a POST (303), with a message or an error to show on the page."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return Redirect(path + (f"?{query}" if query else ""), status_code=303)


def refused_page(request: Request, _: Exception) -> Response:
    return render(None, "refused.html", status_code=403)  # type: ignore[return-value]


def sign_in_redirect(request: Request, _: Exception) -> Response:
    return Redirect("/console/sign-in", status_code=303)


def bad_form_page(request: Request, _: Exception) -> Response:
    return Response("the form is stale or forged (CSRF check failed); reload the page", status_code=403,
                    media_type="text/plain; charset=utf-8")


CONSOLE_HEADERS = {
    # pages carry ID numbers and bank cards: keep them out of shared office browsers' caches and frames
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


async def console_headers(response: Response) -> Response:
    response.headers.update(CONSOLE_HEADERS)
    return response


def error_page(status: int, detail: str) -> Response:
    """An HTML answer for a console page that fails (the API answers problem+json instead)."""
    return render(None, "error.html", status_code=status, status=status, detail=detail)  # type: ignore[return-value]


CONSOLE_EXCEPTION_HANDLERS = {NotSignedIn: sign_in_redirect, Refused: refused_page, BadForm: bad_form_page}
