"""Signing in and out, the language, and the overview everyone sees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.console import session
from app.console.charts import stacked_bars
from app.console.forms import LanguageForm, SignInForm, read_form
from app.console.i18n import Texts, lang_of
from app.console.session import ConsoleUser
from app.console.web import back, render, template
from app.core.validation import check_year
from app.stats import service as stats


class ConsolePages(Controller):
    path = "/"

    @get("/sign-in")
    async def sign_in_form(self, lang: FromQuery[str] = "zh", err: FromQuery[str | None] = None) -> Template:
        lang = lang_of(lang)
        return template(None, "sign_in.html", lang=lang, err=err)  # a code of app/console/notes.py

    @post("/sign-in")
    async def sign_in(self, request: Request[Any, Any, Any]) -> Redirect:
        form = await read_form(request, SignInForm)
        signed = await session.sign_in(form.token, form.lang)
        if signed is None:
            return back("/console/sign-in", err="invalid", lang=form.lang)
        cookie, _ = signed
        redirect = Redirect("/console", status_code=303)
        redirect.cookies.append(_cookie(session.COOKIE, cookie, max_age=session.HOURS * 3600))
        return redirect

    @post("/sign-out", opt={"any_signed_in": True})
    async def sign_out(self, user: NamedDependency[ConsoleUser]) -> Redirect:
        await session.sign_out(user)
        redirect = Redirect("/console/sign-in", status_code=303)
        redirect.cookies.append(_cookie(session.COOKIE, "", max_age=0))
        return redirect

    @post("/lang", opt={"any_signed_in": True})
    async def language(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        form = await read_form(request, LanguageForm)
        await session.set_lang(user, form.to)
        return Redirect(_same_site_path(form.back_to), status_code=303)

    @get("/", opt={"action": "stats.read"})
    async def overview(
        self,
        user: NamedDependency[ConsoleUser],
        year: Annotated[int | None, QueryParameter(description="calendar year")] = None,
        msg: FromQuery[str | None] = None,
    ) -> Template:
        check_year("year", year)
        texts = Texts(user.lang)
        figures = await stats.overview_for(user.principal, date.today())
        year = year or await stats.latest_payout_year()
        by_type, by_industry = await stats.monthly_payouts(user.principal, year)
        towns = await stats.subsidies_by_town(user.principal)
        months = [texts._("month %(month)s", month=m) for m in range(1, 13)]
        page = await render(user, "overview.html", msg=msg, o=figures, year=year)
        industry = page.context["industry"]

        def wan(amount: str) -> str:
            return texts._("%(amount)s wan", amount=amount)

        page.context.update(
            type_chart=stacked_bars(months, _series(by_type, lambda key: texts.term("income type", key)), wan=wan),
            industry_chart=stacked_bars(months, _series(by_industry, industry), wan=wan),
            town_chart=stacked_bars(
                [_short_town(r["town"]) for r in towns],
                {
                    texts._("approved, unpaid"): [Decimal(r["approved"]) - Decimal(r["paid"]) for r in towns],
                    texts._("paid"): [Decimal(r["paid"]) for r in towns],
                },
                width=1180,
                wan=wan,
            ),
        )
        return page


def _series(rows: list[Any], label: Any) -> dict[str, list[Decimal]]:
    series: dict[str, list[Decimal]] = {}
    for r in rows:
        series.setdefault(label(r["key"]), [Decimal(0)] * 12)[r["month"] - 1] = Decimal(r["amount"])
    return series


def _same_site_path(back_to: str) -> str:
    """Back to the console page the switch was pressed on; never to another site."""
    path = urlsplit(back_to).path
    return path if path.startswith("/console") and "//" not in path else "/console"


def _short_town(name: str) -> str:
    """周矶街道 → 周矶街, 周矶管理区 → 周矶区, 熊口镇 → 熊口: short enough for the axis, still distinct."""
    for suffix, mark in (("管理区", "区"), ("街道", "街"), ("镇", "")):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + mark
    return name


def _cookie(name: str, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=name, value=value, max_age=max_age, httponly=True, secure=True, samesite="strict", path="/console"
    )
