"""What every console page shares: who is signed in, the policy check, rendering, messages, error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.response import Redirect, Template

from app.console import notes, offers, session
from app.console.explanation import explain_all, watch_detail
from app.console.i18n import DEFAULT, Texts
from app.console.session import ConsoleUser
from app.core.access import can
from app.core.errors import DomainError, Invalid
from app.core.headers import HTML_CSP
from app.core.messages import Message
from app.core.money import format_yuan
from app.core.request_log import note_account
from app.core.validation import MAX_ID
from app.industries import service as industries

STATE_KEY = "console_user"

# pages carry ID numbers and bank cards: keep them out of shared office browsers' caches and frames
CONSOLE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": HTML_CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class NotSignedIn(Exception):
    """No valid console session: the page sends the browser to sign in."""


class NotAllowed(Exception):
    """The signed-in role may not take this action (the policy in app/core/access.py)."""


async def provide_user(request: Request[Any, Any, Any]) -> ConsoleUser:
    """The signed-in user, once the page's action (its ``opt={"action": ...}``) is one their role may take.

    Every page that takes a ``user`` is checked here, against the access policy: a page that names no
    action is refused (fail closed) unless it says it is for ``any_signed_in`` user (signing out, the
    language switch)."""
    user = await session.user_for(request.cookies.get(session.COOKIE))
    if user is None:
        raise NotSignedIn
    request.state[STATE_KEY] = user  # the error pages answer in the user's language
    note_account(request.scope, user.principal.account_id)  # the access log names the account
    opt = request.route_handler.opt
    action = opt.get("action")
    if action is not None:
        require(user, action)
    elif not opt.get("any_signed_in"):
        raise NotAllowed(f"the page {request.url.path} names no action")
    return user


def require(user: ConsoleUser, action: str) -> None:
    if not can(user.principal.role, action):
        raise NotAllowed(action)


def texts_for(user: ConsoleUser | None) -> Texts:
    return Texts(user.lang if user else DEFAULT)


def chosen_id(value: str | None) -> int | None:
    """An id chosen in a page's filter: a select's "all" sends "", and any text that is not an id chooses none
    (the page lists everything rather than failing)."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    chosen = int(value)
    return chosen if 1 <= chosen <= MAX_ID else None


def money(value: Decimal | None) -> str:
    return "" if value is None else format_yuan(value)


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _bound(user: ConsoleUser | None) -> dict[str, Callable[..., Any]]:
    """The policy and the offers for the signed-in role, as the templates call them."""
    role = user.principal.role if user else None

    def may(action: str) -> bool:
        return role is not None and can(role, action)

    return {
        "can": may,
        "claim_actions": lambda status: offers.claim_actions(role, status) if role else frozenset(),
        "household_actions": lambda status: offers.household_actions(role, status) if role else frozenset(),
        "batch_actions": lambda pending: offers.batch_actions(role, pending) if role else frozenset(),
        "import_kinds": lambda: offers.import_kinds(role) if role else (),
    }


def template(
    user: ConsoleUser | None, name: str, *, status_code: int = 200, lang: str | None = None, **context: Any
) -> Template:
    texts = Texts(lang or (user.lang if user else DEFAULT))
    for kind in ("msg", "err"):  # codes from the query: only the console's own messages are shown
        if kind in context:
            context[kind] = notes.shown(texts, kind, context[kind], session=user.session_hash if user else None)
    return Template(
        template_name=f"console/{name}",
        status_code=status_code,
        context={
            "user": user,
            "lang": texts.lang,
            "money": money,
            "day": day,
            "explain": lambda lines: explain_all(texts, lines),
            "watch_detail": lambda detail: watch_detail(texts, detail),
            # an operator's forms act for the operator's own enterprise; others have none to act for
            "for_enterprise": bool(user and user.principal.enterprise_id is not None),
            **texts.template_globals(),
            **_bound(user),
            **context,
        },
    )


async def render(user: ConsoleUser, name: str, **context: Any) -> Template:
    """A console page; industries are named from the ``industry`` table in the user's language."""
    known = await industries.list_industries()
    names = {i.code: (i.name_en if user.lang == "en" else i.name_zh) for i in known}
    by_zh = {i.name_zh: names[i.code] for i in known}  # the overview's chart is keyed by the Chinese name

    def industry(code: str | None) -> str:
        if code is None:
            return ""
        return names.get(code) or by_zh.get(code) or code

    return template(user, name, industry=industry, industries=sorted(names.items()), **context)


def failure(texts: Texts, exc: Exception) -> str:
    """What a refused action tells the person: the service's reason, and each bad line of a file.
    A reason raised from a template is said in the reader's language; one raised as plain text
    reads as the service wrote it (translated only if the catalogue happens to know it)."""
    text = getattr(exc, "text", None)
    if isinstance(text, Message):
        detail = texts.say(text)
        if isinstance(exc, Invalid) and exc.field:
            # the field in words where the vocabulary names it ("form field"), else as the API names it
            detail = texts._("%(field)s: %(message)s", field=texts.term("form field", exc.field), message=detail)
    else:
        detail = getattr(exc, "detail", None) or str(exc)
        detail = texts._(detail) if isinstance(detail, str) else str(detail)
    extra = getattr(exc, "extra", None)
    if isinstance(extra, dict) and extra.get("errors"):
        detail += ": " + "; ".join(_one_error(texts, e) for e in extra["errors"] if isinstance(e, dict))
    return detail


def _one_error(texts: Texts, error: dict[str, Any]) -> str:
    line = error.get("line") or error.get("index")
    if line is not None:
        return texts._("line %(line)s: %(message)s", line=line, message=error.get("message"))
    return texts._("%(field)s: %(message)s", field=error.get("field"), message=error.get("message"))


def said(user: ConsoleUser, code: str, text: str | None = None) -> str:
    """A note for ``back``: a code of ``notes.NOTES``, with the text that says more signed for the user."""
    return notes.note(code, text, session=user.session_hash)


def refusal(user: ConsoleUser, exc: Exception) -> str:
    """The note for a refused action: the service's reason, in the user's language, signed for them."""
    return said(user, "refused", failure(texts_for(user), exc))


def back(path: str, **params: Any) -> Redirect:
    """Redirect after a POST (303); ``msg`` and ``err`` carry notes (``said``, ``refusal``), never raw text."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return Redirect(path + (f"?{query}" if query else ""), status_code=303)


# ---- error pages: the console router's exception handlers (sync, as Litestar calls them) ----


def _user_of(request: Request[Any, Any, Any]) -> ConsoleUser | None:
    user = request.state.get(STATE_KEY)
    return user if isinstance(user, ConsoleUser) else None


def _with_headers(response: Response[Any]) -> Response[Any]:
    response.headers.update(CONSOLE_HEADERS)
    return response


def error_page(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    extra: dict[str, Any] | None = None,
    text: Message | None = None,
) -> Response[Any]:
    """An HTML answer for a console page that fails (the API answers problem+json instead)."""
    user = _user_of(request)
    texts = texts_for(user)
    shown = failure(texts, DomainError(text or detail, extra=extra)) if extra or text else texts._(detail)
    return _with_headers(template(user, "error.html", status_code=status, status=status, detail=shown))


def refused_page(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    return _with_headers(template(_user_of(request), "refused.html", status_code=403))


def sign_in_redirect(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    return _with_headers(Redirect("/console/sign-in", status_code=303))


def bad_form_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    texts = texts_for(_user_of(request))
    detail = texts._("This form could not be read: %(reason)s", reason=getattr(exc, "detail", str(exc)))
    return _with_headers(template(_user_of(request), "error.html", status_code=400, status=400, detail=detail))


def csrf_refused(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's CSRF check failed: a stale or forged form. The sign-in form just starts again."""
    if request.url.path.rstrip("/").endswith("/sign-in"):
        return _with_headers(back("/console/sign-in", err="expired"))
    texts = texts_for(_user_of(request))
    detail = texts._("This form is stale or was not sent from this console; reload the page and try again.")
    return _with_headers(template(_user_of(request), "error.html", status_code=403, status=403, detail=detail))
