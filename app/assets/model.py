"""The assets domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class AssetClass(str, enum.Enum):
    operating = "operating"  # 经营性资产
    public_welfare = "public_welfare"  # 公益性资产
    household = "household"  # 到户类资产


class AssetKind(str, enum.Enum):
    processing = "processing"  # 加工厂房、烘干线
    storage = "storage"  # 冷库、仓储
    field_works = "field_works"  # 田间工程: 虾稻田的沟渠、田埂
    greenhouse = "greenhouse"  # 大棚
    livestock = "livestock"  # 养殖圈舍、种畜
    equipment = "equipment"  # 农机设备
    energy = "energy"  # 光伏电站
    road = "road"  # 道路
    water = "water"  # 水利、饮水
    other = "other"


class AssetStatus(str, enum.Enum):
    under_construction = "under_construction"  # 在建
    in_use = "in_use"  # 在用
    idle = "idle"  # 闲置
    disposed = "disposed"  # 已处置: set by an approved disposal only, never by an update


class Depreciation(str, enum.Enum):
    straight_line = "straight_line"  # 年限平均法: over ``useful_life_years``
    none = "none"  # 不计提折旧 (land works, public-welfare assets)


class FundingSource(str, enum.Enum):
    central = "central"  # 中央财政衔接资金
    provincial = "provincial"  # 省级
    county = "county"  # 市县级
    other = "other"  # 社会帮扶、整合资金、村集体自筹


class OwnerKind(str, enum.Enum):
    """Whom an asset's ownership is confirmed to (确权)."""

    village_collective = "village_collective"  # 村集体
    households = "households"  # 到户: named households


class OperatingForm(str, enum.Enum):
    lease = "lease"  # 租赁
    contract = "contract"  # 承包
    shares = "shares"  # 入股
    self_run = "self_run"  # 自营


class DistributionMethod(str, enum.Enum):
    """How an agreement's income is shared among its households."""

    equal = "equal"  # 按户平均
    by_members = "by_members"  # 按人口
    weighted = "weighted"  # 按约定权重 (each household's listed weight)


class Standing(str, enum.Enum):
    """Where a listed household stands when an income is distributed (app/assets/rules.py)."""

    registered = "registered"  # on the register, poor now (registered, returned)
    exited_in_continuation = "exited_in_continuation"  # exited, within its policy continuation
    monitored = "monitored"  # a monitored household (防止返贫监测), whatever its register status
    removed = "removed"  # removed from the register (清退)
    continuation_ended = "continuation_ended"  # exited, its policy continuation over, not monitored
    not_on_register = "not_on_register"  # never registered or still in identification, not monitored


# ---- evidence, disposal and supervision (issue 15, points 1 and 3) ---------------------------------


class EvidenceType(str, enum.Enum):
    """What an evidence file is, as its first bytes say (never as its name or declared type alone)."""

    jpeg = "jpeg"  # a photo
    png = "png"  # a photo or a scan
    pdf = "pdf"  # a scanned document, a contract, an approval
    xlsx = "xlsx"  # an account book, a list of households (no macros)
    docx = "docx"  # an agreement, a report (no macros)


class DisposalKind(str, enum.Enum):
    """How an asset leaves the register (资产处置)."""

    sale = "sale"  # 出售 (拍卖、转让收入)
    scrapping = "scrapping"  # 报废
    transfer = "transfer"  # 移交 (无偿划转给其他村集体或单位)


class DisposalStatus(str, enum.Enum):
    pending = "pending"  # 待审批: requested, not yet decided
    approved = "approved"  # 已批准: the asset is disposed of on the day approved
    rejected = "rejected"  # 未批准


class FlagKind(str, enum.Enum):
    """What supervision finds wrong with an asset on a day (app/assets/supervision_queries.py)."""

    idle = "idle"  # 闲置: built, in use or idle, and no agreement in force or no income for months
    arrears = "arrears"  # 收益不足: a year's income below what the agreement promises
    undistributed = "undistributed"  # 收益未分配: income received and not distributed within the days allowed
    disposed_without_approval = "disposed_without_approval"  # 未经批准处置
    household_left = "household_left"  # 分配名单中的农户已不在册也不在监测: keep or remove it


class IdleReason(str, enum.Enum):
    no_agreement = "no_agreement"  # no operating agreement in force
    no_income = "no_income"  # an agreement in force, and no income received for the months allowed


class BeneficiaryDecision(str, enum.Enum):
    """What the county decided about a listed household that left the register and is not monitored."""

    keep = "keep"  # 保留: stays listed (it shares again should it come back on the register or be monitored)
    remove = "remove"  # 移出: taken off the agreement's list
