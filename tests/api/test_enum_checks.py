"""Every list of allowed values the database CHECKs is exactly its enum in the code.

A value added to an enum but not to the CHECK would be refused by the database as a 422
after passing validation; one added to the CHECK but not the enum could be stored by hand
and then fail to decode. Each CHECK of the form ``column IN (...)`` is read back from
PostgreSQL and compared with the enum the code uses for that column; a new CHECK with no
enum listed here fails the test too.
"""

from __future__ import annotations

import enum
import re

import pytest

from app.assets.model import (
    AssetClass,
    AssetKind,
    AssetStatus,
    BeneficiaryDecision,
    Depreciation,
    DisposalKind,
    DisposalStatus,
    DistributionMethod,
    EvidenceType,
    FundingSource,
    OperatingForm,
    OwnerKind,
    Standing,
)
from app.core.principal import Role
from app.core.uow import reading
from app.crosscheck.model import FlagStatus
from app.enterprises.model import EnterpriseKind
from app.links.model import LinkKind
from app.monitoring.case_rules import Category
from app.monitoring.model import CaseState, Channel, HardshipKind, MeasureKind, Outcome, Trigger, Verification
from app.notices.model import NoticeKind
from app.pairing.model import SupportKind
from app.payouts.model import IncomeType, PayMethod
from app.regions.model import Level
from app.registry.model import Attribute, HouseholdStatus
from app.subsidies.model import ClaimStatus, PaymentBatchStatus, PaymentResult, SchemeStatus, VoucherStatus

ENUM_OF_COLUMN: dict[tuple[str, str], type[enum.Enum]] = {
    ("account", "role"): Role,
    ("enterprise", "kind"): EnterpriseKind,
    ("link", "kind"): LinkKind,
    ("exit_assessment", "verification"): Verification,
    ("hardship_event", "kind"): HardshipKind,
    ("revisit", "trigger"): Trigger,
    ("revisit", "outcome"): Outcome,
    ("monitoring_case", "channel"): Channel,
    ("monitoring_case", "category"): Category,
    ("monitoring_case", "state"): CaseState,
    ("monitoring_measure", "kind"): MeasureKind,
    ("support_record", "kind"): SupportKind,
    ("notice", "kind"): NoticeKind,
    ("payout", "income_type"): IncomeType,
    ("payout", "method"): PayMethod,
    ("household", "status"): HouseholdStatus,
    ("region", "level"): Level,
    ("household", "attribute"): Attribute,
    ("subsidy_scheme", "status"): SchemeStatus,
    ("subsidy_claim", "status"): ClaimStatus,
    ("voucher", "status"): VoucherStatus,
    ("cross_check_flag", "status"): FlagStatus,
    ("payment_batch", "status"): PaymentBatchStatus,
    ("payment_line", "result"): PaymentResult,
    ("asset", "asset_class"): AssetClass,
    ("asset", "kind"): AssetKind,
    ("asset", "status"): AssetStatus,
    ("asset", "depreciation"): Depreciation,
    ("asset_funding", "source"): FundingSource,
    ("asset_ownership", "owner_kind"): OwnerKind,
    ("asset_agreement", "form"): OperatingForm,
    ("asset_agreement", "method"): DistributionMethod,
    ("asset_distribution", "method"): DistributionMethod,
    ("asset_distribution", "pay_method"): PayMethod,
    ("asset_distribution", "standings"): Standing,
    ("asset_evidence", "file_type"): EvidenceType,
    ("asset_disposal", "kind"): DisposalKind,
    ("asset_disposal", "status"): DisposalStatus,
    ("asset_beneficiary_decision", "decision"): BeneficiaryDecision,
    ("asset_beneficiary_decision", "standing"): Standing,
}

# "(kind)::text = ANY ((ARRAY['share'::character varying, ...])::text[])" or "kind IN ('a', 'b')"; and an array
# column's elements held to a list: "(standings <@ ARRAY['registered'::character varying, ...])"
_IN_LIST = re.compile(r"^CHECK \(+\(?(?P<column>\w+)\)?(?:::text)? (?:= ANY|<@) \(*\(?ARRAY\[(?P<values>[^\]]*)\]")


async def _value_lists() -> dict[tuple[str, str], set[str]]:
    async with reading() as db:
        rows = await db.fetch(
            "SELECT c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'c' AND n.nspname = 'public'"
        )
    lists: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        match = _IN_LIST.match(row["def"])
        if match:
            lists[(row["tbl"], match.group("column"))] = set(re.findall(r"'([^']*)'", match.group("values")))
    return lists


async def test_every_value_list_in_the_database_has_an_enum(app) -> None:
    lists = await _value_lists()
    assert set(lists) - set(ENUM_OF_COLUMN) == set(), "a CHECK lists values no enum names here"
    assert set(ENUM_OF_COLUMN) - set(lists) == set(), "an enum column lost its CHECK"


@pytest.mark.parametrize(
    ("column", "enum_type"),
    sorted(ENUM_OF_COLUMN.items(), key=lambda kv: kv[0]),
    ids=lambda v: ".".join(v) if isinstance(v, tuple) else v.__name__,
)
async def test_check_matches_enum(app, column: tuple[str, str], enum_type: type[enum.Enum]) -> None:
    lists = await _value_lists()
    assert lists.get(column) == {e.value for e in enum_type}
