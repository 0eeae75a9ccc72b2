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
