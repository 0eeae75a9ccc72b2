"""The stored codes the console shows, each marked for the catalogues with its kind as context.

Statuses, kinds and reasons are stored as codes (``approved``, ``franchise_income``); a page
shows ``texts.term(kind, code)``. Listing them here is what puts them in the catalogues
(Babel extracts ``term(...)``); ``KINDS`` ties each kind to its enum so a test can fail
when an enum gains a value nobody translated. Industry names are not here: they come from
the ``industry`` table in both languages (an admin adds industries at run time).
"""

from __future__ import annotations

import enum

from app.console.i18n import term
from app.core.principal import Role
from app.links.model import LinkKind
from app.monitoring.model import HardshipKind, Trigger
from app.pairing.model import SupportKind
from app.payouts.model import IncomeType
from app.registry.model import Attribute, Cause, Health, HouseholdStatus, LabourAbility, Relation, RemovalReason
from app.subsidies.model import ClaimStatus, SchemeStatus, VoucherStatus

TERMS = (
    term("household status", "applied"),
    term("household status", "surveyed"),
    term("household status", "reviewed"),
    term("household status", "notice"),
    term("household status", "town_reviewed"),
    term("household status", "registered"),
    term("household status", "exited"),
    term("household status", "returned"),
    term("household status", "removed"),
    term("household attribute", "ordinary"),
    term("household attribute", "dibao"),
    term("household attribute", "tekun"),
    term("cause", "illness"),
    term("cause", "disability"),
    term("cause", "schooling"),
    term("cause", "disaster"),
    term("cause", "lack_of_land"),
    term("cause", "lack_of_water"),
    term("cause", "lack_of_skills"),
    term("cause", "lack_of_labour"),
    term("cause", "lack_of_capital"),
    term("cause", "poor_transport"),
    term("cause", "lack_of_drive"),
    term("cause", "other"),
    term("removal reason", "cross_check_hit"),
    term("removal reason", "wrongly_included"),
    term("removal reason", "moved_away"),
    term("removal reason", "deceased"),
    term("removal reason", "duplicate"),
    term("removal reason", "other"),
    term("relation", "head"),
    term("relation", "spouse"),
    term("relation", "child"),
    term("relation", "child_in_law"),
    term("relation", "grandchild"),
    term("relation", "parent"),
    term("relation", "grandparent"),
    term("relation", "sibling"),
    term("relation", "other"),
    term("labour ability", "full"),
    term("labour ability", "skilled"),
    term("labour ability", "partial"),
    term("labour ability", "none"),
    term("health", "healthy"),
    term("health", "chronic_illness"),
    term("health", "serious_illness"),
    term("health", "disabled"),
    term("sex", "male"),
    term("sex", "female"),
    term("household event", "transition"),
    term("household event", "objection_raised"),
    term("household event", "objection_resolved"),
    term("household event", "member_added"),
    term("household event", "member_left"),
    term("link kind", "share"),
    term("link kind", "wage"),
    term("link kind", "cooperation"),
    term("link kind", "franchise"),
    term("income type", "dividend"),
    term("income type", "wage"),
    term("income type", "purchase"),
    term("income type", "franchise_income"),
    term("support kind", "industry"),
    term("support kind", "employment"),
    term("support kind", "training"),
    term("support kind", "donation"),
    term("support kind", "consumption"),
    term("support kind", "other"),
    term("monitoring trigger", "low_income"),
    term("monitoring trigger", "hardship"),
    term("monitoring trigger", "link_ended"),
    term("hardship kind", "illness"),
    term("hardship kind", "disaster"),
    term("hardship kind", "accident"),
    term("hardship kind", "other"),
    term("scheme status", "draft"),
    term("scheme status", "published"),
    term("scheme status", "closed"),
    term("claim status", "filed"),
    term("claim status", "verified"),
    term("claim status", "approved"),
    term("claim status", "rejected"),
    term("voucher status", "issued"),
    term("voucher status", "in_payment"),
    term("voucher status", "paid"),
    term("voucher status", "cancelled"),
    term("batch status", "sent"),
    term("batch status", "reconciled"),
    term("role", "admin"),
    term("role", "finance"),
    term("role", "town_officer"),
    term("role", "operator"),
    term("role", "auditor"),
    term("unit", "mu"),
)

# each kind whose codes are an enum: the catalogue test checks every value is in TERMS
KINDS: dict[str, type[enum.Enum]] = {
    "household status": HouseholdStatus,
    "household attribute": Attribute,
    "cause": Cause,
    "removal reason": RemovalReason,
    "relation": Relation,
    "labour ability": LabourAbility,
    "health": Health,
    "link kind": LinkKind,
    "income type": IncomeType,
    "support kind": SupportKind,
    "monitoring trigger": Trigger,
    "hardship kind": HardshipKind,
    "scheme status": SchemeStatus,
    "claim status": ClaimStatus,
    "voucher status": VoucherStatus,
    "role": Role,
}
