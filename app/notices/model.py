"""The notices domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class NoticeKind(str, enum.Enum):
    identification = "identification"  # 贫困户识别公示
    monitoring_intake = "monitoring_intake"  # 监测对象纳入公示
    risk_elimination = "risk_elimination"  # 风险消除公示
    subsidy_claims = "subsidy_claims"  # 补贴申领公示 (of one scheme, opened from the scheme)


class Standing(str, enum.Enum):
    """Where a notice is on a given day."""

    upcoming = "upcoming"  # not posted yet
    posted = "posted"  # standing: objections may be raised
    ended = "ended"  # its last day has passed


class Category(str, enum.Enum):
    """The monitored household's category a monitoring notice publishes (as app/monitoring names them)."""

    unstable = "unstable"  # 脱贫不稳定户
    marginal = "marginal"  # 边缘易致贫户
    sudden_hardship = "sudden_hardship"  # 突发严重困难户
