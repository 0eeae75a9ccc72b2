"""Signing in and out, the language, and the overview everyone sees."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.console import session
from app.console.charts import stacked_bars
from app.console.session import ConsoleUser
from app.console.web import back, console_headers, form_of, provide_user, render
from app.stats import service as stats

SIGN_IN_CSRF = "chainaid_sign_in"


class ConsolePages(Controller):
    path = "/console"
    include_in_schema = False
    after_request = console_headers
    dependencies = {"user": Provide(provide_user)}

    @get("/sign-in", dependencies={})
    async def sign_in_form(self, request: Request, lang: FromQuery[str] = "zh", err: FromQuery[str | None] = None) -> Template:
        # double-submit: the form carries the same random value as a short-lived cookie
        token = secrets.token_urlsafe(24)
        page = render(None, "sign_in.html", lang="en" if lang == "en" else "zh", csrf=token, err=err)
        page.cookies.append(_cookie(SIGN_IN_CSRF, token, max_age=1800))
        return page

    @post("/sign-in", dependencies={})
    async def sign_in(self, request: Request) -> Redirect:
        form = await request.form()
        if not session.same_secret(request.cookies.get(SIGN_IN_CSRF), form.get("csrf")):
            return back("/console/sign-in", err="the sign-in form expired; try again")
        signed = await session.sign_in(form.get("token", ""), "en" if form.get("lang") == "en" else "zh")
        if signed is None:
            return back("/console/sign-in", err="令牌无效或已注销 / invalid or revoked token")
        cookie, _ = signed
        redirect = Redirect("/console", status_code=303)
        redirect.cookies.append(_cookie(session.COOKIE, cookie, max_age=session.HOURS * 3600))
        return redirect

    @post("/sign-out")
    async def sign_out(self, request: Request, user: NamedDependency[ConsoleUser]) -> Redirect:
        await form_of(request, user)
        await session.sign_out(user)
        redirect = Redirect("/console/sign-in", status_code=303)
        redirect.cookies.append(_cookie(session.COOKIE, "", max_age=0))
        return redirect

    @post("/lang")
    async def language(self, request: Request, user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await form_of(request, user)
        await session.set_lang(user, "en" if form.get("to") == "en" else "zh")
        return Redirect(_same_site_path(request.headers.get("referer")), status_code=303)

    @get("/")
    async def overview(self, user: NamedDependency[ConsoleUser], year: Annotated[int | None, QueryParameter(ge=1978, le=2100)] = None, msg: FromQuery[str | None] = None) -> Template:
        figures = await stats.overview(date.today())
        year = year if year and 1978 <= year <= 2100 else await stats.latest_payout_year()
        by_type, by_industry = await stats.monthly_payouts(year)
        towns = await stats.subsidies_by_town()
        months = [f"{m}月" for m in range(1, 13)]
        return render(
            user, "overview.html", msg=msg, o=figures, year=year,
            type_chart=stacked_bars(months, _series(by_type)),
            industry_chart=stacked_bars(months, _series(by_industry)),
            town_chart=stacked_bars([_short_town(r["town"]) for r in towns], {
                "已审批未支付 approved, unpaid": [Decimal(r["approved"]) - Decimal(r["paid"]) for r in towns],
                "已支付 paid": [Decimal(r["paid"]) for r in towns],
            }, width=1180),
        )


def _series(rows) -> dict[str, list[Decimal]]:
    series: dict[str, list[Decimal]] = {}
    for r in rows:
        series.setdefault(r["key"], [Decimal(0)] * 12)[r["month"] - 1] = Decimal(r["amount"])
    return series


def _same_site_path(referer: str | None) -> str:
    """Back to the console page the switch was pressed on; never to another site."""
    from urllib.parse import urlsplit

    path = urlsplit(referer or "").path
    return path if path.startswith("/console") and "//" not in path else "/console"


def _short_town(name: str) -> str:
    """周矶街道 → 周矶街, 周矶管理区 → 周矶区, 熊口镇 → 熊口: short enough for the axis, still distinct."""
    for suffix, mark in (("管理区", "区"), ("街道", "街"), ("镇", "")):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + mark
    return name


def _cookie(name: str, value: str, max_age: int) -> Cookie:
    return Cookie(key=name, value=value, max_age=max_age, httponly=True, secure=True, samesite="strict",
                  path="/console")
