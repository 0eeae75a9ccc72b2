"""The staff console as one Router: its pages under /console, who may open them, how they fail, and its headers.

Forms are protected by Litestar's CSRF middleware (``CONSOLE_CSRF``, set on the app in
``app/main.py``): a signed double-submit cookie, sent back by every form as ``_csrf_token``.
The API authenticates with a bearer header, which a foreign site cannot make a browser send,
so the API, health and schema paths are left out of the check.
"""

from __future__ import annotations

import secrets

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException

from app.console.asset_pages import AssetPages
from app.console.asset_supervision_pages import AssetSupervisionPages
from app.console.audit_pages import AuditPages
from app.console.finance_pages import FinancePages
from app.console.forms import BadForm
from app.console.import_pages import ImportPages
from app.console.linkage_pages import LinkagePages
from app.console.monitoring_pages import MonitoringPages
from app.console.notice_pages import NoticePages
from app.console.operator_pages import OperatorPages
from app.console.pages import ConsolePages
from app.console.town_pages import TownPages
from app.console.web import (
    CONSOLE_HEADERS,
    NotAllowed,
    NotSignedIn,
    bad_form_page,
    csrf_refused,
    error_page,
    provide_user,
    refused_page,
    sign_in_redirect,
)
from app.core.auth import refuse_nul
from app.core.problems import exception_handlers
from app.core.settings import get_settings

# one secret for every worker of a deployment (`chainaid serve` hands its workers one); a random one is
# enough for a process serving alone (the tests)
CSRF_SECRET = get_settings().csrf_secret or secrets.token_hex(32)

CONSOLE_CSRF = CSRFConfig(
    secret=CSRF_SECRET,
    cookie_name="chainaid_csrf",
    cookie_path="/console",
    cookie_secure=True,
    cookie_httponly=True,  # the forms carry the token; no script needs to read the cookie
    cookie_samesite="strict",
    exclude=["^/api", "^/health", "^/schema"],
)

console_router = Router(
    path="/console",
    route_handlers=[
        ConsolePages,
        FinancePages,
        TownPages,
        OperatorPages,
        AuditPages,
        ImportPages,
        MonitoringPages,
        LinkagePages,
        NoticePages,
        AssetPages,
        AssetSupervisionPages,
    ],
    dependencies={"user": Provide(provide_user)},
    guards=[refuse_nul],
    exception_handlers={
        # every failure the API writes as problem+json, the console writes as its error page
        **exception_handlers(error_page),
        NotSignedIn: sign_in_redirect,
        NotAllowed: refused_page,
        BadForm: bad_form_page,
        PermissionDeniedException: csrf_refused,  # only Litestar's CSRF check raises it under /console
    },
    response_headers=[ResponseHeader(name=name, value=value) for name, value in CONSOLE_HEADERS.items()],
    include_in_schema=False,
)
