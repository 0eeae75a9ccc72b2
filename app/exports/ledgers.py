"""The standard ledgers as workbooks (issue 13, Build 5): the columns of each CSV export, in the same order,
with Chinese headers and typed cells (amounts as numbers, days as dates, codes as their Chinese terms).

Each function maps a domain's export row (what the CSV export writes) to a workbook row; the rows come from
the same streamed export, so the workbook and the CSV list the same rows, with the same filters and scope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from app.pairing.schemas import SupportOut
from app.payouts.schemas import PayoutOut, PayoutTotal
from app.registry.schemas import HouseholdOut
from app.sheets.columns import CellType
from app.sheets.workbook import Out
from app.subsidies.schemas import ClaimOut

T = TypeVar("T")
C = CellType

HOUSEHOLD_COLUMNS = (
    Out("编号", C.integer),
    Out("户编号", C.code),
    Out("乡镇", width=12),
    Out("村", width=12),
    Out("贫困户属性", term="household attribute", width=14),
    Out("致贫原因", term="cause", width=20),
    Out("状态", term="household status", width=12),
    Out("户主", width=10),
    Out("人口", C.integer),
    Out("补录", C.boolean),
    Out("建档立卡日期", C.date),
    Out("脱贫年度", C.integer),
    Out("清退原因", term="removal reason", width=14),
    Out("待核比对", C.integer),
)


def household_row(h: HouseholdOut) -> Sequence[Any]:
    return [
        h.id,
        h.registry_no,
        h.town_name,
        h.village_name,
        h.attribute.value,
        [c.value for c in h.causes],
        h.status.value,
        h.head_name,
        h.people,
        h.late_addition,
        h.registered_on,
        h.exited_year,
        h.removed_reason and h.removed_reason.value,
        h.open_flags,
    ]


PAYOUT_COLUMNS = (
    Out("编号", C.integer),
    Out("主体编号", C.integer),
    Out("带贫关系编号", C.integer),
    Out("贫困户编号", C.integer),
    Out("收益类型", term="income type", width=10),
    Out("金额", C.money),
    Out("收益期起", C.date),
    Out("收益期止", C.date),
    Out("发放日期", C.date),
    Out("发放方式", term="pay method", width=10),
    Out("凭证号", width=18),
    Out("冲正的发放", C.integer),
    Out("冲正原因", width=20),
)


def payout_row(p: PayoutOut) -> Sequence[Any]:
    return [
        p.id,
        p.enterprise_id,
        p.link_id,
        p.household_id,
        p.income_type.value,
        p.amount,
        p.period_from,
        p.period_to,
        p.paid_on,
        p.method.value,
        p.reference,
        p.reverses,
        p.reason,
    ]


CLAIM_COLUMNS = (
    Out("编号", C.integer),
    Out("补贴方案", C.integer),
    Out("贫困户编号", C.integer),
    Out("户编号", C.code),
    Out("产业", width=14),
    Out("申报数量", C.decimal),
    Out("核实数量", C.decimal),
    Out("核查人", width=10),
    Out("核查日期", C.date),
    Out("状态", term="claim status", width=10),
    Out("驳回原因", width=20),
)


def claim_row(c: ClaimOut) -> Sequence[Any]:
    return [
        c.id,
        c.scheme_id,
        c.household_id,
        c.registry_no,
        c.industry,
        c.declared_quantity,
        c.verified_quantity,
        c.inspector,
        c.verified_on,
        c.status.value,
        c.reject_reason,
    ]


SUPPORT_COLUMNS = (
    Out("编号", C.integer),
    Out("主体编号", C.integer),
    Out("村编号", C.integer),
    Out("帮扶方式", term="support kind", width=10),
    Out("金额", C.money),
    Out("实物", width=16),
    Out("受益户数", C.integer),
    Out("受益人数", C.integer),
    Out("帮扶日期", C.date),
    Out("凭证号", width=16),
    Out("备注", width=24),
)


def support_row(s: SupportOut) -> Sequence[Any]:
    return [
        s.id,
        s.enterprise_id,
        s.village_id,
        s.kind.value,
        s.amount,
        s.in_kind,
        s.households_benefited,
        s.people_benefited,
        s.given_on,
        s.reference,
        s.note,
    ]


# the bank's payment list of a batch (app/subsidies/payments.py export_rows): voucher, registry number,
# payee, card, amount; the count and total are the CSV's last line and this sheet's last row
PAYMENT_COLUMNS = (
    Out("补贴凭证号", C.code, width=18),
    Out("户编号", C.code),
    Out("收款人", width=10),
    Out("银行卡号", C.code, width=22),
    Out("金额", C.money),
)


async def payment_rows(rows: list[list[str]], count: int, total: Decimal) -> AsyncIterator[Sequence[Any]]:
    """The batch's lines (already read: a batch is one scheme's issued vouchers), then 合计 with the count
    and the total, as the CSV's last line has them."""
    for number, registry_no, payee, card, amount in rows:
        yield [number, registry_no, payee, card, Decimal(amount)]
    yield ["合计", None, None, str(count), total]


async def rows_of(items: AsyncIterator[T], to_row: Callable[[T], Sequence[Any]]) -> AsyncIterator[Sequence[Any]]:
    """A domain's streamed export as workbook rows, one at a time."""
    async for item in items:
        yield to_row(item)


PAYOUT_TOTAL_COLUMNS = (
    Out("贫困户编号", C.integer),
    Out("户编号", C.code),
    Out("主体编号", C.integer),
    Out("带贫关系编号", C.integer),
    Out("带动方式", term="link kind", width=10),
    Out("年度", C.integer),
    Out("发放笔数", C.integer),
    Out("金额合计", C.money),
)


def payout_total_row(t: PayoutTotal) -> Sequence[Any]:
    return [t.household_id, t.registry_no, t.enterprise_id, t.link_id, t.link_kind, t.year, t.payouts, t.amount]
