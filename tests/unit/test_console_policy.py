"""The access policy as code, what the console offers from it, and the calculation read in both languages."""

from __future__ import annotations

import inspect
from decimal import Decimal as D

import pytest

from app.console.explanation import explain
from app.console.i18n import Texts
from app.console.offers import claim_actions, household_actions
from app.core.access import OPERATIONS, POLICY, UnknownAction, actions_of, can, roles_for
from app.core.principal import Role
from app.registry.model import HouseholdStatus
from app.subsidies.model import ClaimStatus
from app.subsidies.rules import Rate, Tier, calculate, cap_for_household
from tests.api.test_authorization_matrix import POLICY as WRITTEN
from tests.api.test_authorization_matrix import ROLES


def test_the_table_reads_both_ways():
    for action, roles in POLICY.items():
        for role in Role:
            assert can(role, action) == (role in roles) == (action in actions_of(role))


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(UnknownAction):
        can(Role.admin, "claims.aprove")


def test_claims_offer_only_the_next_step_the_role_may_take():
    assert claim_actions(Role.finance, ClaimStatus.verified) == {"claims.approve", "claims.reject"}
    assert claim_actions(Role.finance, ClaimStatus.filed) == {"claims.reject"}
    assert claim_actions(Role.town_officer, ClaimStatus.filed) == {"claims.verify"}
    assert claim_actions(Role.town_officer, ClaimStatus.verified) == frozenset()
    assert claim_actions(Role.auditor, ClaimStatus.verified) == frozenset()
    assert all(not claim_actions(role, ClaimStatus.approved) for role in Role)


def test_households_offer_objections_only_on_notice():
    assert "households.objections.raise" in household_actions(Role.town_officer, HouseholdStatus.notice)
    assert "households.objections.raise" not in household_actions(Role.town_officer, HouseholdStatus.registered)
    assert "households.transition" not in household_actions(Role.town_officer, HouseholdStatus.removed)
    assert household_actions(Role.operator, HouseholdStatus.notice) == frozenset()


RATE = Rate(
    industry="crayfish_rice",
    unit="mu",
    min_quantity=D("1"),
    cap=D("3000.00"),
    tiers=(Tier(D("10"), D("300.00")), Tier(None, D("150.00"))),
)
CALCULATIONS = [
    cap_for_household(calculate(RATE, D("12.5"), verified=True), D("5000.00"), D("1000.00")),
    cap_for_household(calculate(RATE, D("30"), verified=False), D("3500.00"), D("1000.00")),
    cap_for_household(calculate(RATE, D("0.5"), verified=True), None, D("0")),
    cap_for_household(
        calculate(
            Rate(
                industry="x",
                unit="mu",
                min_quantity=D("0"),
                cap=None,
                tiers=(Tier(D("2"), D("10")), Tier(D("5"), D("5"))),
            ),
            D("8"),
            verified=True,
        ),
        None,
        D("0"),
    ),
    calculate(
        Rate(
            industry="x",
            unit="mu",
            min_quantity=D("0"),
            cap=D("10"),
            tiers=(Tier(D("2"), D("10")), Tier(D("5"), D("5"))),
        ),
        D("1"),
        verified=True,
    ),
]


@pytest.mark.parametrize("calc", CALCULATIONS)
def test_every_line_of_a_calculation_is_read_in_chinese(calc):
    zh, en = Texts("zh"), Texts("en")
    for line in calc.lines:
        chinese = explain(zh, line)
        assert chinese != line and not any(w in chinese for w in ("tier", "threshold", "cap", "sum")), line
        assert explain(en, line)  # English keeps its meaning (worded as a sentence of the console)


@pytest.mark.parametrize("calc", CALCULATIONS)
def test_a_stored_line_reads_back_into_the_step_it_was_written_from(calc):
    from app.console.explanation import CALCULATION

    zh = Texts("zh")
    for step, line in zip(calc.steps, calc.lines, strict=True):
        assert CALCULATION.read(line) == step
        assert explain(zh, step) == explain(zh, line)


def test_an_unknown_line_is_shown_as_written():
    assert explain(Texts("zh"), "something rules.py says later") == "something rules.py says later"


def test_the_table_says_what_the_written_api_policy_says():
    assert set(OPERATIONS) == set(WRITTEN)
    for operation, letters in WRITTEN.items():
        assert roles_for(OPERATIONS[operation]) == {Role(ROLES[c]) for c in letters}, operation


def test_watch_details_are_read_in_chinese():
    from app.console.explanation import watch_detail

    zh = Texts("zh")
    assert watch_detail(zh, "2019 per-capita income 4425.63 is under 1.5 × the poverty line 3750.00") == (
        "2019 年人均纯收入 4425.63，低于贫困线 3750.00 的 1.5 倍"
    )
    assert watch_detail(zh, "illness on 2019-03-01: 住院") == "2019-03-01 发生疾病：住院"
    assert watch_detail(zh, "wage link with 某公司 ended on 2019-05-01") == "与某公司的务工就业联结已于 2019-05-01 终止"


def _console_handlers():
    from app.console.router import console_router

    for route in console_router.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.http_methods != {"OPTIONS"}:  # Litestar answers OPTIONS itself
                yield route.path, handler


def test_every_console_page_for_signed_in_users_names_an_action_the_policy_knows():
    checked = 0
    for path, handler in _console_handlers():
        takes_user = "user" in inspect.signature(handler.fn).parameters
        action, anyone = handler.opt.get("action"), handler.opt.get("any_signed_in")
        if not takes_user:  # the sign-in page and its form: before anyone is signed in
            assert path.endswith("/sign-in"), path
            continue
        assert (action is None) != (anyone is None), f"{path} must name one action, or say any signed-in user"
        if action is not None:
            assert action in POLICY, f"{path} names an action the policy does not know: {action}"
        checked += 1
    assert checked >= 25  # every page of the console is here, not a filtered few
