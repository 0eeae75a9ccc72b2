from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from app.core.pagination import Page, PageParams
from app.core.params import PathId, provide_page_params
from app.registry import household_service as service
from app.registry.access import masks_personal_data
from app.registry.dependencies import provide_household_filter
from app.registry.household_service import FlagReader
from app.registry.masking import mask_household
from app.registry.schemas import (
    HouseholdCounts,
    HouseholdCreate,
    HouseholdDetail,
    HouseholdFilter,
    HouseholdOut,
    MemberIn,
    MemberLeave,
    ObjectionIn,
    ObjectionOut,
    ObjectionResolve,
    OrdinaryHouseholdCreate,
    TransitionIn,
)


class HouseholdController(Controller):
    path = "/households"
    tags = ["households"]
    dependencies = {"page": Provide(provide_page_params), "filters": Provide(provide_household_filter)}

    @post("/", operation_id="createHousehold")
    async def create(
        self, request: Request, data: JSONBody[HouseholdCreate], household_flags: NamedDependency[FlagReader]
    ) -> HouseholdDetail:
        """Record an application (申请) with its members; the household starts as ``applied``."""
        return await service.create_household(request.user, data, household_flags)

    @get("/", operation_id="listHouseholds")
    async def list_households(
        self, request: Request, page: NamedDependency[PageParams], filters: NamedDependency[HouseholdFilter]
    ) -> Page[HouseholdOut]:
        """Households the caller may see, filtered, oldest first; ordinary households (on no register) only
        with ``status=ordinary``."""
        return await service.list_households(request.user, page, filters)

    @get("/counts", operation_id="countHouseholds")
    async def counts(self, request: Request, filters: NamedDependency[HouseholdFilter]) -> HouseholdCounts:
        """Households and people the caller may see under the same filters, by status and by attribute."""
        return await service.count_households(request.user, filters)

    @get("/{household_id:int}", operation_id="getHousehold")
    async def get_household(
        self, request: Request, household_id: PathId, household_flags: NamedDependency[FlagReader]
    ) -> HouseholdDetail:
        """A household with its members, events, objections and cross-check flags."""
        detail = await service.get_household(request.user, household_id, household_flags)
        return mask_household(detail) if masks_personal_data(request.user) else detail

    @post("/{household_id:int}/transitions", operation_id="transitionHousehold", status_code=200)
    async def transition(
        self,
        request: Request,
        household_id: PathId,
        data: JSONBody[TransitionIn],
        household_flags: NamedDependency[FlagReader],
    ) -> HouseholdDetail:
        """Take the next step: identification, exit (with ``exit_year``), return, or removal (with ``reason``).

        An illegal step is a 409 listing the allowed ones.
        """
        return await service.transition(request.user, household_id, data, household_flags)

    @post("/{household_id:int}/members", operation_id="addMember")
    async def add_member(
        self,
        request: Request,
        household_id: PathId,
        data: JSONBody[MemberIn],
        household_flags: NamedDependency[FlagReader],
    ) -> HouseholdDetail:
        """Add a member (a birth, a marriage, a return home); an ID number held in another household is a 409."""
        return await service.add_member(request.user, household_id, data, household_flags)

    @post("/{household_id:int}/objections", operation_id="raiseObjection")
    async def raise_objection(
        self, request: Request, household_id: PathId, data: JSONBody[ObjectionIn]
    ) -> ObjectionOut:
        """Record an objection raised during the public notice; it blocks the next step until resolved."""
        return await service.raise_objection(request.user, household_id, data)


class OrdinaryHouseholdController(Controller):
    path = "/ordinary-households"
    tags = ["households"]

    @post("/", operation_id="createOrdinaryHousehold")
    async def create(
        self, request: Request, data: JSONBody[OrdinaryHouseholdCreate], household_flags: NamedDependency[FlagReader]
    ) -> HouseholdDetail:
        """Take in an ordinary household (一般农户, never registered as poor) with its members, for monitoring
        (边缘易致贫户): status ``ordinary``, a local number ``M`` + county code + sequence, on no register list
        or figure (the household list shows it with ``status=ordinary``). Its members' ID numbers are checked
        as a registered household's are; it takes no identification or exit steps."""
        return await service.create_ordinary_household(request.user, data, household_flags)


class MemberController(Controller):
    path = "/members"
    tags = ["households"]

    @post("/{member_id:int}/leave", operation_id="memberLeaves", status_code=200)
    async def leave(
        self,
        request: Request,
        member_id: PathId,
        data: JSONBody[MemberLeave],
        household_flags: NamedDependency[FlagReader],
    ) -> HouseholdDetail:
        """A member leaves the household (deceased, moved away, married out) on a day: kept in its history,
        no longer counted from then (people, per-capita income, incidence)."""
        return await service.member_leaves(request.user, member_id, data, household_flags)


class ObjectionController(Controller):
    path = "/objections"
    tags = ["households"]

    @post("/{objection_id:int}/resolve", operation_id="resolveObjection", status_code=200)
    async def resolve(self, request: Request, objection_id: PathId, data: JSONBody[ObjectionResolve]) -> ObjectionOut:
        """Resolve an objection with a note saying how."""
        return await service.resolve_objection(request.user, objection_id, data)
