"""The access policy: which role may take which action, as one table the code reads.

An action is named in the domain's words (``claims.approve``, ``households.transition``,
``payouts.import``); the API's guards, the console's pages and the buttons a console page
offers all ask ``can(role, action)``, so the rule is written once. Scope is not here: it depends on the row,
not the route, so services check it on the data. An ``admin``, ``finance`` or ``auditor`` account reaches
the counties under its region (a province, a city or a county; none: everything), a town officer its
town, an operator its enterprise in any county; a single object out of reach is refused (403) with
``app.core.principal.ensure_county_scope`` (and ``ensure_town_scope``, ``ensure_enterprise_scope``), a
list narrowed by ``list_region`` through ``app.core.counties.county_clause``. A county's finance
account thus approves (``claims.approve``) only its county's claims.

No web framework here; the API's one guard built on this table is ``policy_guard`` in ``app/core/auth.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.principal import Role

ADMIN, FINANCE, OFFICER, OPERATOR, AUDITOR = Role.admin, Role.finance, Role.town_officer, Role.operator, Role.auditor
EVERYONE = frozenset(Role)

# action -> the roles that may take it. Read it as a table: one line per action, the API
# operations it covers in the comment (their operationIds, as in tests/api/test_authorization_matrix.py).
POLICY: Mapping[str, frozenset[Role]] = {
    # accounts and the signed-in caller
    "me.read": EVERYONE,  # getMe
    "accounts.manage": frozenset({ADMIN}),  # createAccount, listAccounts, revokeAccount
    # audit trail
    "audit.read": frozenset({ADMIN, AUDITOR}),  # listAuditEntries, verifyAuditChain, listAuditCheckpoints
    # the region directory (national division codes)
    "regions.read": EVERYONE,  # getRegion, listRegions, getCountyPolicy
    "regions.manage": frozenset({ADMIN}),  # createRegion, setCountyPolicy
    # towns and villages
    "places.read": EVERYONE,  # getTown, listTowns, getVillage, listVillages
    "places.manage": frozenset({ADMIN}),  # createTown, createVillage, updateVillage, exitPoorVillage, listPoorVillage
    # the register of poor households
    "households.read": EVERYONE,  # getHousehold, listHouseholds, countHouseholds, exportHouseholds(Xlsx)
    # createHousehold, createOrdinaryHousehold, addMember, memberLeaves
    "households.register": frozenset({ADMIN, OFFICER}),
    "households.transition": frozenset({ADMIN, OFFICER}),  # transitionHousehold
    "households.objections": frozenset({ADMIN, OFFICER}),  # raiseObjection, resolveObjection
    "households.income.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # getHouseholdIncome
    # return-to-poverty monitoring
    "monitoring.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # listMonitoring, listAssessments
    "monitoring.record": frozenset({ADMIN, OFFICER}),  # assessHousehold, recordHardship, recordRevisit
    "monitoring_cases.read": frozenset(
        {ADMIN, FINANCE, OFFICER, AUDITOR}
    ),  # listMonitoringCases, listMonitoringMeasures,
    # getMonitoringOverview, listMonitoringRounds, listMonitoringVisits, listMonitoringProposals
    "monitoring_cases.record": frozenset(
        {ADMIN, OFFICER}
    ),  # openMonitoringCase, recordMonitoringCaseStep, addMonitoringMeasure,
    # beginRiskElimination, recordRiskEliminationStep, recordMonitoringVisit
    "monitoring_rounds.manage": frozenset({ADMIN}),  # openMonitoringRound
    "monitoring_lines.read": EVERYONE,  # listMonitoringLines
    "monitoring_lines.manage": frozenset({ADMIN}),  # setMonitoringLine
    # the console's county monitoring pages: the approval queue, overdue by town, the overview, the lines
    "monitoring.county": frozenset({ADMIN, FINANCE, AUDITOR}),
    # public notices (公示) posted in villages, and the objections raised to them
    "notices.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # getNotice, listNotices, printNotice
    "notices.manage": frozenset({ADMIN, OFFICER}),  # createNotice, raiseNoticeObjection, resolveNoticeObjection
    # cross-checks against other departments' records
    "crosscheck.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # listCrossCheckFlags, listCrossCheckRules
    "crosscheck.resolve": frozenset({ADMIN, OFFICER}),  # confirmCrossCheckFlag, dismissCrossCheckFlag
    "crosscheck.manage": frozenset({ADMIN}),  # importDepartmentRecords, importDepartmentRecordsCsv, saveCrossCheckRule
    # industries, enterprises and their bases
    "industries.read": EVERYONE,  # listIndustries
    "industries.manage": frozenset({ADMIN}),  # createIndustry
    "enterprises.read": EVERYONE,  # getEnterprise, listEnterprises
    "enterprises.manage": frozenset({ADMIN}),  # createEnterprise
    "enterprises.summary": frozenset({ADMIN, FINANCE, OPERATOR, AUDITOR}),  # getEnterpriseSummary
    "bases.read": EVERYONE,  # getBase, listBases
    "bases.manage": frozenset({ADMIN, OPERATOR}),  # createBase
    # links between an enterprise's base and a household
    "links.read": EVERYONE,  # getLink, listLinks
    "links.manage": frozenset({ADMIN, OPERATOR}),  # createLink, endLink
    # payouts to households
    "payouts.read": frozenset({ADMIN, FINANCE, OPERATOR, AUDITOR}),  # getPayout, listPayouts, exportPayouts(Xlsx)
    "payouts.record": frozenset({ADMIN, OPERATOR}),  # recordPayout, recordPayoutBatch, reversePayout
    "payouts.import": frozenset({ADMIN, OPERATOR}),  # importPayoutsCsv
    "arrears.read": EVERYONE,  # listDividendArrears
    "poverty_lines.read": EVERYONE,  # listPovertyLines
    "poverty_lines.manage": frozenset({ADMIN}),  # setPovertyLine
    # subsidy schemes, claims, vouchers, payment batches
    "schemes.read": EVERYONE,  # getSubsidyScheme, listSubsidySchemes
    "schemes.budget.read": frozenset({ADMIN, FINANCE, AUDITOR}),  # previewSubsidyScheme; the console's budget page
    # createSubsidyScheme, publishSubsidyScheme, closeSubsidyScheme, replaceSchemeRates
    "schemes.manage": frozenset({ADMIN, FINANCE}),
    # getSubsidyClaim, listSubsidyClaims, exportSubsidyClaims(Xlsx)
    "claims.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),
    "claims.file": frozenset({ADMIN, OFFICER}),  # fileSubsidyClaim
    "claims.verify": frozenset({ADMIN, OFFICER}),  # verifySubsidyClaim
    "claims.notice": frozenset({ADMIN, OFFICER}),  # openClaimsNotice
    "claims.approve": frozenset({ADMIN, FINANCE}),  # approveSubsidyClaim, approveSubsidyClaims
    "claims.reject": frozenset({ADMIN, FINANCE}),  # rejectSubsidyClaim
    "vouchers.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # getVoucher, getVoucherBarcode, printVoucher
    "vouchers.cancel": frozenset({FINANCE}),  # cancelVoucher
    # getPaymentBatch, listPaymentBatches, exportPaymentBatch(Xlsx)
    "payment_batches.read": frozenset({ADMIN, FINANCE, AUDITOR}),
    "payment_batches.create": frozenset({FINANCE}),  # createPaymentBatch
    "payment_batches.reconcile": frozenset({FINANCE}),  # reconcilePaymentBatch
    # project assets (扶贫项目资产): the register, ownership, operating agreements, income and its distribution;
    # read within scope (an operator the assets it runs, a town officer its town's), written by the county's staff
    "assets.read": EVERYONE,  # getAsset, listAssets, listAssetAgreements, getAssetAgreement, listAssetIncome,
    # getAssetDistribution, listAssetEvidence, getAssetEvidence, downloadAssetEvidence, listAssetDisposals
    # createAsset, updateAsset, confirmAssetOwnership, signAssetAgreement, decideAssetBeneficiary
    "assets.manage": frozenset({ADMIN, FINANCE}),
    "assets.income": frozenset({ADMIN, FINANCE}),  # recordAssetIncome, distributeAssetIncome
    "assets.evidence": frozenset({ADMIN, FINANCE}),  # uploadAssetEvidence, removeAssetEvidence
    # a disposal (处置) is requested by the county's staff and approved by its administration, by another account
    "assets.dispose": frozenset({ADMIN, FINANCE}),  # requestAssetDisposal
    "assets.dispose.approve": frozenset({ADMIN}),  # approveAssetDisposal, rejectAssetDisposal
    # the supervision's flags (idle, arrears, undistributed, disposed without approval, households that left):
    # the county's staff and auditors, a town officer its town's; also on getAsset for these roles
    "assets.flags.read": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # listAssetFlags
    # enterprises helping villages (千企帮千村)
    "pairings.read": EVERYONE,  # listPairings
    "pairings.manage": frozenset({ADMIN}),  # createPairing, endPairing
    "pairings.report": frozenset({ADMIN, FINANCE, OFFICER, AUDITOR}),  # pairingProgrammeReport
    "support.read": EVERYONE,  # listSupportRecords, exportSupportRecords(Xlsx)
    "support.record": frozenset({ADMIN, OPERATOR}),  # recordSupport
    # figures
    "stats.read": EVERYONE,  # getOverview
    # 联农带农: operators' linkage evaluation and ranking (an operator reads its own rows)
    "linkage.read": frozenset(
        {ADMIN, FINANCE, OPERATOR, AUDITOR}
    ),  # listLinkageEvaluation, exportLinkageEvaluationXlsx
    # the console's ranking page of a county's operators (county staff and auditors)
    "linkage.ranking": frozenset({ADMIN, FINANCE, AUDITOR}),
    # the spreadsheets a county's data is taken in with (no data in them: columns, lists, an example)
    "imports.templates": EVERYONE,  # getImportTemplate
    # taking a county's spreadsheets in: which kind a role imports is the import's rule (app/imports/service.py)
    "imports.run": frozenset({ADMIN, OFFICER, OPERATOR}),  # startImport
    "imports.read": EVERYONE,  # getImport(ProblemsXlsx), listImports (a job is read by its account and its region's admins)
}


# The API's operations (their OpenAPI operationIds) -> the action each one takes: what ``policy_guard``
# looks a route up by (an operation missing here is refused), and what the authorization test reads its
# expectations from.
OPERATIONS: Mapping[str, str] = {
    "addMember": "households.register",
    "approveSubsidyClaim": "claims.approve",
    "approveSubsidyClaims": "claims.approve",
    "assessHousehold": "monitoring.record",
    "cancelVoucher": "vouchers.cancel",
    "closeSubsidyScheme": "schemes.manage",
    "confirmCrossCheckFlag": "crosscheck.resolve",
    "countHouseholds": "households.read",
    "createAccount": "accounts.manage",
    "createBase": "bases.manage",
    "createEnterprise": "enterprises.manage",
    "createHousehold": "households.register",
    "createIndustry": "industries.manage",
    "createOrdinaryHousehold": "households.register",
    "createLink": "links.manage",
    "createPairing": "pairings.manage",
    "createRegion": "regions.manage",
    "createPaymentBatch": "payment_batches.create",
    "createSubsidyScheme": "schemes.manage",
    "createTown": "places.manage",
    "createVillage": "places.manage",
    "dismissCrossCheckFlag": "crosscheck.resolve",
    "endLink": "links.manage",
    "endPairing": "pairings.manage",
    "exitPoorVillage": "places.manage",
    "exportHouseholds": "households.read",
    "exportHouseholdsXlsx": "households.read",
    "exportPaymentBatch": "payment_batches.read",
    "exportPaymentBatchXlsx": "payment_batches.read",
    "exportPayouts": "payouts.read",
    "exportPayoutsXlsx": "payouts.read",
    "exportSubsidyClaims": "claims.read",
    "exportSubsidyClaimsXlsx": "claims.read",
    "exportSupportRecords": "support.read",
    "exportSupportRecordsXlsx": "support.read",
    "fileSubsidyClaim": "claims.file",
    "getBase": "bases.read",
    "getCountyPolicy": "regions.read",
    "getEnterprise": "enterprises.read",
    "getEnterpriseSummary": "enterprises.summary",
    "getHousehold": "households.read",
    "getHouseholdIncome": "households.income.read",
    "getImportTemplate": "imports.templates",
    "getImport": "imports.read",
    "getImportProblemsXlsx": "imports.read",
    "getLink": "links.read",
    "getMe": "me.read",
    "getOverview": "stats.read",
    "getPaymentBatch": "payment_batches.read",
    "getRegion": "regions.read",
    "getPayout": "payouts.read",
    "getSubsidyClaim": "claims.read",
    "getSubsidyScheme": "schemes.read",
    "getTown": "places.read",
    "getVillage": "places.read",
    "getVoucher": "vouchers.read",
    "getVoucherBarcode": "vouchers.read",
    "importDepartmentRecords": "crosscheck.manage",
    "importDepartmentRecordsCsv": "crosscheck.manage",
    "importPayoutsCsv": "payouts.import",
    "listAccounts": "accounts.manage",
    "listAssessments": "monitoring.read",
    "listImports": "imports.read",
    "listMonitoringCases": "monitoring_cases.read",
    "getMonitoringOverview": "monitoring_cases.read",
    "listMonitoringRounds": "monitoring_cases.read",
    "listMonitoringProposals": "monitoring_cases.read",
    "listMonitoringVisits": "monitoring_cases.read",
    "recordMonitoringVisit": "monitoring_cases.record",
    "openMonitoringRound": "monitoring_rounds.manage",
    "listMonitoringLines": "monitoring_lines.read",
    "listAuditCheckpoints": "audit.read",
    "listAuditEntries": "audit.read",
    "listBases": "bases.read",
    "listCrossCheckFlags": "crosscheck.read",
    "listCrossCheckRules": "crosscheck.read",
    "listDividendArrears": "arrears.read",
    "listEnterprises": "enterprises.read",
    "listHouseholds": "households.read",
    "listIndustries": "industries.read",
    "listLinkageEvaluation": "linkage.read",
    "exportLinkageEvaluationXlsx": "linkage.read",
    "listLinks": "links.read",
    "listMonitoring": "monitoring.read",
    "listPairings": "pairings.read",
    "listPaymentBatches": "payment_batches.read",
    "listPayouts": "payouts.read",
    "listPoorVillage": "places.manage",
    "listPovertyLines": "poverty_lines.read",
    "listRegions": "regions.read",
    "listSubsidyClaims": "claims.read",
    "listSubsidySchemes": "schemes.read",
    "listSupportRecords": "support.read",
    "listTowns": "places.read",
    "listVillages": "places.read",
    "memberLeaves": "households.register",
    "pairingProgrammeReport": "pairings.report",
    "previewSubsidyScheme": "schemes.budget.read",
    "printVoucher": "vouchers.read",
    "publishSubsidyScheme": "schemes.manage",
    "raiseObjection": "households.objections",
    "reconcilePaymentBatch": "payment_batches.reconcile",
    "recordHardship": "monitoring.record",
    "recordPayout": "payouts.record",
    "recordPayoutBatch": "payouts.record",
    "recordRevisit": "monitoring.record",
    "recordSupport": "support.record",
    "rejectSubsidyClaim": "claims.reject",
    "replaceSchemeRates": "schemes.manage",
    "resolveObjection": "households.objections",
    "reversePayout": "payouts.record",
    "revokeAccount": "accounts.manage",
    "saveCrossCheckRule": "crosscheck.manage",
    "setCountyPolicy": "regions.manage",
    "setMonitoringLine": "monitoring_lines.manage",
    "openMonitoringCase": "monitoring_cases.record",
    "recordMonitoringCaseStep": "monitoring_cases.record",
    "addMonitoringMeasure": "monitoring_cases.record",
    "beginRiskElimination": "monitoring_cases.record",
    "recordRiskEliminationStep": "monitoring_cases.record",
    "listMonitoringMeasures": "monitoring_cases.read",
    "startImport": "imports.run",
    "setPovertyLine": "poverty_lines.manage",
    "transitionHousehold": "households.transition",
    "updateVillage": "places.manage",
    "verifyAuditChain": "audit.read",
    "verifySubsidyClaim": "claims.verify",
    "createNotice": "notices.manage",
    "getNotice": "notices.read",
    "listNotices": "notices.read",
    "printNotice": "notices.read",
    "raiseNoticeObjection": "notices.manage",
    "resolveNoticeObjection": "notices.manage",
    "openClaimsNotice": "claims.notice",
    "createAsset": "assets.manage",
    "listAssets": "assets.read",
    "getAsset": "assets.read",
    "updateAsset": "assets.manage",
    "confirmAssetOwnership": "assets.manage",
    "signAssetAgreement": "assets.manage",
    "listAssetAgreements": "assets.read",
    "getAssetAgreement": "assets.read",
    "recordAssetIncome": "assets.income",
    "listAssetIncome": "assets.read",
    "distributeAssetIncome": "assets.income",
    "getAssetDistribution": "assets.read",
    "uploadAssetEvidence": "assets.evidence",
    "listAssetEvidence": "assets.read",
    "getAssetEvidence": "assets.read",
    "downloadAssetEvidence": "assets.read",
    "removeAssetEvidence": "assets.evidence",
    "requestAssetDisposal": "assets.dispose",
    "listAssetDisposals": "assets.read",
    "approveAssetDisposal": "assets.dispose.approve",
    "rejectAssetDisposal": "assets.dispose.approve",
    "listAssetFlags": "assets.flags.read",
    "decideAssetBeneficiary": "assets.manage",
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
