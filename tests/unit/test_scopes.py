"""The scope rules at every level (app/core/principal.py, app/core/counties.py), without a database."""

from __future__ import annotations

import pytest

from app.core.counties import county_clause, county_range
from app.core.errors import Forbidden
from app.core.principal import (
    Principal,
    Role,
    covers,
    covers_region,
    ensure_county_scope,
    ensure_region_scope,
    list_region,
    system_principal,
)

QIANJIANG, XIANTAO = "429005", "429004"  # two county-level cities directly under Hubei (42)
SHASHI, JINGZHOU_DISTRICT, GONG_AN = "421002", "421003", "421022"  # counties of the city of Jingzhou (4210)
WUCHANG = "420106"  # a district of Wuhan (4201)


def who(role: Role, region: str | None = None, **kw: int) -> Principal:
    return Principal(account_id=1, name="t", role=role, region_code=region, **kw)


@pytest.mark.parametrize("role", [Role.admin, Role.finance, Role.auditor])
def test_a_region_reaches_every_county_under_it_and_no_other(role):
    province, city, county = who(role, "42"), who(role, "4210"), who(role, SHASHI)
    for code in (QIANJIANG, XIANTAO, SHASHI, JINGZHOU_DISTRICT, GONG_AN, WUCHANG):
        assert covers(province, code)
    assert covers(city, SHASHI) and covers(city, JINGZHOU_DISTRICT) and covers(city, GONG_AN)
    assert not covers(city, QIANJIANG) and not covers(city, WUCHANG)
    assert covers(county, SHASHI)
    assert not covers(county, JINGZHOU_DISTRICT)  # the neighbouring county of the same city
    assert not covers(who(role, "43"), QIANJIANG)  # another province


def test_a_prefix_is_a_whole_region_not_a_string_that_happens_to_start_alike():
    # 4210 is Jingzhou; 42100x are its districts; 421 is no region: nothing matches by accident of digits
    assert covers(who(Role.finance, "4210"), "421002")
    assert not covers(who(Role.finance, "4211"), "421002")
    assert not covers(who(Role.finance, "421002"), "421022")


def test_an_unscoped_principal_reaches_everything_even_rows_in_no_county():
    for p in (system_principal(), who(Role.admin), who(Role.auditor), who(Role.finance)):
        assert covers(p, QIANJIANG) and covers(p, None)
        ensure_county_scope(p, WUCHANG)
        assert list_region(p) is None


def test_a_row_in_no_county_yet_is_reached_only_by_the_unscoped():
    assert not covers(who(Role.auditor, "42"), None)
    with pytest.raises(Forbidden):
        ensure_county_scope(who(Role.auditor, "42"), None)


def test_a_town_officer_is_within_its_county_and_bound_to_its_town_elsewhere():
    officer = who(Role.town_officer, QIANJIANG, town_id=3)
    assert covers(officer, QIANJIANG)
    assert not covers(officer, XIANTAO)
    assert list_region(officer) == QIANJIANG
    with pytest.raises(Forbidden, match="another county"):
        ensure_county_scope(officer, XIANTAO)


def test_an_operator_is_reached_through_its_enterprise_in_any_county_and_never_by_a_county():
    operator = who(Role.operator, enterprise_id=7)
    assert covers(operator, WUCHANG, enterprise_id=7)  # its base in a far county
    assert covers(operator, None, enterprise_id=7)
    assert not covers(operator, QIANJIANG)  # a county alone never lets an operator in
    assert not covers(operator, QIANJIANG, enterprise_id=8)
    with pytest.raises(Forbidden, match="another enterprise"):
        ensure_county_scope(operator, QIANJIANG, enterprise_id=8)
    ensure_county_scope(operator, XIANTAO, enterprise_id=7)
    assert list_region(operator) is None  # its lists are narrowed by its enterprise, not a county


def test_reaching_into_a_neighbouring_county_is_refused_with_a_reason():
    with pytest.raises(Forbidden, match="another county"):
        ensure_county_scope(who(Role.finance, QIANJIANG), XIANTAO)
    ensure_county_scope(who(Role.finance, QIANJIANG), QIANJIANG)
    ensure_county_scope(who(Role.auditor, "42"), XIANTAO)


def test_a_region_of_any_level_lies_within_a_principal_or_not():
    county_admin, city_admin = who(Role.admin, SHASHI), who(Role.admin, "4210")
    assert covers_region(county_admin, SHASHI)  # its own county
    assert covers_region(county_admin, SHASHI + "001")  # a town of it
    assert not covers_region(county_admin, "4210")  # its city is wider than it
    assert not covers_region(county_admin, "42")
    assert covers_region(city_admin, GONG_AN) and not covers_region(city_admin, QIANJIANG)
    assert covers_region(who(Role.admin), "43")
    with pytest.raises(Forbidden, match="outside yours"):
        ensure_region_scope(city_admin, "42")
    ensure_region_scope(city_admin, "4210")


def test_the_list_condition_is_added_only_for_a_region_and_takes_the_next_parameters():
    args: list[object] = [1, None]
    assert county_clause("h.county_code", None, args) == ""
    assert args == [1, None]
    assert county_clause("h.county_code", "4210", args) == (
        ' AND h.county_code >= $3 COLLATE "C" AND h.county_code < $4 COLLATE "C"'
    )
    assert args == [1, None, "4210", "4211"]
    assert county_clause("t.county_code", QIANJIANG, [], keyword="WHERE") == (
        ' WHERE t.county_code >= $1 COLLATE "C" AND t.county_code < $2 COLLATE "C"'
    )
    for bad in ("42'; --", "４２", ""):
        with pytest.raises(ValueError):
            county_clause("h.county_code", bad, [])


@pytest.mark.parametrize("region", ["42", "4210", "4290", "4299", "429005", "421009", "49"])
def test_the_range_holds_exactly_the_codes_the_prefix_does(region):
    low, high = county_range(region)
    codes = [f"{n:06d}" for n in range(410000, 500000, 7)] + [region.ljust(6, "0"), region.ljust(6, "9")]
    assert {c for c in codes if low <= c < high} == {c for c in codes if c.startswith(region)}
