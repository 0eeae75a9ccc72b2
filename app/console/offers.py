"""Which actions a console page offers on one thing: the role's policy and the thing's status.

Pure functions: a template asks ``offers.claim(status)`` (bound to the signed-in role) and
shows a button for each action in the answer. The services still refuse a wrong step on
their own; this only keeps the page from offering it. An offer is named by its policy
action, or by the action and the step of it (``households.objections.raise`` is offered
under the policy's ``households.objections``).
"""

from __future__ import annotations

from app.core.access import can
from app.core.principal import Role
from app.imports.service import IMPORTERS, KIND_ROLES
from app.monitoring.case_rules import ELIMINATION_STEPS, STEPS, EliminationStep, Step
from app.monitoring.model import CaseState
from app.registry.model import HouseholdStatus
from app.registry.rules import TRANSITIONS
from app.sheets.templates import KINDS
from app.subsidies.model import ClaimStatus

# a claim's status -> the steps that can follow it
CLAIM_STEPS: dict[ClaimStatus, frozenset[str]] = {
    ClaimStatus.filed: frozenset({"claims.verify", "claims.reject"}),
    ClaimStatus.verified: frozenset({"claims.approve", "claims.reject"}),
    ClaimStatus.approved: frozenset(),
    ClaimStatus.rejected: frozenset(),
}


def claim_actions(role: Role, status: ClaimStatus) -> frozenset[str]:
    """What ``role`` may do next with a claim in ``status``."""
    return frozenset(action for action in CLAIM_STEPS[ClaimStatus(status)] if can(role, action))


def household_actions(role: Role, status: HouseholdStatus) -> frozenset[str]:
    """What ``role`` may do on a household's page while it is in ``status``."""
    status = HouseholdStatus(status)
    offered: set[str] = set()
    if TRANSITIONS[status] and can(role, "households.transition"):
        offered.add("households.transition")
    # objections are raised while the list is on public notice (公示); open ones are resolved any time
    if status is HouseholdStatus.notice and can(role, "households.objections"):
        offered.add("households.objections.raise")
    if can(role, "households.objections"):
        offered.add("households.objections.resolve")
    if can(role, "claims.file") and status is not HouseholdStatus.ordinary:  # on no register: no claim is made
        offered.add("claims.file")
    return frozenset(offered)


def batch_actions(role: Role, pending: int) -> frozenset[str]:
    """A payment batch takes the bank's result while some of its vouchers are still pending."""
    if pending and can(role, "payment_batches.reconcile"):
        return frozenset({"payment_batches.reconcile"})
    return frozenset()


def template_kinds(role: Role) -> tuple[str, ...]:
    """The kinds of import ``role`` takes in (an admin every kind; others those ``KIND_ROLES`` gives them), in
    the templates' order: the templates its import page offers."""
    if not can(role, "imports.run"):
        return ()
    return tuple(kind for kind in KINDS if role is Role.admin or role in KIND_ROLES.get(kind, frozenset()))


def import_kinds(role: Role) -> tuple[str, ...]:
    """Of ``template_kinds``, those that import already (``IMPORTERS``): the kinds its upload form offers."""
    return tuple(kind for kind in template_kinds(role) if kind in IMPORTERS)


def case_next_step(state: str, step: str) -> Step | None:
    """The identification step that follows ``step`` while the case is still being identified (or awaits its
    announcement), None when its identification is over."""
    position = STEPS.index(Step(step))
    if CaseState(state) not in (CaseState.identifying, CaseState.monitored) or position + 1 >= len(STEPS):
        return None
    return STEPS[position + 1]


def case_step_offer(role: Role, state: str, step: str) -> Step | None:
    """The step ``role`` may record next on a case: the county (an admin) approves, others record the rest."""
    following = case_next_step(state, step)
    if following is None or not can(role, "monitoring_cases.record"):
        return None
    if following is Step.approved and role is not Role.admin:
        return None
    return following


def may_begin_elimination(role: Role, state: str) -> bool:
    """Risk elimination begins (with its home check) for a monitored household, by whoever records steps."""
    return CaseState(state) is CaseState.monitored and can(role, "monitoring_cases.record")


def elimination_next_step(state: str, elimination: dict[str, object] | None) -> EliminationStep | None:
    """The risk-elimination step that follows the last one recorded, while the elimination is under way."""
    if CaseState(state) is not CaseState.eliminating or not elimination:
        return None
    position = ELIMINATION_STEPS.index(EliminationStep(str(elimination.get("step"))))
    return ELIMINATION_STEPS[position + 1] if position + 1 < len(ELIMINATION_STEPS) else None


def elimination_step_offer(role: Role, state: str, elimination: dict[str, object] | None) -> EliminationStep | None:
    """The risk-elimination step ``role`` may record next: the county (an admin) approves, others the rest."""
    following = elimination_next_step(state, elimination)
    if following is None or not can(role, "monitoring_cases.record"):
        return None
    if following is EliminationStep.approved and role is not Role.admin:
        return None
    return following
