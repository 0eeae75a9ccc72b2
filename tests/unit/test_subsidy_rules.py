"""Tests for app.subsidies.rules (the special planting and breeding subsidy calculator).

The hand-computed cases use the scheme example: crayfish-rice, threshold 1 mu, cap
3000.00, 300.00 per mu up to 10 mu and 150.00 per mu above. The property tests
compare the calculator with an independent formulation in whole integers (quantities
in thousandths of a unit, rates in fen) and check the invariants every amount keeps.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.links.rules import link_refusal
from app.registry.model import HouseholdStatus
from app.subsidies.rules import (
    ELIGIBLE_STATUSES,
    PRE_REGISTRATION_STATUSES,
    Calculation,
    Rate,
    Tier,
    calculate,
    cap_for_household,
    is_eligible,
    validate_rate,
)

D = Decimal
SCHEME_CAP = D("3000.00")
SCHEME_TIERS = (Tier(D("10"), D("300.00")), Tier(None, D("150.00")))
ONE = D("1")


def crayfish_rice(cap: Decimal | None = SCHEME_CAP) -> Rate:
    return Rate(
        industry="crayfish_rice",
        unit="mu",
        min_quantity=D("1"),
        cap=cap,
        tiers=SCHEME_TIERS,
    )


def flat(rate: str, *, cap: str | None = None, min_quantity: str = "0") -> Rate:
    """A single unlimited tier."""
    return Rate(
        industry="soybean",
        unit="mu",
        min_quantity=D(min_quantity),
        cap=None if cap is None else D(cap),
        tiers=(Tier(None, D(rate)),),
    )


def two_places(d: Decimal) -> bool:
    return d.as_tuple().exponent == -2


# --------------------------------------------------------------------------------------
# calculate: hand-computed cases
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("0", "0.00"),  # below threshold
        ("0.5", "0.00"),  # below threshold
        ("0.999", "0.00"),  # just below threshold
        ("1", "300.00"),  # at the threshold: paid
        ("9.99", "2997.00"),  # 9.99 × 300
        ("10", "3000.00"),  # the whole first tier
        ("10.001", "3000.00"),  # 3000 + 0.15 = 3000.15, capped at 3000
        ("12", "3000.00"),  # 3000 + 2 × 150 = 3300, capped at 3000
        ("12.5", "3000.00"),  # 3000 + 375 = 3375, capped at 3000
    ],
)
def test_scheme_example(quantity: str, expected: str) -> None:
    calc = calculate(crayfish_rice(), D(quantity), verified=True)
    assert calc.amount == D(expected)
    assert str(calc.amount) == expected  # exactly 2 places


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("10", "3000.00"),
        ("10.001", "3000.15"),  # 3000 + 0.001 × 150
        ("12", "3300.00"),  # 3000 + 2 × 150
        ("12.5", "3375.00"),  # 3000 + 2.5 × 150
        ("100", "16500.00"),  # 3000 + 90 × 150
    ],
)
def test_scheme_example_without_cap(quantity: str, expected: str) -> None:
    calc = calculate(crayfish_rice(cap=None), D(quantity), verified=False)
    assert str(calc.amount) == expected


def test_exact_product_with_three_places() -> None:
    # 3.333 × 300.00 = 999.900 exactly: nothing to round.
    calc = calculate(flat("300.00"), D("3.333"), verified=True)
    assert str(calc.amount) == "999.90"


@pytest.mark.parametrize(
    ("rate", "quantity", "expected"),
    [
        ("0.15", "0.1", "0.02"),  # 0.015: rounding down would give 0.01
        ("0.01", "2.5", "0.03"),  # 0.025: banker's rounding would give 0.02
        ("0.01", "0.5", "0.01"),  # 0.005: banker's rounding would give 0.00
        ("0.01", "0.4", "0.00"),  # 0.004
        ("0.01", "1.449", "0.01"),  # 0.01449: half-up on the exact value, not 0.0145
        ("1.00", "0.005", "0.01"),  # 0.005
        ("0.35", "0.1", "0.04"),  # 0.035 (a float would be 0.034999…)
    ],
)
def test_rounding_half_up(rate: str, quantity: str, expected: str) -> None:
    calc = calculate(flat(rate), D(quantity), verified=True)
    assert str(calc.amount) == expected


@pytest.mark.parametrize(
    ("tier_rate", "expected"),
    [
        # Two tiers each earning 0.005: per-tier rounding would give 0.01 + 0.01.
        ("0.05", "0.01"),
        # Two tiers each earning 0.004: per-tier rounding would give 0.00 + 0.00.
        ("0.04", "0.01"),
    ],
)
def test_rounding_happens_once_on_the_sum(tier_rate: str, expected: str) -> None:
    rate = Rate(
        industry="pinellia",
        unit="mu",
        min_quantity=D("0"),
        cap=None,
        tiers=(Tier(D("0.1"), D(tier_rate)), Tier(None, D(tier_rate))),
    )
    calc = calculate(rate, D("0.2"), verified=True)
    assert str(calc.amount) == expected


def bounded() -> Rate:
    return Rate(
        industry="vegetables",
        unit="mu",
        min_quantity=D("0"),
        cap=None,
        tiers=(Tier(D("10"), D("300.00")), Tier(D("20"), D("150.00"))),
    )


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("5", "1500.00"),
        ("15", "3750.00"),  # 3000 + 5 × 150
        ("20", "4500.00"),  # 3000 + 10 × 150
        ("25", "4500.00"),  # the 5 mu above 20 earn nothing
        ("1000", "4500.00"),
    ],
)
def test_bounded_last_tier(quantity: str, expected: str) -> None:
    assert str(calculate(bounded(), D(quantity), verified=True).amount) == expected


def test_bounded_last_tier_explains_the_excess() -> None:
    over = calculate(bounded(), D("25"), verified=True)
    assert any("5 mu above the last tier's limit 20 mu earns nothing" in x for x in over.lines)
    at = calculate(bounded(), D("20"), verified=True)
    assert not any("earns nothing" in x for x in at.lines)


def test_three_tiers() -> None:
    rate = Rate(
        industry="crayfish_rice",
        unit="mu",
        min_quantity=D("0"),
        cap=None,
        tiers=(
            Tier(D("5"), D("200.00")),
            Tier(D("15"), D("100.00")),
            Tier(None, D("50.00")),
        ),
    )
    # 5 × 200 + 10 × 100 + 2.5 × 50 = 1000 + 1000 + 125
    assert str(calculate(rate, D("17.5"), verified=True).amount) == "2125.00"
    # 5 × 200 + 2 × 100
    assert str(calculate(rate, D("7"), verified=True).amount) == "1200.00"


def test_zero_cap_and_zero_rate() -> None:
    assert str(calculate(flat("300.00", cap="0"), D("5"), verified=True).amount) == "0.00"
    assert str(calculate(flat("0"), D("5"), verified=True).amount) == "0.00"


def test_integer_inputs_are_accepted() -> None:
    rate = Rate("crayfish_rice", "mu", 1, 3000, (Tier(10, 300), Tier(None, 150)))
    assert str(calculate(rate, 12, verified=True).amount) == "3000.00"


# --------------------------------------------------------------------------------------
# calculate: the explanation
# --------------------------------------------------------------------------------------


def test_explanation_of_a_capped_claim() -> None:
    calc = calculate(crayfish_rice(), D("12.5"), verified=True)
    assert calc.lines == (
        "q = 12.5 mu (verified)",
        "threshold 1 mu: met",
        "tier 1: 10 mu × 300.00 = 3000.00 (0–10 mu)",
        "tier 2: 2.5 mu × 150.00 = 375.00 (above 10 mu)",
        "sum 3375.00, rounded half-up to the fen: 3375.00",
        "capped at the rate's cap 3000.00 → 3000.00",
    )


def test_explanation_within_cap_and_tier_not_reached() -> None:
    calc = calculate(crayfish_rice(), D("9.99"), verified=False)
    assert calc.lines == (
        "q = 9.99 mu (declared)",
        "threshold 1 mu: met",
        "tier 1: 9.99 mu × 300.00 = 2997.00 (0–10 mu)",
        "tier 2 (above 10 mu): not reached",
        "sum 2997.00, rounded half-up to the fen: 2997.00",
        "within the rate's cap 3000.00 → 2997.00",
    )


def test_explanation_at_a_tier_boundary() -> None:
    # q exactly at tier 1's limit: tier 2 gets nothing, and says so.
    calc = calculate(crayfish_rice(), D("10"), verified=True)
    assert calc.lines[2:4] == (
        "tier 1: 10 mu × 300.00 = 3000.00 (0–10 mu)",
        "tier 2 (above 10 mu): not reached",
    )
    assert calc.lines[-1] == "within the rate's cap 3000.00 → 3000.00"


def test_explanation_without_cap_shows_unrounded_sum() -> None:
    calc = calculate(flat("0.01"), D("2.5"), verified=True)
    assert "tier 1: 2.5 mu × 0.01 = 0.025 (above 0 mu)" in calc.lines
    assert "sum 0.025, rounded half-up to the fen: 0.03" in calc.lines
    assert calc.lines[-1] == "no cap on the rate → 0.03"


def test_explanation_below_threshold() -> None:
    calc = calculate(crayfish_rice(), D("0.5"), verified=False)
    assert calc.lines[0] == "q = 0.5 mu (declared)"
    assert "below threshold" in calc.lines[-1]
    assert "1 mu" in calc.lines[-1]
    assert calc.lines[-1].endswith("0.00")


def test_verified_only_changes_the_first_line() -> None:
    v = calculate(crayfish_rice(), D("12"), verified=True)
    d = calculate(crayfish_rice(), D("12"), verified=False)
    assert v.lines[0] == "q = 12 mu (verified)"
    assert d.lines[0] == "q = 12 mu (declared)"
    assert v.amount == d.amount
    assert v.lines[1:] == d.lines[1:]


def test_quantity_is_shown_without_needless_zeros() -> None:
    calc = calculate(crayfish_rice(), D("12.500"), verified=True)
    assert calc.lines[0] == "q = 12.5 mu (verified)"
    calc = calculate(crayfish_rice(), D("1E+1"), verified=True)
    assert calc.lines[0] == "q = 10 mu (verified)"


# --------------------------------------------------------------------------------------
# calculate: refusals
# --------------------------------------------------------------------------------------


def test_negative_quantity_is_refused() -> None:
    with pytest.raises(ValueError, match="quantity must not be negative"):
        calculate(crayfish_rice(), D("-1"), verified=True)


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity")])
def test_non_finite_quantity_is_refused(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="quantity must be a finite number"):
        calculate(crayfish_rice(), bad, verified=True)


@pytest.mark.parametrize("bad", [12.5, True])
def test_float_or_bool_quantity_is_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="quantity"):
        calculate(crayfish_rice(), bad, verified=True)  # type: ignore[arg-type]


def test_calculate_validates_the_rate() -> None:
    rate = dataclasses.replace(crayfish_rice(), tiers=())
    with pytest.raises(ValueError, match="at least one tier"):
        calculate(rate, D("5"), verified=True)


def test_data_is_frozen() -> None:
    calc = calculate(crayfish_rice(), D("5"), verified=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        calc.amount = D("1.00")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        crayfish_rice().cap = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Tier(None, D("1")).rate = D("2")  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# validate_rate
# --------------------------------------------------------------------------------------


def rate_with(
    tiers: tuple[Tier, ...] = SCHEME_TIERS,
    *,
    min_quantity: Decimal = ONE,
    cap: Decimal | None = SCHEME_CAP,
) -> Rate:
    return Rate("crayfish_rice", "mu", min_quantity, cap, tiers)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        (rate_with(()), "at least one tier"),
        (
            rate_with((Tier(D("10"), D("1")), Tier(D("10"), D("1")))),
            "strictly increasing",
        ),
        (
            rate_with((Tier(D("10"), D("1")), Tier(D("5"), D("1")))),
            "strictly increasing",
        ),
        (
            rate_with((Tier(D("5"), D("1")), Tier(D("10"), D("1")), Tier(D("7"), D("1")))),
            "tier 3 up_to 7 is not above tier 2 up_to 10",
        ),
        (
            rate_with((Tier(None, D("1")), Tier(D("10"), D("1")))),
            "tier 1 has no upper limit, so it must be the last",
        ),
        (
            rate_with((Tier(None, D("1")), Tier(None, D("1")))),
            "must be the last",
        ),
        (rate_with((Tier(D("0"), D("1")),)), "tier 1 up_to must be greater than 0"),
        (rate_with((Tier(D("-5"), D("1")),)), "tier 1 up_to must be greater than 0"),
        (
            rate_with((Tier(D("10"), D("1")), Tier(None, D("-0.01")))),
            "tier 2 rate must not be negative",
        ),
        (rate_with(min_quantity=D("-1")), "min_quantity must not be negative"),
        (rate_with(cap=D("-0.01")), "cap must not be negative"),
        (rate_with(cap=D("2999.995")), "cap must have at most 2 decimal places"),
        (rate_with(cap=D("NaN")), "cap must be a finite number"),
        (rate_with((Tier(D("Infinity"), D("1")),)), "tier 1 up_to must be a finite number"),
    ],
)
def test_validate_rate_refuses(rate: Rate, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_rate(rate)


@pytest.mark.parametrize(
    "rate",
    [
        rate_with(tiers=(Tier(10.0, D("1")),)),  # type: ignore[arg-type]
        rate_with(tiers=(Tier(D("10"), 1.5),)),  # type: ignore[arg-type]
        rate_with(min_quantity=0.5),  # type: ignore[arg-type]
        rate_with(cap=3000.0),  # type: ignore[arg-type]
    ],
)
def test_validate_rate_refuses_floats(rate: Rate) -> None:
    with pytest.raises(TypeError, match="must be a Decimal or int, not float"):
        validate_rate(rate)


@pytest.mark.parametrize(
    "rate",
    [
        crayfish_rice(),
        crayfish_rice(cap=None),
        rate_with(cap=D("0")),
        rate_with(min_quantity=D("0")),
        rate_with((Tier(None, D("0")),)),
        rate_with((Tier(D("0.001"), D("300")),)),
        rate_with((Tier(D("5"), D("0.125")), Tier(D("5.001"), D("1")), Tier(None, D("2")))),
    ],
)
def test_validate_rate_accepts(rate: Rate) -> None:
    assert validate_rate(rate) is None


# --------------------------------------------------------------------------------------
# cap_for_household
# --------------------------------------------------------------------------------------


def claim(amount: str) -> Calculation:
    return Calculation(amount=D(amount), steps=("first", f"→ {amount}"))


@pytest.mark.parametrize(
    ("amount", "household_cap", "already", "expected"),
    [
        ("3000.00", "5000", "4000", "1000.00"),  # 1000 left
        ("3000.00", "5000", "5000", "0.00"),  # nothing left
        ("3000.00", "5000", "6000.00", "0.00"),  # over the cap already: never below 0
        ("500.00", "5000", "4000", "500.00"),  # within what is left
        ("1000.00", "5000", "4000", "1000.00"),  # exactly what is left
        ("3000.00", "5000.00", "0", "3000.00"),
        ("3000.00", "0", "0", "0.00"),
        ("0.00", "5000", "4999.99", "0.00"),
        ("3000.00", "5000", "4999.99", "0.01"),
    ],
)
def test_household_cap(amount: str, household_cap: str, already: str, expected: str) -> None:
    result = cap_for_household(claim(amount), D(household_cap), D(already))
    assert str(result.amount) == expected


def test_household_cap_none_leaves_the_amount_unchanged() -> None:
    result = cap_for_household(claim("3000.00"), None, D("99999.00"))
    assert str(result.amount) == "3000.00"
    assert result.lines == ("first", "→ 3000.00", "no household cap → 3000.00")


def test_household_cap_appends_one_line() -> None:
    result = cap_for_household(claim("3000.00"), D("5000"), D("4000"))
    assert result.lines[:2] == ("first", "→ 3000.00")
    assert len(result.lines) == 3
    assert result.lines[-1] == (
        "household cap 5000.00, already approved 4000.00, left 1000.00: 3000.00 capped at what is left → 1000.00"
    )
    within = cap_for_household(claim("500.00"), D("5000"), D("4000"))
    assert within.lines[-1].endswith("500.00 is within it → 500.00")


def test_household_cap_over_spent_explains_zero_left() -> None:
    result = cap_for_household(claim("3000.00"), D("5000"), D("6000"))
    assert "left 0.00" in result.lines[-1]
    assert result.lines[-1].endswith("→ 0.00")


@pytest.mark.parametrize(
    ("household_cap", "already", "error", "message"),
    [
        (D("-1"), D("0"), ValueError, "household_cap must not be negative"),
        (D("5000"), D("-1"), ValueError, "already_approved must not be negative"),
        (D("5000.001"), D("0"), ValueError, "household_cap must have at most 2"),
        (D("5000"), D("0.001"), ValueError, "already_approved must have at most 2"),
        (5000.0, D("0"), TypeError, "household_cap"),
        (D("5000"), 0.0, TypeError, "already_approved"),
    ],
)
def test_household_cap_refuses(household_cap: object, already: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        cap_for_household(claim("3000.00"), household_cap, already)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# is_eligible
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("registered", True),
        ("returned", True),
        ("applied", False),
        ("surveyed", False),
        ("reviewed", False),
        ("notice", False),
        ("town_reviewed", False),
        ("removed", False),
        ("nonsense", False),
        ("", False),
        ("Registered", False),  # statuses are exact codes
    ],
)
def test_eligibility_by_status(status: str, expected: bool) -> None:
    # Generous exit fields must not make any status other than "exited" eligible or
    # ineligible: only the status counts here.
    ok, reason = is_eligible(status, 2018, 2017, 2030)
    assert ok is expected
    assert str(reason).startswith("eligible" if expected else "not eligible")


def test_eligibility_reasons_name_the_cause() -> None:
    assert "not yet registered" in str(is_eligible("notice", 2018, None, None)[1])
    assert "removed" in str(is_eligible("removed", 2018, None, None)[1])
    assert "unknown" in str(is_eligible("nonsense", 2018, None, None)[1])
    assert "returned to poverty" in str(is_eligible("returned", 2018, None, None)[1])


def test_eligibility_accepts_a_str_enum_status() -> None:
    class Status(str, enum.Enum):
        registered = "registered"
        notice = "notice"

    assert is_eligible(Status.registered, 2018, None, None)[0] is True
    ok, reason = is_eligible(Status.notice, 2018, None, None)
    assert ok is False
    assert "'notice'" in str(reason)
    assert "Status" not in str(reason)


@pytest.mark.parametrize(
    ("scheme_year", "eligible_until", "expected"),
    [
        (2018, 2020, True),  # before the end of the continuation
        (2020, 2020, True),  # the boundary year itself
        (2021, 2020, False),  # after it
        (2018, None, False),  # no continuation
    ],
)
def test_exited_household(scheme_year: int, eligible_until: int | None, expected: bool) -> None:
    ok, reason = is_eligible("exited", scheme_year, 2017, eligible_until)
    assert ok is expected
    assert str(reason).startswith("eligible" if expected else "not eligible")
    assert "2017" in str(reason)  # the exit year is named
    if eligible_until is not None:
        assert str(eligible_until) in str(reason)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------


def scaled(lo: int, hi: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals from lo to hi (whole units) with up to ``places`` decimal places."""
    return st.integers(lo * 10**places, hi * 10**places).map(lambda n: D(n).scaleb(-places))


quantities = scaled(0, 10_000, 3)
money = scaled(0, 20_000, 2)


@st.composite
def rates(draw: st.DrawFn) -> Rate:
    """Valid rates: 1–4 tiers, increasing up_to, optional unlimited last tier."""
    unlimited = draw(st.booleans())
    n_bounded = draw(st.integers(0 if unlimited else 1, 3 if unlimited else 4))
    bounds = sorted(
        draw(
            st.lists(
                scaled(0, 10_000, 3).filter(bool),
                min_size=n_bounded,
                max_size=n_bounded,
                unique=True,
            )
        )
    )
    ups: list[Decimal | None] = [*bounds, *([None] if unlimited else [])]
    tiers = tuple(Tier(up, draw(scaled(0, 1000, 2))) for up in ups)
    cap = draw(st.none() | scaled(0, 10_000, 2))
    return Rate("crayfish_rice", "mu", draw(scaled(0, 5, 3)), cap, tiers)


def reference_amount(rate: Rate, q: Decimal) -> Decimal:
    """The same rule in whole numbers: thousandths of a unit times fen per unit."""
    mq = int(q * 1000)  # every generated quantity and up_to has ≤ 3 places
    if mq < int(rate.min_quantity * 1000):
        return D("0.00")
    total = 0  # in 1/100000 yuan
    lower = 0
    for tier in rate.tiers:
        upper = mq if tier.up_to is None else int(tier.up_to * 1000)
        total += max(0, min(mq, upper) - lower) * int(tier.rate * 100)
        lower = upper
    fen = (total + 500) // 1000  # half-up: the total is never negative
    if rate.cap is not None:
        fen = min(fen, int(rate.cap * 100))
    return D(fen).scaleb(-2)


@given(rates(), quantities, st.booleans())
def test_matches_reference(rate: Rate, q: Decimal, verified: bool) -> None:
    assert calculate(rate, q, verified=verified).amount == reference_amount(rate, q)


@given(rates(), quantities, money, money)
def test_never_above_the_caps(rate: Rate, q: Decimal, household_cap: Decimal, already: Decimal) -> None:
    calc = calculate(rate, q, verified=True)
    if rate.cap is not None:
        assert calc.amount <= rate.cap
    left = max(household_cap - already, D(0))
    final = cap_for_household(calc, household_cap, already)
    assert final.amount <= left
    assert final.amount <= calc.amount
    assert final.amount == min(calc.amount, left)


@given(rates(), quantities, quantities)
def test_monotonic_in_quantity(rate: Rate, a: Decimal, b: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert calculate(rate, lo, verified=True).amount <= calculate(rate, hi, verified=True).amount


@given(rates(), st.data())
def test_zero_below_threshold(rate: Rate, data: st.DataObject) -> None:
    assume(rate.min_quantity > 0)
    top = int(rate.min_quantity * 1000) - 1  # the largest quantity below the threshold
    q = data.draw(st.integers(0, top).map(lambda n: D(n).scaleb(-3)))
    calc = calculate(rate, q, verified=False)
    assert calc.amount == 0
    assert "below threshold" in calc.lines[-1]


@given(rates(), quantities, st.none() | money, money)
def test_amount_has_two_places_and_is_not_negative(
    rate: Rate, q: Decimal, household_cap: Decimal | None, already: Decimal
) -> None:
    calc = calculate(rate, q, verified=True)
    final = cap_for_household(calc, household_cap, already)
    for amount in (calc.amount, final.amount):
        assert two_places(amount), amount
        assert amount >= 0
        assert not amount.is_signed()  # no "-0.00"


@given(rates(), quantities, st.none() | money, money, st.booleans())
def test_explanation_ends_with_the_amount(
    rate: Rate, q: Decimal, household_cap: Decimal | None, already: Decimal, verified: bool
) -> None:
    calc = calculate(rate, q, verified=verified)
    assert calc.lines
    assert calc.lines[0].startswith("q = ")
    assert calc.lines[-1].endswith(f"→ {calc.amount}")
    final = cap_for_household(calc, household_cap, already)
    assert final.lines[: len(calc.lines)] == calc.lines
    assert len(final.lines) == len(calc.lines) + 1
    assert final.lines[-1].endswith(f"→ {final.amount}")


@given(rates(), quantities)
def test_one_line_per_tier(rate: Rate, q: Decimal) -> None:
    calc = calculate(rate, q, verified=True)
    assume(q >= rate.min_quantity)
    tier_lines = [x for x in calc.lines if x.startswith("tier ")]
    assert len(tier_lines) == len(rate.tiers)


# --------------------------------------------------------------------------------------
# Agreement with the registry and links
# --------------------------------------------------------------------------------------


def test_every_registry_status_is_known_to_the_eligibility_rule() -> None:
    from_registry = {s.value for s in HouseholdStatus}
    assert ELIGIBLE_STATUSES | PRE_REGISTRATION_STATUSES | {"exited", "removed", "ordinary"} == from_registry
    for status in from_registry:
        assert "unknown" not in str(is_eligible(status, 2018, 2017, 2020)[1]), status


@given(
    st.sampled_from([s.value for s in HouseholdStatus]),
    st.integers(2014, 2030),
    st.integers(2014, 2040),
    st.integers(0, 20),
)
def test_a_household_may_claim_in_a_year_exactly_when_it_may_be_linked_that_year(
    status: str, exited_year: int, year: int, continuation_years: int
) -> None:
    # one policy, 脱贫不脱钩: the subsidy and the link rules must not disagree about a year
    claim_ok, _ = is_eligible(status, year, exited_year, exited_year + continuation_years)
    link_ok = link_refusal(status, exited_year, date(year, 1, 1), continuation_years) is None
    assert claim_ok is link_ok
