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
    if can(role, "claims.file"):
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
