"""Project assets' supervision in the console (issue 15, points 1 and 3): the flags of the caller's region on
a day, with the decisions on listed households that left the register; an asset's evidence (the list, an
upload form, downloads, removal). Everything is the assets domain's (``app.assets.supervision``,
``app.assets.evidence``); the asset's own page links to ``/console/assets/flags`` and
``/console/assets/{id}/evidence``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import File, Redirect, Template

from app.assets import evidence, service, supervision
from app.assets.model import BeneficiaryDecision, FlagKind
from app.assets.schemas import BeneficiaryDecisionIn, EvidenceIn, EvidenceRemoval, FlagFilter
from app.console.forms import BeneficiaryDecisionForm, EvidenceForm, RemovalForm, read_form, read_upload
from app.console.session import ConsoleUser
from app.console.web import back, refusal, render, said
from app.core.errors import DomainError, Invalid, NotFound
from app.core.messages import N_, message
from app.core.pagination import PageParams
from app.core.params import PathId
from app.core.settings import EVIDENCE_MAX_MB, get_settings

PER_PAGE = 50
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
MIB = 1024 * 1024


def _day(value: str | None) -> date | None:
    """The day chosen in the filter ("" for today); another value than a day is a 400 naming it."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("as_of", message(N_("must be a day, such as 2024-06-30"))) from None


def _kind(value: str | None) -> FlagKind | None:
    """A kind chosen in the filter ("" for every kind); another value is a 400 naming it."""
    if not value:
        return None
    if value not in FlagKind.__members__:
        raise Invalid("kind", message(N_("is not a kind of flag")))
    return FlagKind(value)


class AssetSupervisionPages(Controller):
    path = "/assets"

    @get("/flags", opt={"action": "assets.flags.read"})
    async def flags(
        self,
        user: NamedDependency[ConsoleUser],
        kind: FromQuery[str | None] = None,
        as_of: FromQuery[str | None] = None,  # a date input sends "" when left empty
        region: FromQuery[str | None] = None,
        page: Page = 1,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        """What supervision finds wrong with the assets of the caller's region on a day, with its filters."""
        chosen, day = _kind(kind), _day(as_of)
        found = await supervision.list_flags(
            user.principal,
            FlagFilter(as_of=day, region=region or None, kind=chosen),
            PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE),
        )
        return await render(
            user,
            "asset_flags.html",
            found=found,
            kinds=list(FlagKind),
            decisions=list(BeneficiaryDecision),
            chosen_kind=chosen.value if chosen else "",
            chosen_region=region or "",
            chosen_as_of=day.isoformat() if day else "",
            today=date.today().isoformat(),
            page=page,
            per_page=PER_PAGE,
            msg=msg,
            err=err,
        )

    @post("/flags/decision", opt={"action": "assets.manage"})
    async def decide(self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser]) -> Redirect:
        """Keep a listed household that left the register, or remove it from the agreement's list."""
        form = await read_form(request, BeneficiaryDecisionForm)
        to, kind = "/console/assets/flags", FlagKind.household_left.value
        try:
            data = BeneficiaryDecisionIn(decision=form.decision, reason=form.reason)
            await supervision.decide_beneficiary(user.principal, form.agreement_id, form.household_id, data)
        except DomainError as exc:
            return back(to, kind=kind, err=refusal(user, exc))
        return back(to, kind=kind, msg=said(user, "done"))

    @get("/{asset_id:int}/evidence", opt={"action": "assets.read"})
    async def evidence_list(
        self,
        user: NamedDependency[ConsoleUser],
        asset_id: PathId,
        page: Page = 1,
        msg: FromQuery[str | None] = None,
        err: FromQuery[str | None] = None,
    ) -> Template:
        """The asset's photos and documents, with the form that attaches one."""
        asset = await service.get_asset(user.principal, asset_id)
        found = await evidence.list_evidence(
            user.principal, asset_id, PageParams(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        )
        return await render(
            user,
            "asset_evidence.html",
            asset=asset,
            found=found,
            page=page,
            per_page=PER_PAGE,
            max_mb=get_settings().evidence_max_mb,
            msg=msg,
            err=err,
        )

    @post(
        "/{asset_id:int}/evidence", opt={"action": "assets.evidence"}, request_max_body_size=EVIDENCE_MAX_MB * MIB + MIB
    )
    async def upload(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], asset_id: PathId
    ) -> Redirect:
        """Attach the chosen file; every check is the evidence's own (``app.assets.evidence``)."""
        to = f"/console/assets/{asset_id}/evidence"
        form = await read_form(request, EvidenceForm)
        chosen = await read_upload(request)
        if chosen is None:
            return back(to, err=said(user, "no_evidence_file"))
        content = await chosen.read(evidence.max_bytes() + 1)
        try:
            out, _ = await evidence.upload_evidence(
                user.principal,
                asset_id,
                evidence.Upload(content=content, filename=chosen.filename, content_type=chosen.content_type),
                EvidenceIn(title=form.title, note=form.note),
            )
        except DomainError as exc:
            return back(to, err=refusal(user, exc))
        return back(to, msg=said(user, "done", out.title))

    @get("/{asset_id:int}/evidence/{evidence_id:int}/file", opt={"action": "assets.read"})
    async def download(self, user: NamedDependency[ConsoleUser], asset_id: PathId, evidence_id: PathId) -> File:
        """The evidence's file, as ``GET /api/v1/asset-evidence/{id}/file`` sends it."""
        found = await evidence.get_evidence(user.principal, evidence_id)
        if found.asset_id != asset_id:
            raise NotFound.of(N_("evidence {evidence} does not exist"), evidence=evidence_id)
        sent = await evidence.evidence_file(user.principal, evidence_id)
        return File(
            path=sent.path,
            media_type=sent.media_type,
            filename=sent.path.name,
            headers={"Content-Disposition": sent.disposition},
        )

    @post("/{asset_id:int}/evidence/{evidence_id:int}/remove", opt={"action": "assets.evidence"})
    async def remove(
        self, request: Request[Any, Any, Any], user: NamedDependency[ConsoleUser], asset_id: PathId, evidence_id: PathId
    ) -> Redirect:
        to = f"/console/assets/{asset_id}/evidence"
        form = await read_form(request, RemovalForm)
        try:
            found = await evidence.get_evidence(user.principal, evidence_id)
            if found.asset_id != asset_id:
                raise NotFound.of(N_("evidence {evidence} does not exist"), evidence=evidence_id)
            await evidence.remove_evidence(user.principal, evidence_id, EvidenceRemoval(reason=form.reason))
        except DomainError as exc:
            return back(to, err=refusal(user, exc))
        return back(to, msg=said(user, "done"))
