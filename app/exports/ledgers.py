"""The standard ledgers as workbooks (issue 13, Build 5): the columns of each CSV export, in the same order,
with Chinese headers and typed cells (amounts as numbers, days as dates, codes as their Chinese terms).

Each function maps a domain's export row (what the CSV export writes) to a workbook row; the rows come from
the same streamed export, so the workbook and the CSV list the same rows, with the same filters and scope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from app.core.messages import message
from app.evaluation.rules import FORMULA
from app.evaluation.schemas import LinkageRow
from app.links.model import LinkKind
from app.pairing.schemas import SupportOut
from app.payouts.schemas import PayoutOut, PayoutTotal
from app.registry.schemas import HouseholdOut
from app.sheets.columns import CellType, chinese_term, chinese_text
from app.sheets.workbook import LedgerSheet, Out
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


# 联农带农: the linkage evaluation (app/evaluation), a row per operator, county, industry and year; the households
# linked by each kind of link follow the link kinds there are
LINKAGE_COLUMNS = (
    Out("县(市、区)代码", C.code, width=10),
    Out("县(市、区)", width=10),
    Out("产业", width=10),
    Out("年度", C.integer),
    Out("排名", C.integer),
    Out("参评主体数", C.integer),
    Out("得分", C.decimal),
    Out("经营主体编号", C.integer),
    Out("经营主体", width=30),
    Out("主体类型", term="enterprise kind", width=10),
    Out("带动户数", C.integer),
    *(Out(f"{chinese_term('link kind', k.value)}户数", C.integer) for k in LinkKind),
    Out("其中建档立卡户", C.integer),
    Out("其中监测户", C.integer),
    Out("获得收益户数", C.integer),
    Out("收益总额", C.money),
    Out("户均收益", C.money),
    Out("收益中位数", C.money),
    Out("资产收益", C.money),
    Out("运营资产数", C.integer),
    Out("连续带动户数", C.integer),
    Out("连续带动占比", C.decimal),
    Out("带动规模得分", C.decimal),
    Out("收益得分", C.decimal),
    Out("连续带动得分", C.decimal),
    Out("监测户得分", C.decimal),
    Out("最低带动户数", C.integer),
    Out("未达最低带动户数", term="yes no", width=12),
)


def linkage_row(r: LinkageRow) -> Sequence[Any]:
    return [
        r.county_code,
        r.county_name,
        r.industry_name_zh,
        r.year,
        r.rank,
        r.ranked,
        r.score,
        r.enterprise_id,
        r.enterprise_name,
        r.enterprise_kind.value,
        r.households_linked,
        *(r.households_by_kind.get(k.value, 0) for k in LinkKind),
        r.households_registered,
        r.households_monitored,
        r.households_paid,
        r.income_total,
        r.income_mean,
        r.income_median,
        r.asset_income,
        r.assets_operated,
        r.households_continuing,
        r.continuing_share,
        r.points.reach,
        r.points.income,
        r.points.continuity,
        r.points.monitored,
        r.min_households,
        "true" if r.below_minimum else "false",
    ]


LINKAGE_NOTE_COLUMNS = (Out("评分说明", width=120),)


async def _linkage_notes(year: int, region: str | None, industry: str | None) -> AsyncIterator[Sequence[Any]]:
    """The sheet that says what the evaluation covers and how it scores, in Chinese."""
    yield [f"年度:{year}"]
    yield [f"区域:{region or '全部'}"]
    yield [f"产业:{industry or '全部'}"]
    yield [chinese_text(message(FORMULA))]


async def _each(rows: Sequence[LinkageRow]) -> AsyncIterator[LinkageRow]:
    for row in rows:
        yield row


def linkage_sheets(
    year: int, region: str | None, industry: str | None, rows: Sequence[LinkageRow]
) -> list[LedgerSheet]:
    """The evaluation's workbook: its rows (as the list has them, read already: one per operator, county and
    industry), then what it covers and its formula."""
    return [
        LedgerSheet("联农带农评价", LINKAGE_COLUMNS, rows_of(_each(rows), linkage_row)),
        LedgerSheet("评分说明", LINKAGE_NOTE_COLUMNS, _linkage_notes(year, region, industry)),
    ]
