"""The registry domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.registry.controllers import PovertyLineController, TownController, VillageController
from app.registry.household_controllers import (
    HouseholdController,
    MemberController,
    ObjectionController,
    OrdinaryHouseholdController,
)

router = Router(
    path="/api/v1",
    route_handlers=[
        TownController,
        VillageController,
        HouseholdController,
        OrdinaryHouseholdController,
        ObjectionController,
        MemberController,
        PovertyLineController,
    ],
)
