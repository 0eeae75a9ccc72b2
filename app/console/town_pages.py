"""Town officers: the town's households, their identification steps and objections, claims."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.console.forms import ClaimForm, ObjectionForm, ResolveForm, TransitionForm, VerifyForm, read_form
from app.console.session import ConsoleUser
from app.console.web import back, refusal, render, said, texts_for
from app.core.access import can
from app.core.errors import DomainError
from app.core.pagination import PageParams
from app.core.params import PathId
from app.registry import household_service as households
from app.registry.access import masks_personal_data
from app.registry.masking import mask_household
from app.registry.model import HouseholdStatus, RemovalReason
from app.registry.rules import TRANSITIONS
from app.registry.schemas import HouseholdFilter, ObjectionIn, ObjectionResolve, TransitionIn
from app.subsidies import claims
from app.subsidies.schemas import ClaimCreate, Verification

Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]


class TownPages(Controller):
    path = "/"

    @get("/households", opt={"action": "households.read"})
    async def household_list(
        self, user: NamedDependency[ConsoleUser], status: FromQuery[str | None] = None, page: Page = 1
    ) -> Template:
        try:
            chosen = HouseholdStatus(status) if status else None
        except ValueError:
            chosen = None
        result = await households.list_households(
            user.principal, PageParams(limit=50, offset=(page - 1) * 50), HouseholdFilter(status=chosen)
        )
        return await render(
            user, "households.html", households=result, status=status or "", page=page, statuses=list(HouseholdStatus)
        )

    @get("/households/{household_id:int}", opt={"action": "households.read"})
    async def household(
        self,
        user: NamedDependency[ConsoleUser],
        household_id: PathId,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        h = await households.get_household(user.principal, household_id)
        if masks_personal_data(user.principal):
            h = mask_household(h)
        household_claims = []
        if can(user.principal.role, "claims.read"):
            household_claims = (
                await claims.list_claims(
                    user.principal,
                    PageParams(limit=50, offset=0),
                    scheme_id=None,
                    status=None,
                    town_id=None,
                    industry=None,
                    household_id=household_id,
                )
            ).items
        return await render(
            user,
            "household.html",
            h=h,
            claims=household_claims,
            msg=msg,
            err=err,
            allowed=list(TRANSITIONS[h.status]),
            reasons=list(RemovalReason),
            today=date.today().isoformat(),
        )

    @post("/households/{household_id:int}/step", opt={"action": "households.transition"})
    async def step(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], household_id: PathId
    ) -> Redirect:
        form = await read_form(request, TransitionForm)
        texts = texts_for(user)
        try:
            data = TransitionIn(to=form.to, note=form.note, exit_year=form.exit_year, reason=form.reason)
            await households.transition(user.principal, household_id, data)
        except (DomainError, ValueError) as exc:
            return back(f"/console/households/{household_id}", err=refusal(user, exc))
        return back(
            f"/console/households/{household_id}",
            msg=said(user, "done", texts._("Now: %(status)s.", status=texts.term("household status", form.to))),
        )

    @post("/households/{household_id:int}/objections", opt={"action": "households.objections"})
    async def objection(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], household_id: PathId
    ) -> Redirect:
        form = await read_form(request, ObjectionForm)
        try:
            await households.raise_objection(
                user.principal, household_id, ObjectionIn(raised_by=form.raised_by, content=form.content)
            )
        except (DomainError, ValueError) as exc:
            return back(f"/console/households/{household_id}", err=refusal(user, exc))
        return back(f"/console/households/{household_id}", msg=said(user, "objection_recorded"))

    @post("/objections/{objection_id:int}/resolve", opt={"action": "households.objections"})
    async def resolve(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], objection_id: PathId
    ) -> Redirect:
        form = await read_form(request, ResolveForm)
        target = f"/console/households/{form.household_id}"
        try:
            await households.resolve_objection(user.principal, objection_id, ObjectionResolve(note=form.note))
        except (DomainError, ValueError) as exc:
            return back(target, err=refusal(user, exc))
        return back(target, msg=said(user, "objection_resolved"))

    @post("/households/{household_id:int}/claims", opt={"action": "claims.file"})
    async def file_claim(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], household_id: PathId
    ) -> Redirect:
        form = await read_form(request, ClaimForm)
        try:
            claim = await claims.file_claim(
                user.principal,
                ClaimCreate(
                    scheme_id=form.scheme_id,
                    household_id=household_id,
                    industry=form.industry,
                    declared_quantity=form.declared_quantity,
                ),
            )
        except (DomainError, ValueError) as exc:
            return back(f"/console/households/{household_id}", err=refusal(user, exc))
        return back(f"/console/claims/{claim.id}", msg=said(user, "claim_filed"))

    @post("/claims/{claim_id:int}/verify", opt={"action": "claims.verify"})
    async def verify_claim(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], claim_id: PathId
    ) -> Redirect:
        form = await read_form(request, VerifyForm)
        try:
            await claims.verify_claim(
                user.principal,
                claim_id,
                Verification(
                    verified_quantity=form.verified_quantity,
                    inspector=form.inspector,
                    verified_on=form.verified_on,
                    note=form.note,
                ),
            )
        except (DomainError, ValueError) as exc:
            return back(f"/console/claims/{claim_id}", err=refusal(user, exc))
        return back(f"/console/claims/{claim_id}", msg=said(user, "claim_verified"))
