"""The regions domain's vocabulary: the levels of the national administrative division codes."""

from __future__ import annotations

import enum


class Level(str, enum.Enum):
    """A level of the 统计用区划代码 tree, from the top; each has a code of its own length."""

    province = "province"  # 省: 2 digits (42 湖北省)
    city = "city"  # 地级市: 4 digits (4201 武汉市; 4290 省直辖县级行政区划)
    county = "county"  # 县级: 6 digits (429005 潜江市)
    town = "town"  # 乡级 (区镇处): 9 digits (429005001)
    village = "village"  # 村级: 12 digits (429005001001)
