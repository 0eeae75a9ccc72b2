"""Tests for app.core.identifiers.

The property tests build valid identifiers with check characters computed here by an
independent formulation of each standard (weights derived as powers, the check found
as the value that makes the full weighted sum come out right), not by copying the
module's tables.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.core.identifiers import (
    ResidentIdInfo,
    mask_bank_card,
    mask_resident_id,
    resident_id_info,
    validate_bank_card,
    validate_credit_code,
    validate_resident_id,
)

# --------------------------------------------------------------------------------------
# Independent reference implementations
# --------------------------------------------------------------------------------------

RID_CHARS = "0123456789X"


def rid_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 as defined: weight of position i (1 = leftmost of 18) is
    2^(18-i) mod 11; the check value c (X = 10) makes sum + c ≡ 1 (mod 11)."""
    total = sum(int(ch) * pow(2, 17 - i, 11) for i, ch in enumerate(first17))
    c = (1 - total) % 11
    return "X" if c == 10 else str(c)


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
assert len(USCC_CHARS) == 31 and not set("IOSVZ") & set(USCC_CHARS)


def uscc_check(first17: str) -> str:
    """GB 32100-2015 check as a pure MOD 31 system: the check value makes the full
    weighted sum (check weight 1) ≡ 0 (mod 31), weight of position i = 3^i mod 31."""
    total = sum(USCC_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return USCC_CHARS[-total % 31]


TODAY = date(2024, 6, 15)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    first17 = draw(regions) + draw(birth_dates).strftime("%Y%m%d") + draw(sequences)
    return first17 + rid_check(first17)


uscc_bodies = st.text(alphabet=USCC_CHARS, min_size=17, max_size=17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    body = draw(uscc_bodies)
    return body + uscc_check(body)


# --------------------------------------------------------------------------------------
# Resident ID: known and hand-computed cases
# --------------------------------------------------------------------------------------


def test_reference_implementation_agrees_with_known_example() -> None:
    # Guards the independent formulation itself, so the properties below mean something.
    assert rid_check("11010519491231002") == "X"
    assert rid_check("42900519800101123") == "3"


def test_known_valid_resident_id() -> None:
    assert validate_resident_id("11010519491231002X") == "11010519491231002X"


def test_resident_id_normalises_lowercase_x_and_whitespace() -> None:
    assert validate_resident_id("  11010519491231002x\t\n") == "11010519491231002X"


def test_hand_computed_resident_ids() -> None:
    # 429005 19800101 123: Σ digit×weight
    #   4·7 + 2·9 + 9·10 + 0·5 + 0·8 + 5·4 + 1·2 + 9·1 + 8·6 + 0·3 + 0·7 + 1·9 + 0·10
    #   + 1·5 + 1·8 + 2·4 + 3·2 = 251; 251 mod 11 = 9; "10X98765432"[9] = "3"
    assert validate_resident_id("429005198001011233") == "429005198001011233"
    # 440308 19900307 162: Σ = 274; 274 mod 11 = 10; "10X98765432"[10] = "2"
    assert validate_resident_id("440308199003071622") == "440308199003071622"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must be 18 characters"),
        ("11010519491231002", "must be 18 characters"),
        ("11010519491231002X1", "must be 18 characters"),
        ("110105194912310", "must be 18 characters"),  # old 15-digit format
        ("1101051949123100 X", "first 17 characters must be digits"),
        ("11010519491231A02X", "first 17 characters must be digits"),
        # full-width digit: str.isdigit() would accept it
        ("１1010519491231002X", "first 17 characters must be digits"),
        ("11010519491231002Y", "last character must be a digit or X"),
        ("110105194913310023", "invalid birth date"),  # month 13
        ("110105194902300023", "invalid birth date"),  # 30 February
        ("110105190002290023", "invalid birth date"),  # 1900 was not a leap year
        ("110105000001010023", "invalid birth date"),  # year 0
        ("110105189912310023", "invalid birth date"),  # before 1900
        ("110105194912310021", "check character should be X"),
        ("429005198001011234", "check character should be 3"),
    ],
)
def test_invalid_resident_ids(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_resident_id(value)


def test_resident_id_leap_day_accepted() -> None:
    first17 = "11010520000229001"
    value = first17 + rid_check(first17)
    assert validate_resident_id(value) == value


def test_resident_id_birth_date_bounds_with_pinned_today() -> None:
    on_today = "110105" + "20240615" + "001"
    tomorrow = "110105" + "20240616" + "001"
    assert validate_resident_id(on_today + rid_check(on_today), today=TODAY)
    with pytest.raises(ValueError, match=r"birth date.*future"):
        validate_resident_id(tomorrow + rid_check(tomorrow), today=TODAY)
    first_day = "110105" + "19000101" + "001"
    assert validate_resident_id(first_day + rid_check(first_day), today=TODAY)


def test_resident_id_future_birth_date_with_real_clock() -> None:
    first17 = "110105" + (date.today() + timedelta(days=1)).strftime("%Y%m%d") + "001"
    with pytest.raises(ValueError, match="invalid birth date"):
        validate_resident_id(first17 + rid_check(first17))


def test_resident_id_rejects_non_string() -> None:
    with pytest.raises(TypeError):
        validate_resident_id(11010519491231002)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Resident ID: properties
# --------------------------------------------------------------------------------------


@given(resident_ids())
def test_generated_resident_ids_are_accepted(value: str) -> None:
    assert validate_resident_id(value, today=TODAY) == value
    assert validate_resident_id(value.lower(), today=TODAY) == value


@given(resident_ids())
def test_every_wrong_check_character_is_rejected(value: str) -> None:
    for wrong in RID_CHARS.replace(value[-1], ""):
        with pytest.raises(ValueError, match=f"check character should be {value[-1]}"):
            validate_resident_id(value[:-1] + wrong, today=TODAY)


@given(resident_ids(), st.integers(0, 16), digits)
def test_any_single_digit_change_is_rejected(value: str, position: int, digit: str) -> None:
    # MOD 11-2 catches every single substitution (the change may also break the date).
    assume(value[position] != digit)
    changed = value[:position] + digit + value[position + 1 :]
    with pytest.raises(ValueError):
        validate_resident_id(changed, today=TODAY)


@given(resident_ids(), st.integers(0, 15))
def test_adjacent_transposition_is_rejected(value: str, position: int) -> None:
    a, b = value[position], value[position + 1]
    assume(a != b)
    swapped = value[:position] + b + a + value[position + 2 :]
    with pytest.raises(ValueError):
        validate_resident_id(swapped, today=TODAY)


@given(regions, birth_dates, sequences)
def test_resident_id_info_decodes_fields(region: str, born: date, seq: str) -> None:
    first17 = region + born.strftime("%Y%m%d") + seq
    info = resident_id_info(first17 + rid_check(first17), today=TODAY)
    expected_sex = "male" if int(seq[-1]) % 2 else "female"
    assert info == ResidentIdInfo(birth_date=born, sex=expected_sex, region_code=region)


def test_resident_id_info_known_examples() -> None:
    assert resident_id_info("11010519491231002x") == ResidentIdInfo(
        birth_date=date(1949, 12, 31), sex="female", region_code="110105"
    )
    assert resident_id_info("429005198001011233") == ResidentIdInfo(
        birth_date=date(1980, 1, 1), sex="male", region_code="429005"
    )


def test_resident_id_info_validates_first() -> None:
    with pytest.raises(ValueError, match="check character"):
        resident_id_info("110105194912310021")


def test_resident_id_info_is_frozen() -> None:
    info = resident_id_info("11010519491231002X")
    with pytest.raises(AttributeError):
        info.sex = "male"  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------


def test_mask_resident_id_examples() -> None:
    assert mask_resident_id("42900419800101123X") == "4290**********123X"
    assert mask_resident_id(" 11010519491231002x ") == "1101**********002X"
    # legacy 15-digit numbers are masked the same way
    assert mask_resident_id("110105491231002") == "1101*******1002"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("", ""), ("1", "*"), ("12", "**"), ("123", "*23"), ("12345678", "******78")],
)
def test_mask_resident_id_short_values(value: str, masked: str) -> None:
    assert mask_resident_id(value) == masked


@given(resident_ids())
def test_mask_resident_id_hides_birth_date(value: str) -> None:
    masked = mask_resident_id(value)
    assert len(masked) == 18
    assert masked[:4] == value[:4] and masked[-4:] == value[-4:]
    assert masked[4:14] == "*" * 10


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6222020200001234", "************1234"),
        ("6222 0202 0000 1234", "************1234"),
        ("6217995200012345678", "***************5678"),
        ("12345678", "****5678"),
        ("1234567", "*****67"),
        ("123", "*23"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_bank_card(value: str, masked: str) -> None:
    assert mask_bank_card(value) == masked


@given(st.text(alphabet="0123456789", min_size=8, max_size=30))
def test_mask_bank_card_keeps_length_and_last_four(value: str) -> None:
    masked = mask_bank_card(value)
    assert len(masked) == len(value)
    assert masked[-4:] == value[-4:]
    assert set(masked[:-4]) == {"*"}


# --------------------------------------------------------------------------------------
# Unified social credit code
# --------------------------------------------------------------------------------------


def test_known_valid_credit_code() -> None:
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_credit_code_normalises_case_and_whitespace() -> None:
    assert validate_credit_code("  91350100m000100y43\n") == "91350100M000100Y43"


def test_hand_computed_credit_codes() -> None:
    # 91350100M000100Y4 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    #   9 + 3 + 27 + 135 + 26 + 21·20 + 8 + 30·30 + 4·28 = 1640; 1640 mod 31 = 28;
    #   31 - 28 = 3 → "3" (the example above)
    # 91429005MA4A1B2C3: 9 + 3 + 36 + 54 + 171 + 85 + 420 + 290 + 100 + 130 + 8 + 264
    #   + 20 + 360 + 84 = 2034; 2034 mod 31 = 19; 31 - 19 = 12 → "C"
    assert validate_credit_code("91429005MA4A1B2C3C") == "91429005MA4A1B2C3C"
    # sum 0: 31 - 0 = 31, which maps to 0
    assert validate_credit_code("000000000000000000") == "000000000000000000"
    with pytest.raises(ValueError, match="check character should be 0"):
        validate_credit_code("00000000000000000Y")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must be 18 characters"),
        ("91350100M000100Y4", "must be 18 characters"),
        ("91350100M000100Y433", "must be 18 characters"),
        ("91350100I000100Y43", "invalid character 'I' at position 9"),
        ("91350100O000100Y43", "invalid character 'O'"),
        ("91350100S000100Y43", "invalid character 'S'"),
        ("91350100V000100Y43", "invalid character 'V'"),
        ("91350100Z000100Y43", "invalid character 'Z'"),
        ("91350100M000100Y4-", "invalid character '-' at position 18"),
        ("91350100M000100Y42", "check character should be 3"),
        ("91429005MA4A1B2C3D", "check character should be C"),
    ],
)
def test_invalid_credit_codes(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_credit_code(value)


@given(credit_codes())
def test_generated_credit_codes_are_accepted(value: str) -> None:
    assert validate_credit_code(value) == value
    assert validate_credit_code(f" {value.lower()} ") == value


@given(credit_codes())
def test_every_wrong_credit_code_check_character_is_rejected(value: str) -> None:
    for wrong in USCC_CHARS.replace(value[-1], ""):
        with pytest.raises(ValueError, match=f"check character should be {value[-1]}"):
            validate_credit_code(value[:-1] + wrong)


@given(credit_codes(), st.integers(0, 16), st.sampled_from(USCC_CHARS))
def test_any_single_credit_code_substitution_is_rejected(value: str, position: int, char: str) -> None:
    # 31 is prime and no weight is 0 mod 31, so every single substitution is caught.
    assume(value[position] != char)
    with pytest.raises(ValueError, match="check character"):
        validate_credit_code(value[:position] + char + value[position + 1 :])


# --------------------------------------------------------------------------------------
# Bank card
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("622202020000123", "622202020000123"),
        ("6222 0202 0000 1234", "6222020200001234"),
        (" 123456789012 ", "123456789012"),  # 12 digits, the minimum
        ("1234567890123456789", "1234567890123456789"),  # 19 digits, the maximum
        ("6222020200001235", "6222020200001235"),  # fails Luhn, still accepted
    ],
)
def test_valid_bank_cards(value: str, expected: str) -> None:
    assert validate_bank_card(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "12 to 19 digits"),
        ("12345678901", "12 to 19 digits"),
        ("12345678901234567890", "12 to 19 digits"),
        ("6222-0202-0000-1234", "only digits"),
        ("62220202000012A4", "only digits"),
        ("６２２２020200001234", "only digits"),  # full-width digits
    ],
)
def test_invalid_bank_cards(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_bank_card(value)


@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_bank_card_accepts_any_12_to_19_digits(value: str) -> None:
    spaced = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    assert validate_bank_card(spaced) == value
