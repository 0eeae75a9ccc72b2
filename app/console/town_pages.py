"""Town officers: the town's households, their identification steps and objections, claims."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from app.core.errors import DomainError
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.core.principal import Role
from app.console.session import ConsoleUser
from app.console.web import (
    back,
    console_headers,
    failure,
    form_of,
    provide_user,
    render,
    require,
)
from app.core.pagination import PageParams
from app.registry import household_service as households
from app.registry.access import masks_personal_data
from app.registry.masking import mask_household
from app.registry.rules import TRANSITIONS, HouseholdStatus, RemovalReason
from app.registry.schemas import (
    HouseholdFilter,
    ObjectionIn,
    ObjectionResolve,
    TransitionIn,
)
from app.subsidies import claims
from app.subsidies.schemas import ClaimCreate, Verification
from app.core.validation import PathId

READERS = (Role.town_officer, Role.admin, Role.finance, Role.auditor, Role.operator)


class TownPages(Controller):
    path = "/console"
    include_in_schema = False
    after_request = console_headers
    dependencies = {"user": Provide(provide_user)}

    @get("/households")
    async def household_list(self, user: NamedDependency[ConsoleUser], status: FromQuery[str | None] = None, page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1) -> Template:
        require(user, *READERS)
        try:
            chosen = HouseholdStatus(status) if status else None
        except ValueError:
            chosen = None
        result = await households.list_households(
            user.principal, PageParams(limit=50, offset=(max(page, 1) - 1) * 50), HouseholdFilter(status=chosen))
        return render(user, "households.html", households=result, status=status or "", page=max(page, 1),
                      statuses=[s.value for s in HouseholdStatus])

    @get("/households/{household_id:int}")
    async def household(self, user: NamedDependency[ConsoleUser], household_id: PathId, msg: FromQuery[str | None] = None,
                        err: FromQuery[str | None] = None) -> Template:
        require(user, *READERS)
        h = await households.get_household(user.principal, household_id)
        if masks_personal_data(user.principal):
            h = mask_household(h)
        claim_page = None
        if user.principal.role is not Role.operator:
            claim_page = await claims.list_claims(user.principal, PageParams(limit=50, offset=0), scheme_id=None,
                                                  status=None, town_id=None, industry=None, household_id=household_id)
        return render(user, "household.html", h=h, claims=claim_page.items if claim_page else [], msg=msg, err=err,
                      allowed=[s.value for s in TRANSITIONS[h.status]], reasons=[r.value for r in RemovalReason],
                      today=date.today().isoformat())

    @post("/households/{household_id:int}/step")
    async def step(self, request: Request, user: NamedDependency[ConsoleUser], household_id: PathId) -> Redirect:
        require(user, Role.town_officer, Role.admin)
        form = await form_of(request, user)
        try:
            data = TransitionIn(to=HouseholdStatus(form.get("to", "")), note=form.get("note") or None,
                                exit_year=int(form["exit_year"]) if form.get("exit_year") else None,
                                reason=RemovalReason(form["reason"]) if form.get("reason") else None)
            await households.transition(user.principal, household_id, data)
        except (DomainError, ValueError) as exc:
            return back(f"/console/households/{household_id}", err=failure(exc))
        return back(f"/console/households/{household_id}", msg=f"→ {data.to.value}")

    @post("/households/{household_id:int}/objections")
    async def objection(self, request: Request, user: NamedDependency[ConsoleUser], household_id: PathId) -> Redirect:
        require(user, Role.town_officer, Role.admin)
        form = await form_of(request, user)
        try:
            await households.raise_objection(user.principal, household_id, ObjectionIn(
                raised_by=form.get("raised_by", ""), content=form.get("content", "")))
        except (DomainError, ValueError) as exc:
            return back(f"/console/households/{household_id}", err=failure(exc))
        return back(f"/console/households/{household_id}", msg="objection recorded")

    @post("/objections/{objection_id:int}/resolve")
    async def resolve(self, request: Request, user: NamedDependency[ConsoleUser], objection_id: PathId) -> Redirect:
        require(user, Role.town_officer, Role.admin)
        form = await form_of(request, user)
        target = f"/console/households/{form.get('household_id', '')}"
        try:
            await households.resolve_objection(user.principal, objection_id, ObjectionResolve(note=form.get("note", "")))
        except (DomainError, ValueError) as exc:
            return back(target, err=failure(exc))
        return back(target, msg="objection resolved")

    @post("/households/{household_id:int}/claims")
    async def file_claim(self, request: Request, user: NamedDependency[ConsoleUser], household_id: PathId) -> Redirect:
        require(user, Role.town_officer, Role.admin)
        form = await form_of(request, user)
        try:
            claim = await claims.file_claim(user.principal, ClaimCreate(
                scheme_id=int(form.get("scheme_id", "0")), household_id=household_id,
                industry=form.get("industry", ""), declared_quantity=_quantity(form.get("declared_quantity"))))
        except (DomainError, ValueError) as exc:
            return back(f"/console/households/{household_id}", err=failure(exc))
        return back(f"/console/claims/{claim.id}", msg="filed")

    @post("/claims/{claim_id:int}/verify")
    async def verify_claim(self, request: Request, user: NamedDependency[ConsoleUser], claim_id: PathId) -> Redirect:
        require(user, Role.town_officer, Role.admin)
        form = await form_of(request, user)
        try:
            await claims.verify_claim(user.principal, claim_id, Verification(
                verified_quantity=_quantity(form.get("verified_quantity")), inspector=form.get("inspector", ""),
                verified_on=date.fromisoformat(form.get("verified_on", "")), note=form.get("note") or None))
        except (DomainError, ValueError) as exc:
            return back(f"/console/claims/{claim_id}", err=failure(exc))
        return back(f"/console/claims/{claim_id}", msg="verified")


def _quantity(raw: str | None) -> Decimal:
    try:
        return Decimal(raw or "")
    except InvalidOperation:
        raise ValueError("quantity: must be a number") from None
