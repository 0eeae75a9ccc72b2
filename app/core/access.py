"""The access policy: which role may take which action, as one table the code reads.

An action is named in the domain's words (``claims.approve``, ``households.transition``,
``payouts.import``); the API's guards, the console's pages and the buttons a console page
offers all ask ``can(role, action)``, so the rule is written once. Scope (an operator's own
enterprise, an officer's own town) is not here: services check it on the data
(``app.core.principal.ensure_*_scope``), because it depends on the row, not the route.

No web framework here; a guard built on this table is ``requires_action`` in ``app/core/auth.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.principal import Role

A, F, T, O, U = Role.admin, Role.finance, Role.town_officer, Role.operator, Role.auditor
EVERYONE = frozenset(Role)

# action -> the roles that may take it. Read it as a table: one line per action, the API
# operations it covers in the comment (their operationIds, as in tests/api/test_authorization_matrix.py).
POLICY: Mapping[str, frozenset[Role]] = {
    # accounts and the signed-in caller
    "me.read": EVERYONE,  # getMe
    "accounts.manage": frozenset({A}),  # createAccount, listAccounts, revokeAccount
    # audit trail
    "audit.read": frozenset({A, U}),  # listAuditEntries, verifyAuditChain
    # towns and villages
    "places.read": EVERYONE,  # getTown, listTowns, getVillage, listVillages
    "places.manage": frozenset({A}),  # createTown, createVillage, updateVillage, exitPoorVillage, listPoorVillage
    # the register of poor households
    "households.read": EVERYONE,  # getHousehold, listHouseholds, countHouseholds, exportHouseholds
    "households.register": frozenset({A, T}),  # createHousehold, addMember, memberLeaves
    "households.transition": frozenset({A, T}),  # transitionHousehold
    "households.objections": frozenset({A, T}),  # raiseObjection, resolveObjection
    "households.income.read": frozenset({A, F, T, U}),  # getHouseholdIncome
    # return-to-poverty monitoring
    "monitoring.read": frozenset({A, F, T, U}),  # listMonitoring, listAssessments
    "monitoring.record": frozenset({A, T}),  # assessHousehold, recordHardship, recordRevisit
    # cross-checks against other departments' records
    "crosscheck.read": frozenset({A, F, T, U}),  # listCrossCheckFlags, listCrossCheckRules
    "crosscheck.resolve": frozenset({A, T}),  # confirmCrossCheckFlag, dismissCrossCheckFlag
    "crosscheck.manage": frozenset({A}),  # importDepartmentRecords(Csv), saveCrossCheckRule
    # industries, enterprises and their bases
    "industries.read": EVERYONE,  # listIndustries
    "industries.manage": frozenset({A}),  # createIndustry
    "enterprises.read": EVERYONE,  # getEnterprise, listEnterprises
    "enterprises.manage": frozenset({A}),  # createEnterprise
    "enterprises.summary": frozenset({A, F, O, U}),  # getEnterpriseSummary
    "bases.read": EVERYONE,  # getBase, listBases
    "bases.manage": frozenset({A, O}),  # createBase
    # links between an enterprise's base and a household
    "links.read": EVERYONE,  # getLink, listLinks
    "links.manage": frozenset({A, O}),  # createLink, endLink
    # payouts to households
    "payouts.read": frozenset({A, F, O, U}),  # getPayout, listPayouts, exportPayouts
    "payouts.record": frozenset({A, O}),  # recordPayout, recordPayoutBatch, reversePayout
    "payouts.import": frozenset({A, O}),  # importPayoutsCsv
    "arrears.read": EVERYONE,  # listDividendArrears
    "poverty_lines.read": EVERYONE,  # listPovertyLines
    "poverty_lines.manage": frozenset({A}),  # setPovertyLine
    # subsidy schemes, claims, vouchers, payment batches
    "schemes.read": EVERYONE,  # getSubsidyScheme, listSubsidySchemes
    "schemes.budget.read": frozenset({A, F, U}),  # previewSubsidyScheme; the console's budget page
    "schemes.manage": frozenset({A, F}),  # createSubsidyScheme, publish, close, replaceSchemeRates
    "claims.read": frozenset({A, F, T, U}),  # getSubsidyClaim, listSubsidyClaims, exportSubsidyClaims
    "claims.file": frozenset({A, T}),  # fileSubsidyClaim
    "claims.verify": frozenset({A, T}),  # verifySubsidyClaim
    "claims.approve": frozenset({A, F}),  # approveSubsidyClaim, approveSubsidyClaims
    "claims.reject": frozenset({A, F}),  # rejectSubsidyClaim
    "vouchers.read": frozenset({A, F, T, U}),  # getVoucher, getVoucherBarcode, printVoucher
    "vouchers.cancel": frozenset({F}),  # cancelVoucher
    "payment_batches.read": frozenset({A, F, U}),  # getPaymentBatch, listPaymentBatches, exportPaymentBatch
    "payment_batches.create": frozenset({F}),  # createPaymentBatch
    "payment_batches.reconcile": frozenset({F}),  # reconcilePaymentBatch
    # enterprises helping villages (千企帮千村)
    "pairings.read": EVERYONE,  # listPairings
    "pairings.manage": frozenset({A}),  # createPairing, endPairing
    "pairings.report": frozenset({A, F, T, U}),  # pairingProgrammeReport
    "support.read": EVERYONE,  # listSupportRecords, exportSupportRecords
    "support.record": frozenset({A, O}),  # recordSupport
    # figures
    "stats.read": EVERYONE,  # getOverview
}

ACTIONS = frozenset(POLICY)


class UnknownAction(KeyError):
    """An action the policy does not name: a typo must not silently deny (or allow)."""


def roles_for(action: str) -> frozenset[Role]:
    try:
        return POLICY[action]
    except KeyError:
        raise UnknownAction(action) from None


def can(role: Role, action: str) -> bool:
    """Whether ``role`` may take ``action`` (before any scope check on the data)."""
    return role in roles_for(action)


def actions_of(role: Role) -> frozenset[str]:
    """Everything a role may do: the same table read the other way."""
    return frozenset(action for action, roles in POLICY.items() if role in roles)
